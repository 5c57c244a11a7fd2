"""Delta Lake and Iceberg tables found inside the lake, read from their own logs: only live files
count, schema and partitions come from the log, and an unreadable log never removes a table.
Tables are written with `deltalake` and `pyiceberg` here, locally and on S3 (SeaweedFS)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from deltalake import DeltaTable, write_deltalake
from pyiceberg.catalog.sql import SqlCatalog

from tests.support.lake import (
    aspect,
    fields_by_path,
    file_dataset_urn,
    ingest,
    ingest_json,
    write_parquet,
    write_recipe,
)
from tests.support.s3 import S3Server


def _delta(location: str, storage: dict[str, str] | None = None) -> None:
    """Version 0: 10 rows in two partitions; version 1 overwrites partition `eu` with 5 rows:
    the old `eu` file is removed by the log but stays on disk."""
    first = pa.table({"id": pa.array(range(10), pa.int64()),
                      "region": ["eu"] * 6 + ["us"] * 4})
    write_deltalake(location, first, partition_by=["region"], storage_options=storage)
    second = pa.table({"id": pa.array(range(100, 105), pa.int64()), "region": ["eu"] * 5})
    write_deltalake(location, second, mode="overwrite", partition_by=["region"],
                    predicate="region = 'eu'", storage_options=storage)


def _iceberg(warehouse: str, catalog_db: Path, properties: dict[str, str] | None = None) -> Any:
    """A table written through a SQL catalog (kept outside the lake): the lake source reads
    the table folder alone, as a lake reader without that catalog would."""
    if warehouse.startswith("file://"):
        Path(warehouse.removeprefix("file://")).mkdir(parents=True, exist_ok=True)
    catalog = SqlCatalog("lake", uri=f"sqlite:///{catalog_db}", warehouse=warehouse,
                         **(properties or {}))
    catalog.create_namespace("db")
    data = pa.table({"id": pa.array([1, 2, 3], pa.int64()), "kind": ["a", "b", "a"]})
    table = catalog.create_table("db.events", schema=data.schema)
    with table.update_spec() as spec:
        spec.add_identity("kind")
    table.append(data)
    # Replaces the first snapshot's files: they stay on disk, referenced by no live manifest.
    table.overwrite(pa.table({"id": pa.array([7, 8], pa.int64()), "kind": ["c", "c"]}))
    return table


def test_a_delta_table_counts_only_its_live_files(workdir: Path) -> None:
    lake = workdir / "lake"
    _delta(str(lake / "orders"))
    on_disk = sorted((lake / "orders").rglob("*.parquet"))
    assert len(on_disk) == 3  # two live, one removed by the log
    report = ingest_json(write_recipe(workdir / "r.yml", {"paths": [str(lake)]}))
    assert (report["datasets"], report["files"], report["rows"]) == (1, 2, 9)
    urn = file_dataset_urn(lake / "orders")
    props = aspect(workdir / "catalog.db", urn, "datasetProperties")["customProperties"]
    live = DeltaTable(str(lake / "orders"))
    assert props["format"] == "delta" and props["delta_version"] == str(live.version()) == "1"
    assert props["row_count"] == "9" and props["file_count"] == "2"
    assert props["partition_keys"] == "region"
    assert "last_commit" in props
    assert aspect(workdir / "catalog.db", urn, "subTypes") == {"typeNames": ["Delta Table"]}
    fields = fields_by_path(aspect(workdir / "catalog.db", urn, "schemaMetadata"))
    assert list(fields) == ["id", "region"]
    assert fields["region"]["isPartitioningKey"] is True
    profile = {f["fieldPath"]: f for f in
               aspect(workdir / "catalog.db", urn, "datasetProfile")["fieldProfiles"]}
    ids = sorted(live.to_pyarrow_table().column("id").to_pylist())  # what a reader sees
    assert (profile["id"]["min"], profile["id"]["max"]) == (str(ids[0]), str(ids[-1])) == (
        "6", "104")  # the removed file's 0..5 count for nothing
    assert (profile["region"]["min"], profile["region"]["max"]) == ("eu", "us")


def test_an_iceberg_table_is_its_current_snapshot(workdir: Path) -> None:
    lake = workdir / "lake"
    table = _iceberg(f"file://{lake}/warehouse", workdir / "iceberg.db")
    folder = lake / "warehouse" / "db" / "events"
    orphan = folder / "data" / "orphan.parquet"  # in data/, in no manifest
    pq.write_table(pa.table({"id": pa.array([99], pa.int64()), "kind": ["z"]}), orphan)
    report = ingest_json(write_recipe(workdir / "r.yml", {"paths": [str(lake)]}))
    assert (report["datasets"], report["files"], report["rows"]) == (1, 1, 2)
    urn = file_dataset_urn(folder)  # the table folder, not its data/ folder
    props = aspect(workdir / "catalog.db", urn, "datasetProperties")["customProperties"]
    assert props["format"] == "iceberg"
    assert props["snapshot_id"] == str(table.current_snapshot().snapshot_id)
    assert props["partition_spec"] == "kind=identity(kind)"
    assert aspect(workdir / "catalog.db", urn, "subTypes") == {"typeNames": ["Iceberg Table"]}
    fields = fields_by_path(aspect(workdir / "catalog.db", urn, "schemaMetadata"))
    assert {p: f["nativeDataType"] for p, f in fields.items()} == {"id": "long", "kind": "string"}
    assert {p: json.loads(f["jsonProps"])["field_id"] for p, f in fields.items()} == {
        "id": 1, "kind": 2}
    assert fields["kind"]["isPartitioningKey"] is True
    profile = {f["fieldPath"]: f for f in
               aspect(workdir / "catalog.db", urn, "datasetProfile")["fieldProfiles"]}
    assert (profile["id"]["min"], profile["id"]["max"]) == ("7", "8")


def test_an_unreadable_log_fails_the_table_and_never_removes_it(workdir: Path) -> None:
    lake = workdir / "lake"
    _delta(str(lake / "orders"))
    write_parquet(lake, "plain/f.parquet", pa.table({"x": [1]}))
    recipe = write_recipe(workdir / "r.yml", {"paths": [str(lake)]})
    ingest_json(recipe)
    for commit in (lake / "orders" / "_delta_log").glob("*.json"):
        commit.write_text("{not json")
    result = ingest(str(recipe), "--json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    lake_warnings = [(w["title"], w["context"]) for w in report["warnings"]
                     if w["context"]]  # DataHub adds one that removal was skipped
    assert lake_warnings == [("Delta log unreadable", f"file://{lake}/orders")]
    assert [(f["title"], f["context"]) for f in report["failures"]] == [
        ("Table not ingested", f"file://{lake}/orders")
    ]
    assert report["soft_deleted"] == 0
    status = aspect(workdir / "catalog.db", file_dataset_urn(lake / "orders"), "status")
    assert status == {"removed": False}


@pytest.mark.slow
def test_delta_and_iceberg_tables_on_s3(workdir: Path, s3_server: S3Server) -> None:
    filesystem = s3_server.filesystem()
    filesystem.create_dir("formats")
    storage = {"AWS_ENDPOINT_URL": s3_server.url, "AWS_ACCESS_KEY_ID": s3_server.access_key,
               "AWS_SECRET_ACCESS_KEY": s3_server.secret_key, "AWS_REGION": s3_server.region,
               "AWS_ALLOW_HTTP": "true", "AWS_S3_ALLOW_UNSAFE_RENAME": "true"}
    _delta("s3://formats/lake/orders", storage)
    _iceberg("s3://formats/lake/warehouse", workdir / "iceberg.db", {
        "s3.endpoint": s3_server.url, "s3.access-key-id": s3_server.access_key,
        "s3.secret-access-key": s3_server.secret_key, "s3.region": s3_server.region,
    })
    config = {"paths": ["s3://formats/lake"], "s3": {
        "endpoint_url": s3_server.url, "region": s3_server.region,
        "access_key_id": s3_server.access_key, "secret_access_key": s3_server.secret_key}}
    report = ingest_json(write_recipe(workdir / "r.yml", config))
    assert (report["datasets"], report["files"], report["rows"]) == (2, 3, 11)
    assert report["warnings"] == [] and report["failures"] == []
    delta_urn = "urn:li:dataset:(urn:li:dataPlatform:s3,formats/lake/orders,PROD)"
    iceberg_urn = "urn:li:dataset:(urn:li:dataPlatform:s3,formats/lake/warehouse/db/events,PROD)"
    for urn, subtype in ((delta_urn, "Delta Table"), (iceberg_urn, "Iceberg Table")):
        assert aspect(workdir / "catalog.db", urn, "subTypes") == {"typeNames": [subtype]}
    catalog = (workdir / "catalog.db").read_bytes()
    assert s3_server.secret_key.encode() not in catalog


def test_open_dataset_reads_an_iceberg_tables_live_files_only(workdir: Path) -> None:
    from catalog_sync.client import open_dataset

    lake = workdir / "lake"
    _iceberg(f"file://{lake}/warehouse", workdir / "iceberg.db")
    folder = lake / "warehouse" / "db" / "events"
    pq.write_table(pa.table({"id": pa.array([99], pa.int64()), "kind": ["z"]}),
                   folder / "data" / "orphan.parquet")  # in no manifest
    ingest_json(write_recipe(workdir / "r.yml", {"paths": [str(lake)]}))
    rows = open_dataset(tags=["data lake"], type="file").to_table().to_pylist()
    assert sorted(rows, key=lambda r: r["id"]) == [{"id": 7, "kind": "c"}, {"id": 8, "kind": "c"}]
