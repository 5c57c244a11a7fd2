"""DataHub Lite's edge index (what `datahub lite ls` browses) is rebuilt at the end of a run
only when the run changed an aspect (catalog_sync.store.lite.sink): the real embedded
catalog and the real DataHub Lite reader."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pyarrow as pa
from datahub.lite.lite_util import get_datahub_lite

from catalog_sync.store.lite.sink import lite_config
from catalog_sync.sync.paths import index_marker
from tests.support.lake import ingest_json, write_parquet, write_recipe

TABLE = pa.table({"id": [1, 2, 3]})


def _edges(catalog: Path) -> list[tuple[str, ...]]:
    with sqlite3.connect(catalog) as conn:
        return sorted(conn.execute("SELECT * FROM metadata_edge_v2").fetchall())


def _rebuilt_edges(catalog: Path, copy: Path) -> list[tuple[str, ...]]:
    """The edges DataHub Lite's own full rebuild gives, on a copy of the catalog."""
    with sqlite3.connect(catalog) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    lite = get_datahub_lite(lite_config(copy))
    lite.reindex()
    lite.close()
    return _edges(copy)


def _run(recipe: Path) -> dict[str, object]:
    return ingest_json(recipe, "--full")  # past the unchanged-run shortcut: the pipeline runs


def test_an_idle_run_keeps_the_index_and_a_changing_one_rebuilds_it(workdir: Path) -> None:
    write_parquet(workdir / "lake", "a/f.parquet", TABLE)
    recipe = write_recipe(workdir / "r.yml", {"paths": [str(workdir / "lake")]})
    catalog = workdir / "catalog.db"
    _run(recipe)
    marker = index_marker(catalog)
    rows_at_rebuild = marker.read_text()
    edges = _edges(catalog)
    assert edges

    marker.write_text(rows_at_rebuild)  # touch nothing but note when it is rewritten
    before = marker.stat().st_mtime_ns
    idle = _run(recipe)
    assert idle["unchanged"] == 1
    assert marker.stat().st_mtime_ns == before  # no rebuild
    assert _edges(catalog) == edges == _rebuilt_edges(catalog, workdir / "copy.db")

    write_parquet(workdir / "lake", "b/f.parquet", TABLE)
    grown = _run(recipe)
    assert grown["datasets"] == 2
    assert marker.read_text() != rows_at_rebuild  # rebuilt at the new row count
    assert _edges(catalog) == _rebuilt_edges(catalog, workdir / "copy2.db")
    assert len(_edges(catalog)) > len(edges)


def test_a_catalog_changed_since_the_last_rebuild_is_reindexed(workdir: Path) -> None:
    """A run killed before its rebuild, or a tag edit, leaves the marker behind the catalog."""
    write_parquet(workdir / "lake", "a/f.parquet", TABLE)
    recipe = write_recipe(workdir / "r.yml", {"paths": [str(workdir / "lake")]})
    catalog = workdir / "catalog.db"
    _run(recipe)
    marker = index_marker(catalog)
    marker.write_text("1")
    with sqlite3.connect(catalog) as conn:
        conn.execute("DELETE FROM metadata_edge_v2")
    _run(recipe)
    assert marker.read_text() != "1"
    assert _edges(catalog) == _rebuilt_edges(catalog, workdir / "copy.db") != []
