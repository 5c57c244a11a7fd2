"""Types and footer statistics you can trust: every type converted without pandas, statistics
Parquet says not to trust left out, partition values as a reader of the table sees them.

Files are written by pyarrow (and by delta-rs for a writer that truncates statistics). Two
cases need a footer pyarrow never writes: an old parquet-mr writer and a NaN bound. For those a
pyarrow-written file's footer is edited in place, byte for byte and at equal length (the
`created_by` string; the 8 bytes of a double bound), so it stays valid Parquet.
"""

from __future__ import annotations

import json
import math
import struct
import uuid
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from deltalake import WriterProperties, write_deltalake

from tests.support.lake import (
    aspect,
    fields_by_path,
    file_dataset_urn,
    ingest,
    ingest_json,
    write_parquet,
    write_recipe,
)

NS = 1_700_000_000_123_456_789


def _ingested(workdir: Path, table: Path) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(report, fields by path, profile by path) of one table after a clean run."""
    report = ingest_json(write_recipe(workdir / "r.yml", {"paths": [str(workdir / "lake")]}))
    urn = file_dataset_urn(table)
    fields = fields_by_path(aspect(workdir / "catalog.db", urn, "schemaMetadata"))
    profile = aspect(workdir / "catalog.db", urn, "datasetProfile")
    return report, fields, {f["fieldPath"]: f for f in profile["fieldProfiles"]} | {
        "": profile}


def _type(field: dict[str, Any]) -> str:
    return next(iter(field["type"]["type"])).rsplit(".", 1)[-1]


def test_nanosecond_timestamps_are_read_without_pandas(workdir: Path) -> None:
    write_parquet(workdir / "lake", "t/p.parquet", pa.table({
        "ts": pa.array([NS, NS], pa.timestamp("ns")),
        "utc": pa.array([NS, NS + 1], pa.timestamp("ns", "UTC")),
    }))
    report, fields, profile = _ingested(workdir, workdir / "lake" / "t")
    assert report["warnings"] == [] and report["rows"] == 2
    assert (profile["ts"]["min"], profile["ts"]["max"]) == ("2023-11-14T22:13:20.123456789",) * 2
    assert profile["utc"]["max"] == "2023-11-14T22:13:20.123456790+00:00"
    assert _type(fields["ts"]) == "TimeType"


def test_uuid_float16_json_maps_and_dotted_names(workdir: Path) -> None:
    ids = [uuid.UUID(int=5), uuid.UUID(int=2**100)]
    table = pa.table({
        "u": pa.ExtensionArray.from_storage(pa.uuid(), pa.array([i.bytes for i in ids],
                                                                 pa.binary(16))),
        "h": pa.array([1.5, -2.25], pa.float32()).cast(pa.float16()),
        "j": pa.ExtensionArray.from_storage(pa.json_(), pa.array(['{"a": 1}', '{"b": 2}'])),
        "m": pa.array([[("k", {"x": 1})], []],
                      pa.map_(pa.string(), pa.struct([("x", pa.int32())]))),
        "a.b": pa.array([3, 4], pa.int64()),
    })
    write_parquet(workdir / "lake", "t/p.parquet", table)
    report, fields, profile = _ingested(workdir, workdir / "lake" / "t")
    assert report["warnings"] == []
    assert {p: _type(f) for p, f in fields.items()} == {
        "u": "StringType", "h": "NumberType", "j": "StringType", "m": "MapType",
        "m.key": "StringType", "m.value": "RecordType", "m.value.x": "NumberType",
        "a.b": "NumberType",
    }
    assert (profile["u"]["min"], profile["u"]["max"]) == (str(ids[0]), str(ids[1]))
    assert (profile["h"]["min"], profile["h"]["max"]) == ("-2.25", "1.5")
    assert (profile["a.b"]["min"], profile["a.b"]["max"]) == ("3", "4")  # a column, not a child
    assert profile[""]["columnCount"] == 5


def _edit_footer(path: str, old: bytes, new: bytes) -> None:
    """Replace every occurrence of `old` inside the footer only, at equal length (a bound is
    stored twice: in the deprecated `max` and in `max_value`)."""
    assert len(old) == len(new)
    content = Path(path).read_bytes()
    length = int.from_bytes(content[-8:-4], "little")
    start = len(content) - 8 - length
    assert old in content[start:]
    Path(path).write_bytes(content[:start] + content[start:].replace(old, new))


def test_old_parquet_mr_binary_and_decimal_bounds_are_ignored(workdir: Path) -> None:
    import decimal

    path = write_parquet(workdir / "lake", "t/p.parquet", pa.table({
        "amount": pa.array([decimal.Decimal("1.00"), decimal.Decimal("2.00")],
                           pa.decimal128(5, 2)),
        "code": pa.array([b"\x01", b"\x80"], pa.binary(1)),
        "n": pa.array([1, 2], pa.int32()),
    }))
    writer = pq.read_metadata(path).created_by.encode()
    _edit_footer(path, writer, b"parquet-mr version 1.8.1".ljust(len(writer)))
    assert pq.read_metadata(path).created_by.startswith("parquet-mr version 1.8.1")
    _, _, profile = _ingested(workdir, workdir / "lake" / "t")
    assert "min" not in profile["amount"] and "max" not in profile["amount"]
    assert (profile["n"]["min"], profile["n"]["max"]) == ("1", "2")


def test_a_nan_bound_is_never_a_min_or_max(workdir: Path) -> None:
    path = write_parquet(workdir / "lake", "t/p.parquet",
                         pa.table({"x": [1.0, 3.0], "y": [1.0, 2.0]}))
    _edit_footer(path, struct.pack("<d", 3.0), struct.pack("<d", math.nan))
    stats = pq.read_metadata(path).row_group(0).column(0).statistics
    assert math.isnan(stats.max)
    _, _, profile = _ingested(workdir, workdir / "lake" / "t")
    assert "min" not in profile["x"] and "max" not in profile["x"]
    assert profile["x"]["nullCount"] == 0
    assert (profile["y"]["min"], profile["y"]["max"]) == ("1.0", "2.0")


def test_truncated_string_bounds_are_not_reported_as_values(workdir: Path) -> None:
    """delta-rs writes with parquet-rs, which truncates string statistics (here to 2 bytes)."""
    data = pa.table({"name": ["Kevin", "Kelly"], "n": pa.array([1, 2], pa.int64())})
    write_deltalake(str(workdir / "lake" / "people"), data,
                    writer_properties=WriterProperties(statistics_truncate_length=2))
    _, _, profile = _ingested(workdir, workdir / "lake" / "people")
    assert "min" not in profile["name"] and "max" not in profile["name"]
    assert (profile["n"]["min"], profile["n"]["max"]) == ("1", "2")


def test_a_statistic_that_cannot_be_converted_is_left_out_with_a_warning(
    workdir: Path,
) -> None:
    offsets = pa.py_buffer(b"".join(i.to_bytes(4, "little") for i in (0, 1, 2)))
    invalid = pa.Array.from_buffers(pa.string(), 2, [None, offsets, pa.py_buffer(b"\xff\xfe")])
    write_parquet(workdir / "lake", "t/p.parquet", pa.table({"s": invalid, "n": [1, 2]}))
    result = ingest(str(write_recipe(workdir / "r.yml", {"paths": [str(workdir / "lake")]})),
                    "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [(w["title"], w["context"]) for w in report["warnings"]] == [
        ("Statistics not converted", f"file://{workdir}/lake/t/p.parquet")
    ]
    assert "'s'" not in report["warnings"][0]["message"] and "s" in report["warnings"][0]["message"]
    assert report["rows"] == 2  # never "unreadable" for it
    profile = aspect(workdir / "catalog.db", file_dataset_urn(workdir / "lake" / "t"),
                     "datasetProfile")
    by_path = {f["fieldPath"]: f for f in profile["fieldProfiles"]}
    assert "min" not in by_path["s"] and by_path["n"]["min"] == "1"


def test_partition_values_as_a_reader_of_the_table_sees_them(workdir: Path) -> None:
    table = workdir / "lake" / "t"
    write_parquet(table, "ts=2024-01-01%2000%3A00%3A00/region=eu/f.parquet",
                  pa.table({"v": [1], "region": ["stored-in-file"]}))
    write_parquet(table, "ts=2024-01-02%2000%3A00%3A00/region=/f.parquet",
                  pa.table({"v": [2, 3], "region": ["stored-too", "x"]}))
    _, fields, profile = _ingested(workdir, table)
    assert (profile["ts"]["min"], profile["ts"]["max"]) == (
        "2024-01-01 00:00:00", "2024-01-02 00:00:00")
    # `region=` is Hive's null, and the folder, not the file, is the key's value.
    assert (profile["region"]["nullCount"], profile["region"]["min"],
            profile["region"]["max"]) == (2, "eu", "eu")
    assert fields["region"]["isPartitioningKey"] is True
