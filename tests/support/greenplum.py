"""A PostgreSQL database that answers as Greenplum: the stand-in catalog of
tests/sources/database (gp_stub.sql, and gp6_stub.sql for GP6's partition catalog) on every new
connection's search_path, and `version()` saying Greenplum. Lets a whole ingestion of a
"Greenplum" database run without Greenplum."""

from __future__ import annotations

import sqlalchemy as sa

from tests.sources.database.conftest import HERE, load_sql

# Schemas of the stand-in itself: a recipe over such a database leaves them out.
STUB_SCHEMAS = ("^gp_stub$", "^gp6_stub$")


def stand_in_greenplum(url: str, version: str, *, gp6_catalog: bool) -> None:
    """Make every new connection to `url`'s database see Greenplum's catalog and version."""
    load_sql(url, HERE / "gp_stub.sql")
    path = "gp_stub, pg_catalog, public"
    if gp6_catalog:
        load_sql(url, HERE / "gp6_stub.sql")
        path = "gp6_stub, " + path
    database = sa.make_url(url).database
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        literal = version.replace("'", "''")
        conn.exec_driver_sql(f'ALTER DATABASE "{database}" SET search_path = {path}')
        conn.exec_driver_sql(f"ALTER DATABASE \"{database}\" SET gp_stub.version = '{literal}'")
    engine.dispose()
