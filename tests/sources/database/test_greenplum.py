"""Greenplum support. No Greenplum server runs in CI, so these tests use what can run: the
version() strings of Greenplum 6 and 7, Apache Cloudberry and Greengage, and PostgreSQL itself,
which parses and runs every Greenplum query against stand-ins of Greenplum's catalog
(gp_stub.sql, and gp6_stub.sql for GP6's partition catalog) that also answer version() as a
Greenplum would, so a whole ingestion runs against "Greenplum". `test_real_greenplum` runs
only when GREENPLUM_URL is set."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from datahub.ingestion.source.sql.sql_utils import gen_database_key, gen_schema_key
from typer.testing import CliRunner

from catalog_sync.cli.main import app
from catalog_sync.sources.database import greenplum
from catalog_sync.sources.database.flavor import detect_flavor
from catalog_sync.sources.database.queries import GP6_QUERIES
from tests.sources.database.conftest import HERE, SAMPLE_SQL, load_sql
from tests.support.greenplum import STUB_SCHEMAS, stand_in_greenplum
from tests.support.sink_file import file_records

GP6 = ("PostgreSQL 9.4.26 (Greenplum Database 6.25.3 build commit:367edc6b4dfd909fe38fc2"
       "88ade9e294d74e3f9a) on x86_64-unknown-linux-gnu, compiled by gcc (GCC) 6.4.0, 64-bit")
GP7 = ("PostgreSQL 12.12 (Greenplum Database 7.1.0 build commit:e7c2b1f14bb42a1018ac57d14f4436"
       "880e0a0515 Open Source) on x86_64-pc-linux-gnu, compiled by gcc (GCC) 8.5.0, 64-bit")
CLOUDBERRY = ("PostgreSQL 14.4 (Apache Cloudberry 2.0.0-incubating build 1) on aarch64-unknown-"
              "linux-gnu, compiled by gcc (GCC) 11.5.0 20240719 (Red Hat 11.5.0-11), 64-bit")
CLOUDBERRY_DEV = ("PostgreSQL 14.4 (Apache Cloudberry 1.0.0+00da831 build dev) on x86_64-pc-"
                  "linux-gnu, compiled by gcc (Ubuntu 9.4.0-1ubuntu1~20.04.2) 9.4.0, 64-bit")
CLOUDBERRY_OLD = ("PostgreSQL 14.4 (Cloudberry Database 1.6.0 build dev) on x86_64-pc-linux-gnu,"
                  " compiled by gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0, 64-bit")
GREENGAGE = ("PostgreSQL 9.4.26 (Greengage Database 6.27.0 build commit:0123456789abcdef) on "
             "x86_64-pc-linux-gnu, compiled by gcc-11 (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0")
GREENGAGE_ARENADATA = ("PostgreSQL 9.4.26 (Greengage Database 6.26.35_arenadata53 build "
                       "2625.gitac00af7.el7) on x86_64-unknown-linux-gnu")
POSTGRES = "PostgreSQL 16.2 (Debian 16.2-1.pgdg120+2) on x86_64-pc-linux-gnu, compiled by gcc"


@pytest.mark.parametrize(
    ("text", "kind", "version", "pg_major", "platform"),
    [
        (GP6, "greenplum", "6.25", 9, "greenplum"),
        (GP7, "greenplum", "7.1", 12, "greenplum"),
        (CLOUDBERRY, "cloudberry", "2.0", 14, "greenplum"),
        (CLOUDBERRY_DEV, "cloudberry", "1.0", 14, "greenplum"),
        (CLOUDBERRY_OLD, "cloudberry", "1.6", 14, "greenplum"),
        (GREENGAGE, "greengage", "6.27", 9, "greenplum"),
        (GREENGAGE_ARENADATA, "greengage", "6.26", 9, "greenplum"),
        (POSTGRES, "postgresql", "16.2", 16, "postgres"),
    ],
)
def test_flavor_from_version(text: str, kind: str, version: str, pg_major: int,
                             platform: str) -> None:
    flavor = detect_flavor(text)
    assert (flavor.kind, flavor.version, flavor.postgres_major) == (kind, version, pg_major)
    assert flavor.platform == platform
    assert flavor.is_greenplum is (kind != "postgresql")


@pytest.fixture
def gp_source(pg_database: str) -> str:
    """The shop sample and the features database in one, for the stand-ins to run over."""
    load_sql(pg_database, SAMPLE_SQL)
    load_sql(pg_database, HERE / "features.sql")
    return pg_database


def test_postgresql_parses_every_greenplum_query(gp_source: str) -> None:
    """PREPARE makes PostgreSQL parse and analyse each statement against the stand-ins."""
    stand_in_greenplum(gp_source, GP6, gp6_catalog=True)
    statements = {
        "segments": greenplum.SEGMENTS_SQL,
        "distribution": greenplum.DISTRIBUTION_SQL,
        "gp6_partitions": greenplum.GP6_PARTITIONS_SQL,
        **{f"gp6_{f.name}": getattr(GP6_QUERIES, f.name) for f in dataclasses.fields(GP6_QUERIES)},
    }
    engine = sa.create_engine(gp_source)
    with engine.connect() as conn:
        for name, sql in statements.items():
            conn.execute(sa.text(f"PREPARE {name} AS {sql}"),
                         {"sizes": True} if ":sizes" in sql else {})
            conn.execute(sa.text(f"DEALLOCATE {name}"))
        assert conn.execute(sa.text(greenplum.SEGMENTS_SQL)).scalar() == 2
        assert conn.execute(sa.text("SELECT version()")).scalar() == GP6
    engine.dispose()


def _ingest(workdir: Path, url: str, **config: Any) -> list[dict[str, Any]]:
    out = workdir / "gp.json"
    recipe = workdir / "gp.yml"
    recipe.write_text(yaml.safe_dump({
        "source": {"type": "catalog-sync-database", "config": {
            "url": url, "schema_pattern": {"deny": list(STUB_SCHEMAS)}, **config}},
        "sink": {"type": "file", "config": {"filename": str(out)}},
    }))
    result = CliRunner().invoke(app, ["ingest", str(recipe), "--json"])
    assert result.exit_code == 0, result.output
    return file_records(out)


def _aspects(records: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["entityUrn"], r["aspectName"]): r["aspect"]["json"] for r in records}


@pytest.fixture
def as_greenplum(request: pytest.FixtureRequest, gp_source: str) -> Iterator[tuple[str, bool]]:
    version, gp6_catalog = request.param
    stand_in_greenplum(gp_source, version, gp6_catalog=gp6_catalog)
    yield version, gp6_catalog


@pytest.mark.parametrize(
    "as_greenplum",
    [(GP6, True), (GREENGAGE, True), (GP7, False), (CLOUDBERRY, False), (CLOUDBERRY_OLD, False),
     # The catalog decides, not the version: a GP7 build with GP6's partition catalog, and a
     # GP6 one without it, each read by what they have.
     (GP7, True), (GP6, False)],
    indirect=True, ids=["gp6", "greengage", "gp7", "cloudberry-2", "cloudberry-1.6",
                        "gp7-with-gp6-catalog", "gp6-without-it"],
)
def test_a_whole_ingestion_against_greenplum(
    workdir: Path, gp_source: str, as_greenplum: tuple[str, bool]
) -> None:
    """Partitions (two levels too) roll up, keys declared on partitions with them, every table
    gets its distribution, views their lineage, and the containers DataHub's own keys."""
    version, gp6_catalog = as_greenplum
    flavor = detect_flavor(version)
    database = sa.make_url(gp_source).database or ""
    aspects = _aspects(_ingest(workdir, gp_source))

    def dataset(name: str) -> str:
        return f"urn:li:dataset:(urn:li:dataPlatform:greenplum,{database}.{name},PROD)"

    def props(name: str) -> dict[str, str]:
        return dict(aspects[(dataset(name), "datasetProperties")]["customProperties"])

    db_urn = gen_database_key(database, "greenplum", None, "PROD").as_urn()
    db = aspects[(db_urn, "containerProperties")]["customProperties"]
    assert (db["server"], db["server_version"], db["segments"]) == (
        flavor.kind, flavor.version, "2")
    for schema in ("sales", "store", "reporting", "empty_schema", "public"):
        urn = gen_schema_key(database, schema, "greenplum", None, "PROD").as_urn()
        assert aspects[(urn, "container")]["container"] == db_urn

    names = {u for u, a in aspects if a == "datasetProperties"}
    assert not any("orders_2024" in u or "payment_p2022" in u or "events_eu" in u
                   for u in names)
    orders = props("sales.orders")
    assert (orders["table_kind"], orders["partitions"], orders["estimated_rows"]) == (
        "Partitioned Table", "3", "300")
    assert "ordered_on" in orders["partition_key"]
    assert orders["distributed_by"] == "RANDOMLY"
    assert props("sales.customers")["distributed_by"] == "HASH(id)"
    assert props("store.customer")["distributed_by"] == "HASH(customer_id)"
    assert props("inventory.products")["distributed_by"] == "REPLICATED"
    assert "distributed_by" not in props("sales.big_customers")
    # GP6's external tables (relkind 'r' there, in pg_exttable); GP7's are foreign tables.
    feed = props("inventory.stock_feed")
    assert feed["table_kind"] == ("External Table" if gp6_catalog else "Foreign Table")
    assert not {"distributed_by", "estimated_rows", "size_bytes"} & set(feed)
    events = props("store.events")
    assert (events["partitions"], events["estimated_rows"]) == ("3", "40")
    if gp6_catalog:
        assert orders["partition_type"] == "range"
        assert events["partition_type"] == "list, range"
        assert events["partition_key"] == "region, at"

    payment = aspects[(dataset("store.payment"), "schemaMetadata")]
    assert [k["foreignDataset"] for k in payment["foreignKeys"]] == [dataset("store.customer")]
    assert sorted(payment["primaryKeys"]) == ["payment_date", "payment_id"]
    refund = aspects[(dataset("store.refund"), "schemaMetadata")]
    assert [k["foreignDataset"] for k in refund["foreignKeys"]] == [dataset("store.payment")]
    lineage = aspects[(dataset("reporting.happy_spenders"), "upstreamLineage")]
    assert [u["dataset"] for u in lineage["upstreams"]] == [
        dataset("reporting.happy_customers"), dataset("reporting.payment_totals")]
    january = aspects[(dataset("reporting.january"), "upstreamLineage")]
    assert [u["dataset"] for u in january["upstreams"]] == [dataset("store.payment")]


@pytest.mark.parametrize("as_greenplum", [(GP6, True)], indirect=True, ids=["gp6"])
def test_sizes_on_disk_only_when_asked(workdir: Path, gp_source: str,
                                       as_greenplum: tuple[str, bool]) -> None:
    database = sa.make_url(gp_source).database
    for sizes in (True, False):
        aspects = _aspects(_ingest(workdir, gp_source, table_sizes=sizes))
        for name in ("sales.orders", "sales.customers"):
            urn = f"urn:li:dataset:(urn:li:dataPlatform:greenplum,{database}.{name},PROD)"
            assert ("size_bytes" in aspects[(urn, "datasetProperties")]["customProperties"]
                    ) is sizes


@pytest.mark.skipif(not os.environ.get("GREENPLUM_URL"), reason="needs GREENPLUM_URL")
def test_real_greenplum(workdir: Path) -> None:
    """Runs only against a real Greenplum 6/7 or Cloudberry: GREENPLUM_URL is a SQLAlchemy URL
    of a database with at least one table the user may read."""
    records = _ingest(workdir, os.environ["GREENPLUM_URL"])
    containers = [r["aspect"]["json"] for r in records
                  if r.get("aspectName") == "containerProperties"]
    database = next(c for c in containers if "server" in c["customProperties"])
    assert database["customProperties"]["server"] in ("greenplum", "cloudberry", "greengage")
    assert int(database["customProperties"]["segments"]) > 0
    datasets = [r for r in records if r.get("aspectName") == "datasetProperties"]
    assert datasets and all(r["entityUrn"].startswith("urn:li:dataset:(urn:li:dataPlatform:"
                                                      "greenplum,") for r in datasets)
    tables = [d["aspect"]["json"]["customProperties"] for d in datasets
              if d["aspect"]["json"]["customProperties"]["table_kind"]
              in ("Table", "Partitioned Table")]
    assert all("distributed_by" in d for d in tables)
