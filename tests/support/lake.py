"""Test helpers for the lake: write parquet tables, write recipes, run the CLI, read the catalog."""

from __future__ import annotations

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
