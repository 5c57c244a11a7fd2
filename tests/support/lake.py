"""Test helpers for the lake: write parquet tables, write recipes, run the CLI, read the catalog."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq
import yaml
from click.testing import Result
from typer.testing import CliRunner

from catalog_sync.cli.main import app

PARIS = dt.timezone(dt.timedelta(hours=1))
RICH_SCHEMA = pa.schema([
    pa.field("id", pa.int64(), nullable=False),
    pa.field("price", pa.decimal128(12, 3)),
    pa.field("label", pa.dictionary(pa.int32(), pa.string())),
    pa.field("seen_at", pa.timestamp("us", tz="UTC")),
    pa.field("local_at", pa.timestamp("ms", tz="Europe/Paris")),
    pa.field("naive_at", pa.timestamp("ns")),
    pa.field("day", pa.date32()),
    pa.field("ok", pa.bool_()),
    pa.field("blob", pa.binary()),
    pa.field("point", pa.struct([("x", pa.float64()), ("y", pa.float32()),
                                 ("meta", pa.struct([("source", pa.string())]))])),
    pa.field("scores", pa.list_(pa.int16())),
    pa.field("boxes", pa.list_(pa.struct([("w", pa.int32()), ("h", pa.int32())]))),
    pa.field("attrs", pa.map_(pa.string(), pa.string())),
])
def rich_table() -> pa.Table:
    """Two rows of every kind of column: nested, decimal, dictionary, zoned timestamps, map."""
    at = dt.datetime(2024, 5, 1, 12, tzinfo=dt.UTC)
    return pa.table({
        "id": [1, 2],
        "price": [decimal.Decimal("1.250"), None],
        "label": pa.array(["cat", "dog"]).dictionary_encode(),
        "seen_at": [at, None],
        "local_at": [at.astimezone(PARIS), at],
        "naive_at": [dt.datetime(2024, 1, 1), None],
        "day": [dt.date(2024, 1, 1), dt.date(2024, 2, 1)],
        "ok": [True, None],
        "blob": [b"\x00\x01", None],
        "point": [{"x": 1.0, "y": 2.0, "meta": {"source": "gps"}}, None],
        "scores": [[1, 2], []],
        "boxes": [[{"w": 1, "h": 2}], None],
        "attrs": [[("k", "v")], None],
    }, schema=RICH_SCHEMA)


ALL_ROWS = "SELECT urn, aspect_name, version, metadata FROM metadata_aspect_v2 ORDER BY 1, 2, 3"
LATEST = "SELECT urn, aspect_name, metadata FROM metadata_aspect_v2 WHERE version = 0"


def write_parquet(
    root: Path | str,
    relative: str,
    table: pa.Table,
    filesystem: pafs.FileSystem | None = None,
    **options: Any,
) -> str:
    """Write `table` to `root/relative` (creating folders); returns the file's path."""
    path = f"{str(root).rstrip('/')}/{relative}"
    if filesystem is None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, filesystem=filesystem, **options)
    return path


def write_recipe(
    path: Path, config: Mapping[str, Any], sink: Mapping[str, Any] | None = None
) -> Path:
    """A `catalog-sync-lake` recipe with this source config (and sink, if given)."""
    recipe: dict[str, Any] = {"source": {"type": "catalog-sync-lake", "config": dict(config)}}
    if sink is not None:
        recipe["sink"] = dict(sink)
    path.write_text(yaml.safe_dump(recipe, sort_keys=False))
    return path


def ingest(*args: str) -> Result:
    """`catalog-sync ingest ARGS...` through the real typer app."""
    return CliRunner().invoke(app, ["ingest", *args])


def ingest_json(recipe: Path, *args: str) -> dict[str, Any]:
    """Run one recipe with `--json`, assert exit 0, return the report."""
    result = ingest(str(recipe), "--json", *args)
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def all_rows(catalog: Path) -> list[tuple[str, str, int, str]]:
    """Every aspect row of every version (urn, aspect, version, metadata JSON)."""
    with sqlite3.connect(catalog) as conn:
        return list(conn.execute(ALL_ROWS))


def latest(catalog: Path) -> dict[tuple[str, str], Any]:
    """The latest (version 0) aspects, parsed: {(urn, aspect name): value}."""
    with sqlite3.connect(catalog) as conn:
        return {(u, a): json.loads(m) for u, a, m in conn.execute(LATEST)}


def aspect(catalog: Path, urn: str, name: str) -> Any:
    """One latest aspect of one entity; KeyError if absent."""
    return latest(catalog)[(urn, name)]


def file_dataset_urn(path: Path | str, instance: str | None = None) -> str:
    """The URN a local table folder gets (platform `file`, env PROD)."""
    name = f"{instance}.{path}" if instance else str(path)
    return f"urn:li:dataset:(urn:li:dataPlatform:file,{name},PROD)"


def fields_by_path(schema_metadata: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["fieldPath"]: f for f in schema_metadata["fields"]}
