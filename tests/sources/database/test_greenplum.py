"""Greenplum support. No Greenplum server can run here, so most tests use what can:
version() strings of GP6, GP7 and Cloudberry (detection and the choice of queries), and
PostgreSQL itself, which parses, plans and runs every Greenplum query against stand-in views of
Greenplum's catalog (gp_stub.sql). `test_real_greenplum` runs only when GREENPLUM_URL is set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from catalog_sync.cli.main import app
from catalog_sync.sources.database import greenplum, queries
from catalog_sync.sources.database.assets import DatabaseScope, table_asset
from catalog_sync.sources.database.greenplum import detect_flavor
from catalog_sync.sources.database.introspect import Server, read_tables
from catalog_sync.sources.database.targets import url_target
from tests.sources.database.conftest import HERE, load_sql
from tests.support.sink_file import file_records

GP6 = ("PostgreSQL 9.4.26 (Greenplum Database 6.25.3 build commit:367edc6b4dfd909fe38fc2"
       "88ade9e294d74e3f9a) on x86_64-unknown-linux-gnu, compiled by gcc (GCC) 6.4.0, 64-bit")
GP7 = ("PostgreSQL 12.12 (Greenplum Database 7.1.0 build commit:e7c2b1f14bb42a1018ac57d14f4436"
       "880e0a0515 Open Source) on x86_64-pc-linux-gnu, compiled by gcc (GCC) 8.5.0, 64-bit")
CLOUDBERRY = ("PostgreSQL 14.4 (Apache Cloudberry 1.6.0+dev.1 build dev) on x86_64-pc-linux-gnu,"
              " compiled by gcc (GCC) 11.4.1, 64-bit")
CLOUDBERRY_OLD = "PostgreSQL 14.4 (Cloudberry Database 1.5.4 build 1) on x86_64-pc-linux-gnu"
POSTGRES = "PostgreSQL 16.2 (Debian 16.2-1.pgdg120+2) on x86_64-pc-linux-gnu, compiled by gcc"


@pytest.mark.parametrize(
    ("text", "kind", "version", "pg_major", "platform", "legacy"),
    [
        (GP6, "greenplum", "6.25", 9, "greenplum", True),
        (GP7, "greenplum", "7.1", 12, "greenplum", False),
        (CLOUDBERRY, "cloudberry", "1.6", 14, "greenplum", False),
        (CLOUDBERRY_OLD, "cloudberry", "1.5", 14, "greenplum", False),
        (POSTGRES, "postgresql", "16.2", 16, "postgres", False),
    ],
)
def test_flavor_from_version(
    text: str, kind: str, version: str, pg_major: int, platform: str, legacy: bool
) -> None:
    flavor = detect_flavor(text)
    assert (flavor.kind, flavor.version, flavor.postgres_major) == (kind, version, pg_major)
    assert flavor.platform == platform
    assert flavor.legacy_partitions is legacy
    assert queries.queries_for(flavor) is (queries.GP6_QUERIES if legacy
                                           else queries.POSTGRES_QUERIES)


ALL_GREENPLUM_SQL = {
    "SEGMENTS_SQL": greenplum.SEGMENTS_SQL,
    "DISTRIBUTION_SQL": greenplum.DISTRIBUTION_SQL,
    "GP6_PARTITIONS_SQL": greenplum.GP6_PARTITIONS_SQL,
    "GP6_RELATIONS_SQL": queries.GP6_RELATIONS_SQL,
    "GP6_COLUMNS_SQL": queries.GP6_COLUMNS_SQL,
    "GP6_CONSTRAINTS_SQL": queries.GP6_CONSTRAINTS_SQL,
}


@pytest.fixture
def stubbed(sample_db: str) -> sa.Engine:
    """The sample database plus stand-ins for Greenplum's catalog, first on the search_path."""
    load_sql(sample_db, HERE / "gp_stub.sql")
    return sa.create_engine(
        sample_db, connect_args={"options": "-c search_path=gp_stub,public"}
    )


def test_postgresql_parses_every_greenplum_query(stubbed: sa.Engine) -> None:
    """PREPARE makes PostgreSQL parse and analyse each statement against the stand-ins."""
    with stubbed.connect() as conn:
        for name, sql in ALL_GREENPLUM_SQL.items():
            statement = sa.text(f"PREPARE {name.lower()} AS {sql}")
            conn.execute(statement, {"sizes": True} if ":sizes" in sql else {})
            conn.execute(sa.text(f"DEALLOCATE {name.lower()}"))
        assert conn.execute(sa.text(greenplum.SEGMENTS_SQL)).scalar() == 2
    stubbed.dispose()


def _assets(engine: sa.Engine, version: str, url: str, sizes: bool
            ) -> dict[str, dict[str, object]]:
    flavor = detect_flavor(version)
    with engine.connect() as conn:
        server = Server(flavor, sa.make_url(url).database or "", "postgres", None, segments=2)
        scope = DatabaseScope(url_target(url), server, flavor.platform, "PROD", None)
        db_ref = scope.database_container()
        found = {}
        for table in read_tables(conn, server, sizes=sizes):
            if table.relation.schema_name == "gp_stub":
                continue
            ref = scope.schema_container(table.relation.schema_name, None)
            asset = table_asset(scope, table, db_ref, ref)
            found[asset.display_name or ""] = {
                "subtype": asset.subtype,
                "fields": [f.path for f in asset.fields],
                "partition_keys": [f.path for f in asset.fields if f.is_partition_key],
                **asset.properties,
            }
    engine.dispose()
    assert dict(db_ref.properties)["segments"] == "2"
    return found


@pytest.mark.parametrize(("version", "sizes"),
                         [(GP6, True), (GP6, False), (GP7, True), (CLOUDBERRY, False)])
def test_greenplum_queries_run_and_roll_up(stubbed: sa.Engine, sample_db: str,
                                           version: str, sizes: bool) -> None:
    """The whole Greenplum path (GP6's pg_partitions, or GP7's pg_partition_tree) over the
    stand-ins: partitions roll up into their parent and every table gets its distribution;
    sizes on disk only when asked for."""
    found = _assets(stubbed, version, sample_db, sizes)
    assert ("size_bytes" in found["orders"]) is sizes
    assert ("size_bytes" in found["customers"]) is sizes
    assert set(found) == {"customers", "orders", "products", "big_customers", "order_counts",
                          "stock_feed", "secrets"}
    orders = found["orders"]
    assert orders["subtype"] == "Partitioned Table"
    assert orders["partitions"] == "3"
    assert orders["estimated_rows"] == "300"
    assert orders["partition_keys"] == ["ordered_on"]
    assert "ordered_on" in str(orders["partition_key"])
    assert orders["distributed_by"] == "RANDOMLY"
    assert found["customers"]["distributed_by"] == "HASH(id)"
    assert found["products"]["distributed_by"] == "REPLICATED"
    assert "distributed_by" not in found["big_customers"]
    if version == GP6:
        assert orders["partition_type"] == "range"


@pytest.mark.skipif(not os.environ.get("GREENPLUM_URL"), reason="needs GREENPLUM_URL")
def test_real_greenplum(workdir: Path) -> None:
    """Runs only against a real Greenplum 6/7 or Cloudberry: GREENPLUM_URL is a SQLAlchemy URL
    of a database with at least one table the user may read."""
    recipe = workdir / "gp.yml"
    recipe.write_text(
        "source:\n  type: catalog-sync-database\n  config:\n    url: ${GREENPLUM_URL}\n"
        f"sink:\n  type: file\n  config: {{filename: {workdir / 'gp.json'}}}\n"
    )
    result = CliRunner().invoke(app, ["ingest", str(recipe), "--json"])
    assert result.exit_code == 0, result.output
    records = file_records(workdir / "gp.json")
    containers = [r["aspect"]["json"] for r in records
                  if r.get("aspectName") == "containerProperties"]
    database = next(c for c in containers if "server" in c["customProperties"])
    assert database["customProperties"]["server"] in ("greenplum", "cloudberry")
    assert int(database["customProperties"]["segments"]) > 0
    datasets = [r["aspect"]["json"]["customProperties"] for r in records
                if r.get("aspectName") == "datasetProperties"]
    assert datasets and all(r["entityUrn"].startswith("urn:li:dataset:(urn:li:dataPlatform:"
                                                      "greenplum,") for r in records
                            if r.get("aspectName") == "datasetProperties")
    tables = [d for d in datasets if d["table_kind"] in ("Table", "Partitioned Table")]
    assert all("distributed_by" in d for d in tables)
