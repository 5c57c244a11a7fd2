"""What every catalog query shares: the server query, the filter on system schemas, and how a
partition finds the dataset it belongs to on each catalog generation.

Partitions are not datasets: their keys, columns read by views and sizes belong to their root.
PostgreSQL 12+ (and Greenplum 7, Cloudberry) tell it with `pg_partition_root()`; Greenplum 6
(PostgreSQL 9.4 inside) with its own `pg_partition_rule` -> `pg_partition.parrelid`.
"""

from __future__ import annotations

from typing import NamedTuple

DATABASE_SQL = """
SELECT version() AS version,
       current_database() AS database,
       current_user AS username,
       shobj_description(d.oid, 'pg_database') AS comment,
       to_regclass('pg_partition_rule') IS NOT NULL AS gp6_partitions
FROM pg_database d
WHERE d.datname = current_database()
"""


class DatabaseRow(NamedTuple):
    version: str
    database: str
    username: str
    comment: str | None
    gp6_partitions: bool


def user_schemas(namespace: str = "n") -> str:
    """Not a system schema of PostgreSQL, Greenplum or Cloudberry (`namespace`: pg_namespace)."""
    return rf"""
      {namespace}.nspname NOT IN ('pg_catalog', 'information_schema', 'gp_toolkit', 'pg_aoseg',
                                  'pg_bitmapindex', 'pg_ext_aux')
  AND {namespace}.nspname NOT LIKE 'pg\_toast%'
  AND {namespace}.nspname NOT LIKE 'pg\_temp\_%'"""


USER_SCHEMAS = user_schemas()

DATASET_KINDS = "c.relkind IN ('r', 'v', 'm', 'f', 'p')"


def root_of(relation: str) -> str:
    """The dataset a relation belongs to: its partition root, else itself (PostgreSQL 12+)."""
    return f"coalesce(pg_partition_root({relation})::oid, {relation})"


def gp6_root_of(relation: str) -> str:
    """The same on Greenplum 6: every level's rule points at the root's pg_partition rows.
    SUBPARTITION TEMPLATE rules have no child (parchildrelid 0, which a constraint's absent
    `confrelid` also is): they are left out, so one relation has at most one rule."""
    return f"""coalesce((SELECT pp.parrelid FROM pg_partition_rule pr
                 JOIN pg_partition pp ON pp.oid = pr.paroid
                 WHERE pr.parchildrelid = {relation} AND NOT pp.paristemplate), {relation})"""


GP6_NOT_A_PARTITION = (
    "NOT EXISTS (SELECT 1 FROM pg_partition_rule pr WHERE pr.parchildrelid = c.oid)"
)
