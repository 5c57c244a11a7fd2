"""Table figures and the footer-only `datasetProfile`, checked against values computed
independently with pyarrow from the data itself."""

from __future__ import annotations

import datetime as dt
import decimal
import os
import random
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from tests.support.lake import aspect, file_dataset_urn, ingest_json, write_parquet, write_recipe

# (partition, codec, rows, row group size, with `comment`): five files, drift included
FILES = [
    ("year=2023/kind=a", "snappy", 120, 50, True),
    ("year=2023/kind=b", "zstd", 80, 30, True),
    ("year=2024/kind=a", "gzip", 95, 40, False),  # lacks `comment`: its rows count as nulls
    ("year=2024/kind=a", "none", 1, 10, True),
    # An empty file still counts; its inferred string columns have arrow's `null` type,
    # which fits any type (no drift, no lost min/max).
    ("year=2024/kind=c", "snappy", 0, 10, True),
]
MTIMES = [1_700_000_000, 1_710_000_000, 1_705_000_000, 1_720_000_123, 1_690_000_000]
PROFILED = ["id", "score", "name", "amount", "at", "day", "flag", "tag", "blob", "comment",
            "year", "kind"]
KEYS = pa.schema([("year", pa.int32()), ("kind", pa.string())])


def _rows(rng: random.Random, count: int, start: int, with_comment: bool) -> pa.Table:
    def maybe(value: Any, p: float = 0.2) -> Any:
        return None if rng.random() < p else value

    base = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    columns: dict[str, pa.Array] = {
        "id": pa.array(range(start, start + count), pa.int64()),
        "score": pa.array([maybe(rng.uniform(-5, 5)) for _ in range(count)], pa.float32()),
        "name": pa.array([maybe(f"n{rng.randrange(1000):04d}") for _ in range(count)]),
        "amount": pa.array(
            [maybe(decimal.Decimal(rng.randrange(-99999, 99999)) / 100) for _ in range(count)],
            pa.decimal128(9, 2),
        ),
        "at": pa.array([maybe(base + dt.timedelta(minutes=rng.randrange(10**6)))
                        for _ in range(count)], pa.timestamp("ms", tz="UTC")),
        "day": pa.array([maybe(dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(2000)))
                         for _ in range(count)], pa.date32()),
        "flag": pa.array([maybe(rng.random() < 0.5) for _ in range(count)], pa.bool_()),
        "tag": pa.array([maybe(rng.choice(["x", "y", "z"])) for _ in range(count)],
                        pa.string()).dictionary_encode(),
        "blob": pa.array([maybe(rng.randbytes(4)) for _ in range(count)], pa.binary()),
        "nested": pa.array([{"a": i} for i in range(count)], pa.struct([("a", pa.int64())])),
        "items": pa.array([[i, i] for i in range(count)], pa.list_(pa.int32())),
    }
    if with_comment:
        columns["comment"] = pa.array([maybe(f"c{i}", 0.5) for i in range(count)])
    return pa.table(columns)


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One partitioned table ingested once; the catalog's aspects and the file list."""
    base = tmp_path_factory.mktemp("profile")
    rng = random.Random(7)
    table_dir = base / "lake" / "metrics"
    files: list[str] = []
    start = 0
    for index, (partition, codec, rows, group, with_comment) in enumerate(FILES):
        data = _rows(rng, rows, start, with_comment)
        start += rows
        path = write_parquet(table_dir, f"{partition}/part-{index}.parquet", data,
                             compression=codec, row_group_size=group)
        os.utime(path, (MTIMES[index], MTIMES[index]))
        files.append(path)
    catalog = base / "catalog.db"
    os.environ["CATALOG_SYNC_CATALOG"] = str(catalog)
    try:
        report = ingest_json(write_recipe(base / "r.yml", {"paths": [str(base / "lake")]}))
    finally:
        del os.environ["CATALOG_SYNC_CATALOG"]
    urn = file_dataset_urn(table_dir)
    return {
        "report": report, "files": files, "dir": table_dir,
        "props": aspect(catalog, urn, "datasetProperties")["customProperties"],
        "profile": aspect(catalog, urn, "datasetProfile"),
    }


@pytest.fixture(scope="module")
def data(ingested: dict[str, Any]) -> pa.Table:
    """All rows as a reader of the whole table sees them (union schema, hive partitions)."""
    schema = pa.unify_schemas([*(pq.read_schema(f) for f in ingested["files"]), KEYS])
    return ds.dataset(
        ingested["files"], schema=schema, format="parquet",
        partitioning=ds.partitioning(KEYS, flavor="hive"),
        partition_base_dir=str(ingested["dir"]),
    ).to_table()


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def test_table_figures_are_exact(ingested: dict[str, Any]) -> None:
    props, files = ingested["props"], ingested["files"]
    assert int(props["row_count"]) == sum(f[2] for f in FILES) == ingested["report"]["rows"]
    assert int(props["row_group_count"]) == sum(pq.ParquetFile(f).num_row_groups for f in files)
    assert int(props["row_group_count"]) >= 3 + 3 + 3 + 1  # several row groups per file
    assert int(props["file_count"]) == len(FILES)
    assert int(props["total_bytes"]) == sum(os.path.getsize(f) for f in files)
    assert props["compression"] == "GZIP,SNAPPY,UNCOMPRESSED,ZSTD"
    assert props["partition_count"] == "4"
    assert props["partition_keys"] == "year,kind"
    newest = dt.datetime.fromtimestamp(max(MTIMES), tz=dt.UTC)
    assert dt.datetime.fromisoformat(props["last_modified"]) == newest
    assert props["location"] == f"file://{ingested['dir']}"
    assert "schema_drift_type_conflicts" not in props
    assert props["schema_drift_missing_fields"] == "comment (4/5 files)"


def test_profile_matches_the_data(ingested: dict[str, Any], data: pa.Table) -> None:
    profile = ingested["profile"]
    assert profile["rowCount"] == data.num_rows
    assert profile["columnCount"] == len(data.schema)  # top-level columns and partition keys
    assert profile["sizeInBytes"] == int(ingested["props"]["total_bytes"])
    assert profile["timestampMillis"] == max(MTIMES) * 1000
    by_path = {f["fieldPath"]: f for f in profile["fieldProfiles"]}
    assert sorted(by_path) == sorted(PROFILED)  # nested columns are not profiled
    for name in PROFILED:
        column = data.column(name)
        nulls = column.null_count
        assert by_path[name]["nullCount"] == nulls, name
        assert by_path[name]["nullProportion"] == pytest.approx(nulls / data.num_rows), name
        if name == "blob":
            assert "min" not in by_path[name] and "max" not in by_path[name]
            continue
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        extremes = pc.min_max(column).as_py()
        assert by_path[name]["min"] == _text(extremes["min"]), name
        assert by_path[name]["max"] == _text(extremes["max"]), name


def test_comment_nulls_include_the_file_without_the_column(
    ingested: dict[str, Any], data: pa.Table
) -> None:
    comment = next(f for f in ingested["profile"]["fieldProfiles"] if f["fieldPath"] == "comment")
    assert comment["nullCount"] >= FILES[2][2]  # every row of the file lacking it
    assert comment["nullCount"] == data.column("comment").null_count


def test_profile_can_be_turned_off(workdir: Path) -> None:
    write_parquet(workdir / "lake", "t/f.parquet", pa.table({"x": [1, 2]}))
    ingest_json(write_recipe(workdir / "r.yml", {"paths": [str(workdir / "lake")],
                                                 "profile": False}))
    with pytest.raises(KeyError):
        aspect(workdir / "catalog.db", file_dataset_urn(workdir / "lake/t"), "datasetProfile")


def test_partition_key_profile_reads_hive_nulls_and_compares_numbers(workdir: Path) -> None:
    table_dir = workdir / "lake" / "t"
    for value, rows in [("9", 2), ("__HIVE_DEFAULT_PARTITION__", 3), ("10", 1)]:
        write_parquet(table_dir, f"k={value}/f.parquet", pa.table({"x": list(range(rows))}))
    ingest_json(write_recipe(workdir / "r.yml", {"paths": [str(workdir / "lake")]}))
    profile = aspect(workdir / "catalog.db", file_dataset_urn(table_dir), "datasetProfile")
    key = next(f for f in profile["fieldProfiles"] if f["fieldPath"] == "k")
    data = ds.dataset(table_dir, format="parquet", partitioning="hive").to_table()
    extremes = pc.min_max(data.column("k")).as_py()
    assert (key["nullCount"], key["min"], key["max"]) == (
        data.column("k").null_count, str(extremes["min"]), str(extremes["max"])
    ) == (3, "9", "10")
    fields = aspect(workdir / "catalog.db", file_dataset_urn(table_dir), "schemaMetadata")["fields"]
    assert [(f["fieldPath"], f["nullable"]) for f in fields] == [("x", True), ("k", True)]


def test_data_pages_are_never_read(workdir: Path) -> None:
    """Every byte between the magic and the footer is destroyed: reading data now fails, yet the
    table is described in full, because only the footer is read."""
    path = Path(write_parquet(workdir / "lake", "t/f.parquet",
                              pa.table({"x": list(range(1000))}), row_group_size=300))
    content = bytearray(path.read_bytes())
    footer_length = int.from_bytes(content[-8:-4], "little")
    data_end = len(content) - 8 - footer_length
    content[4:data_end] = b"\xff" * (data_end - 4)
    path.write_bytes(bytes(content))
    with pytest.raises(OSError):
        pq.read_table(path)
    report = ingest_json(write_recipe(workdir / "r.yml", {"paths": [str(workdir / "lake")]}))
    assert report["warnings"] == [] and report["rows"] == 1000
    profile = aspect(workdir / "catalog.db", file_dataset_urn(path.parent), "datasetProfile")
    assert profile["fieldProfiles"] == [
        {"fieldPath": "x", "nullCount": 0, "nullProportion": 0.0, "min": "0", "max": "999"}
    ]
