"""Schema fidelity in the catalog: nested, decimal, dictionary, timestamps with zone, partition
keys, and schema drift recorded (never a crash)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from tests.support.lake import (
    aspect,
    fields_by_path,
    file_dataset_urn,
    ingest_json,
    rich_table,
    write_parquet,
    write_recipe,
)

TYPE_CLASS = {
    "id": "NumberType", "price": "NumberType", "label": "StringType", "seen_at": "TimeType",
    "local_at": "TimeType", "naive_at": "TimeType", "day": "DateType", "ok": "BooleanType",
    "blob": "BytesType", "point": "RecordType", "point.x": "NumberType", "point.y": "NumberType",
    "point.meta": "RecordType", "point.meta.source": "StringType", "scores": "ArrayType",
    "boxes": "ArrayType", "boxes.w": "NumberType", "boxes.h": "NumberType", "attrs": "MapType",
    "attrs.key": "StringType", "attrs.value": "StringType",
}

def _type_name(field: dict[str, Any]) -> str:
    return next(iter(field["type"]["type"])).rsplit(".", 1)[-1]

def _fields(workdir: Path, table: Path) -> dict[str, dict[str, Any]]:
    return fields_by_path(aspect(workdir / "catalog.db", file_dataset_urn(table), "schemaMetadata"))

def test_schema_fields_keep_native_types_nesting_and_nullability(workdir: Path) -> None:
    path = write_parquet(workdir / "lake", "rich/part-0.parquet", rich_table())
    ingest_json(write_recipe(workdir / "r.yml", {"paths": [str(workdir / "lake")]}))
    fields = _fields(workdir, workdir / "lake/rich")
    assert list(fields) == list(TYPE_CLASS)
    assert {p: _type_name(f) for p, f in fields.items()} == TYPE_CLASS
    # Native types are what pyarrow reads back from the file's footer (a map's type string
    # may or may not carry its parquet group name, e.g. `('attrs')`, depending on the reader).
    written = pq.read_schema(path)
    for top in written:
        native = re.sub(r" \('[^']*'\)", "", str(top.type))
        assert re.sub(r" \('[^']*'\)", "", fields[top.name]["nativeDataType"]) == native
        assert fields[top.name]["nullable"] is top.nullable
    assert fields["id"]["nullable"] is False
    assert fields["price"]["nativeDataType"] == "decimal128(12, 3)"
    assert fields["label"]["nativeDataType"].startswith("dictionary<values=string")
    assert fields["local_at"]["nativeDataType"] == "timestamp[ms, tz=Europe/Paris]"
    assert fields["seen_at"]["nativeDataType"] == "timestamp[us, tz=UTC]"
    assert fields["point.meta.source"]["nativeDataType"] == "string"
    assert fields["boxes.h"]["nativeDataType"] == "int32"
    assert not any(f.get("isPartitioningKey") for f in fields.values())

def test_partition_keys_become_flagged_fields(workdir: Path) -> None:
    lake = workdir / "lake"
    for year, region in [(2023, "eu"), (2024, "eu"), (2024, "us-east")]:
        write_parquet(lake, f"sales/year={year}/region={region}/f.parquet",
                      pa.table({"amount": [1.5], "region": [region]}))
    ingest_json(write_recipe(workdir / "r.yml", {"paths": [str(lake)]}))
    fields = _fields(workdir, lake / "sales")
    assert list(fields) == ["amount", "region", "year"]
    flagged = {p for p, f in fields.items() if f.get("isPartitioningKey")}
    assert flagged == {"region", "year"}  # `region` is also stored in the files
    assert (fields["year"]["nativeDataType"], _type_name(fields["year"])) == ("int64", "NumberType")
    assert fields["year"]["nullable"] is False
    props = aspect(workdir / "catalog.db", file_dataset_urn(lake / "sales"), "datasetProperties")
    assert props["customProperties"]["partition_keys"] == "year,region"
    assert props["customProperties"]["partition_count"] == "3"

def test_non_integer_partition_values_make_a_string_key(workdir: Path) -> None:
    lake = workdir / "lake"
    for day in ("2024-01-01", "2024-01-02"):
        write_parquet(lake, f"clicks/dt={day}/f.parquet", pa.table({"n": [1]}))
    ingest_json(write_recipe(workdir / "r.yml", {"paths": [str(lake)]}))
    key = _fields(workdir, lake / "clicks")["dt"]
    assert (key["nativeDataType"], _type_name(key), key["isPartitioningKey"]) == (
        "string", "StringType", True,
    )

def test_schema_drift_is_recorded_not_fatal(workdir: Path) -> None:
    lake = workdir / "lake"
    write_parquet(lake, "readings/1.parquet",
                  pa.table({"sensor": pa.array([1], pa.int32()), "temp": [20.5]}))
    write_parquet(lake, "readings/2.parquet",
                  pa.table({"sensor": pa.array(["s-2"]), "temp": [21.0], "humidity": [0.4]}))
    write_parquet(lake, "readings/3.parquet",
                  pa.table({"sensor": pa.array([3], pa.int32()), "temp": [19.0]}))
    report = ingest_json(write_recipe(workdir / "r.yml", {"paths": [str(lake)]}))
    assert report["datasets"] == 1 and report["rows"] == 3 and report["failures"] == []
    conflicts = [w for w in report["warnings"] if w["title"] == "Schema drift: type conflict"]
    assert len(conflicts) == 1 and "'sensor'" in conflicts[0]["message"]
    assert conflicts[0]["context"] == f"file://{lake}/readings"

    fields = _fields(workdir, lake / "readings")
    assert list(fields) == ["sensor", "temp", "humidity"]
    assert fields["humidity"]["nullable"] is True  # two files lack it: their rows read as null
    assert fields["humidity"]["description"] == "present in 1 of 3 files"
    assert fields["sensor"]["description"] == "type differs across files: int32, string"
    assert "description" not in fields["temp"] or not fields["temp"]["description"]
    props = aspect(workdir / "catalog.db", file_dataset_urn(lake / "readings"),
                   "datasetProperties")["customProperties"]
    assert props["schema_drift_missing_fields"] == "humidity (1/3 files)"
    assert props["schema_drift_type_conflicts"] == "sensor: int32 vs string"


def test_nested_columns_that_evolved_show_every_child(workdir: Path) -> None:
    lake = workdir / "lake"
    old = pa.struct([("x", pa.int64())])
    new = pa.struct([("x", pa.int64()), ("label", pa.string())])
    write_parquet(lake, "shapes/1.parquet", pa.table({"p": pa.array([{"x": 1}], old)}))
    write_parquet(lake, "shapes/2.parquet",
                  pa.table({"p": pa.array([{"x": 2, "label": "b"}], new)}))
    report = ingest_json(write_recipe(workdir / "r.yml", {"paths": [str(lake)]}))
    assert report["failures"] == []
    fields = _fields(workdir, lake / "shapes")
    assert list(fields) == ["p", "p.x", "p.label"]
    assert fields["p"]["nativeDataType"] == "struct<x: int64, label: string>"
    assert fields["p"]["description"] == (
        "type differs across files: struct<x: int64>, struct<x: int64, label: string>"
    )
