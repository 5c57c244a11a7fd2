"""The database source against the real PostgreSQL, through the CLI and the embedded catalog:
bindings in every layout, what is catalogued, tags, filters, unreadable tables."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa
from typer.testing import CliRunner

from catalog_sync.cli.main import app
from catalog_sync.store import CatalogEntry
from catalog_sync.store.lite.index import read_entries
from tests.sources.database.conftest import Reader, entries_for, write_binding


def _ingest(*args: str) -> tuple[int, dict[str, object]]:
    result = CliRunner().invoke(app, ["ingest", *args, "--json"])
    assert result.stdout.strip(), result.output
    return result.exit_code, json.loads(result.stdout)


def _entries(workdir: Path) -> dict[str, CatalogEntry]:
    return {e.name: e for e in read_entries(workdir / "catalog.db")}


def test_bindings_in_every_layout_are_catalogued_with_tags(
    workdir: Path, sample_db: str, monkeypatch: object
) -> None:
    root = workdir / "bindings"
    database = sa.make_url(sample_db).database
    write_binding(root, "shop-db", entries_for(sample_db, "postgres", provider="bitnami"),
                  k8s=True)
    write_binding(root, "untyped", {"host": "127.0.0.1"})
    monkeypatch.setenv("SERVICE_BINDING_ROOT", str(root))  # type: ignore[attr-defined]
    code, report = _ingest("recipes/inference.yml")
    assert code == 0, report
    assert report["datasets"] == 7
    assert [w["title"] for w in report["warnings"]] == ["Binding ignored"]
    assert "untyped" in report["warnings"][0]["context"]

    entries = _entries(workdir)
    names = {n for n, e in entries.items() if e.entity_type == "dataset"}
    assert names == {f"{database}.{t}" for t in (
        "sales.customers", "sales.orders", "sales.big_customers", "sales.order_counts",
        "inventory.products", "inventory.stock_feed", "hidden.secrets")}
    # Partitions roll up into their parent: no dataset per partition.
    assert not any("orders_2024" in n for n in names)

    db = entries[database]
    assert db.entity_type == "container" and db.subtypes == ["Database"]
    assert set(db.tags) == {"inference", "servicebinding:type:postgresql",
                            "servicebinding:provider:bitnami"}
    assert {k: db.properties[k] for k in ("binding_name", "binding_type", "binding_provider",
                                          "host", "port", "database")} == {
        "binding_name": "shop-db", "binding_type": "postgresql", "binding_provider": "bitnami",
        "host": "127.0.0.1", "port": str(sa.make_url(sample_db).port or 5432),
        "database": database,
    }
    schema = entries["sales"]
    assert schema.subtypes == ["Schema"] and schema.description == "Orders and customers"

    orders = entries[f"{database}.sales.orders"]
    assert orders.subtypes == ["Partitioned Table"]
    assert orders.tags == db.tags
    assert orders.properties["binding_name"] == "shop-db"
    assert orders.properties["partitions"] == "3"
    assert orders.properties["partition_key"] == "RANGE (ordered_on)"
    assert orders.properties["estimated_rows"] == "300"
    assert int(orders.properties["size_bytes"]) > 0
    assert orders.description == "One row per order, partitioned by month"
    assert orders.container == schema.urn
    by_path = {f["fieldPath"]: f for f in orders.fields}
    assert list(by_path) == ["id", "customer_id", "sku", "warehouse", "ordered_on"]
    assert by_path["id"]["isPartOfKey"] and by_path["ordered_on"]["isPartOfKey"]
    assert by_path["ordered_on"]["isPartitioningKey"]
    assert not by_path["customer_id"]["nullable"] and by_path["sku"]["nullable"]

    customers = entries[f"{database}.sales.customers"]
    fields = {f["fieldPath"]: f for f in customers.fields}
    assert fields["email"]["nativeDataType"] == "character varying(200)"
    assert fields["email"]["description"] == "Login and contact address"
    assert json.loads(fields["created_at"]["jsonProps"]) == {"default": "now()"}
    assert fields["tags"]["nativeDataType"] == "text[]"
    assert customers.properties["estimated_rows"] == "50"
    assert entries[f"{database}.sales.big_customers"].subtypes == ["View"]
    assert entries[f"{database}.sales.order_counts"].subtypes == ["Materialized View"]
    assert entries[f"{database}.inventory.stock_feed"].subtypes == ["Foreign Table"]


def _aspects(catalog: Path, urn: str) -> dict[str, dict[str, object]]:
    import sqlite3

    conn = sqlite3.connect(catalog)
    rows = conn.execute(
        "SELECT aspect_name, metadata FROM metadata_aspect_v2 WHERE urn = ? AND version = 0",
        (urn,),
    ).fetchall()
    conn.close()
    return {name: json.loads(meta) for name, meta in rows}


def test_keys_views_and_owner_reach_datahub_aspects(workdir: Path, sample_db: str) -> None:
    recipe = workdir / "url.yml"
    recipe.write_text(
        "source:\n  type: catalog-sync-database\n  config:\n    url: ${SHOP_URL}\n"
        "    table_sizes: false\n"
    )
    import os

    os.environ["SHOP_URL"] = sample_db
    try:
        code, report = _ingest(str(recipe))
    finally:
        del os.environ["SHOP_URL"]
    assert code == 0, report
    database = sa.make_url(sample_db).database
    entries = _entries(workdir)
    orders = entries[f"{database}.sales.orders"]
    aspects = _aspects(workdir / "catalog.db", orders.urn)
    foreign = {fk["name"]: fk for fk in aspects["schemaMetadata"]["foreignKeys"]}
    assert set(foreign) == {"orders_customer_id_fkey", "orders_product_fk"}
    product_fk = foreign["orders_product_fk"]
    assert product_fk["foreignDataset"] == entries[f"{database}.inventory.products"].urn
    assert [f.rsplit(",", 1)[-1] for f in product_fk["sourceFields"]] == ["sku)", "warehouse)"]
    assert aspects["schemaMetadata"]["primaryKeys"] == ["id", "ordered_on"]
    assert aspects["ownership"]["owners"][0]["owner"] == "urn:li:corpuser:postgres"
    view = _aspects(workdir / "catalog.db", entries[f"{database}.sales.big_customers"].urn)
    assert "WHERE (c.id > 10)" in view["viewProperties"]["viewLogic"]
    assert view["viewProperties"]["materialized"] is False
    # A URL recipe has no binding: coordinates only, and no binding tags.
    assert "binding_name" not in orders.properties and orders.tags == []
    assert orders.properties["database"] == database
    assert "size_bytes" not in orders.properties  # table_sizes: false


def test_patterns_and_unreadable_tables(
    workdir: Path, sample_db: str, limited_reader: Reader, monkeypatch: object
) -> None:
    root = workdir / "bindings"
    write_binding(root, "reader", entries_for(limited_reader.url, "postgresql"))
    monkeypatch.setenv("SERVICE_BINDING_ROOT", str(root))  # type: ignore[attr-defined]
    recipe = workdir / "filtered.yml"
    recipe.write_text(
        "source:\n  type: catalog-sync-database\n  config:\n"
        "    table_pattern: {deny: ['.*\\.big_customers']}\n"
        "    schema_pattern: {deny: ['^inventory$']}\n"
    )
    code, report = _ingest(str(recipe))
    assert code == 0, report
    database = sa.make_url(sample_db).database
    names = {n for n, e in _entries(workdir).items() if e.entity_type == "dataset"}
    assert names == {f"{database}.sales.{t}" for t in ("customers", "orders", "order_counts")}
    skipped = [w for w in report["warnings"] if w["title"] == "Table not readable"]
    assert len(skipped) == 1 and skipped[0]["context"].endswith(f"{database}.hidden.secrets")
    assert limited_reader.name in skipped[0]["message"]


def test_servicebinding_sources_find_one_training_and_one_inference_database(
    workdir: Path, sample_db: str, pg_admin_url: str, monkeypatch: object
) -> None:
    """The steward's "ServiceBinding Sources" search (any `servicebinding:type:*` tag). No
    Greenplum runs here: the greenplum-typed binding points at PostgreSQL, and the training
    recipe names the platform (`platform: greenplum`), which only sets DataHub's platform name;
    the queries still follow version(). Its tags come from the binding type, as on Greenplum."""
    from tests.support.postgres import scratch_database

    root = workdir / "bindings"
    warehouse = sa.make_url(sample_db).database
    engine = sa.create_engine(sample_db)
    with engine.begin() as conn:  # a schema named like its database gets no database tags
        conn.exec_driver_sql(f'CREATE SCHEMA "{warehouse}"')
        conn.exec_driver_sql(f'CREATE TABLE "{warehouse}".events (id integer)')
    engine.dispose()
    with scratch_database(pg_admin_url, f"{warehouse}_inf") as serving:
        write_binding(root, "warehouse", entries_for(sample_db, "greenplum", provider="vmware"))
        # The inference binding gives only `uri` (and its type and provider).
        uri = serving.replace("postgresql+psycopg2://", "postgresql://")
        write_binding(root, "serving", {"type": "postgresql", "provider": "aws-rds", "uri": uri})
        monkeypatch.setenv("SERVICE_BINDING_ROOT", str(root))  # type: ignore[attr-defined]
        training = workdir / "recipes" / "training.yml"
        training.write_text(training.read_text().replace(
            "binding_types: [greenplum]", "binding_types: [greenplum]\n    platform: greenplum"))
        code, report = _ingest(str(training))
        assert code == 0
        assert [w["title"] for w in report["warnings"]] == ["Binding type differs from the server"]
        assert _ingest("recipes/inference.yml")[0] == 0
        sources = [e for e in read_entries(workdir / "catalog.db")
                   if any(t.startswith("servicebinding:type:") for t in e.tags)]
    databases = sorted(
        (e.platform, e.name, tuple(e.tags)) for e in sources if e.subtypes == ["Database"]
    )
    assert not [e for e in sources if e.subtypes == ["Schema"]]
    assert databases == [
        ("greenplum", sa.make_url(sample_db).database,
         ("servicebinding:provider:vmware", "servicebinding:type:greenplum", "training")),
        ("postgres", sa.make_url(serving).database,
         ("inference", "servicebinding:provider:aws-rds", "servicebinding:type:postgresql")),
    ]
    serving_db = next(e for e in sources if e.name == sa.make_url(serving).database)
    assert serving_db.properties["port"] == str(sa.make_url(serving).port or 5432)
    assert serving_db.properties["binding_name"] == "serving"
    tables = [e for e in sources if e.entity_type == "dataset"]
    assert len(tables) == 8 and all("training" in e.tags for e in tables)
