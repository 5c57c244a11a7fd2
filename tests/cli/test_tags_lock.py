"""Tag edits and ingestion share the embedded catalog's run lock, and an edit leaves the catalog
file whole (WAL checkpointed): the real CLI on a real catalog."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from catalog_sync.store.lite.store import LiteStore
from click.testing import Result
from typer.testing import CliRunner

from catalog_sync.cli.main import app
from catalog_sync.sync.lock import lock_path, run_lock
from tests.support.locks import held_for

runner = CliRunner()
ALL_ROWS_SQL = "SELECT * FROM metadata_aspect_v2 ORDER BY urn, aspect_name, version"


def _run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def _rows(catalog: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(catalog) as conn:
        return conn.execute(ALL_ROWS_SQL).fetchall()


@pytest.fixture
def customers(workdir: Path) -> str:
    """The sample lake ingested into the test's own catalog; the customers table's URN."""
    assert _run("sample", "lake", "sample-lake").exit_code == 0
    ingested = _run("ingest", "recipes/lake.yml", "--json")
    assert ingested.exit_code == 0, ingested.output
    listed = _run("assets", "--json")
    return next(a["urn"] for a in json.loads(listed.stdout) if a["name"].endswith("/customers"))


def _tags(catalog: Path, urn: str) -> set[str]:
    return {a.tag for a in LiteStore(catalog).tag_associations(urn)}


def test_tags_add_refuses_while_a_run_holds_the_catalog_and_waits_with_wait(
    workdir: Path, customers: str
) -> None:
    catalog = workdir / "catalog.db"
    lock = lock_path(catalog, "catalog-sync-lake", workdir / "locks")
    before = _rows(catalog)
    with run_lock(lock):  # exactly what `catalog-sync ingest` holds while it runs
        refused = _run("tags", "add", customers, "training")
        assert refused.exit_code == 1
        assert f"(catalog-sync ingest, pid {os.getpid()}, lock {lock})" in refused.output
        assert "--wait" in refused.output
        assert _run("tags", "remove", customers, "data lake").exit_code == 1
        assert _run("tags", "apply").exit_code == 1
    assert _rows(catalog) == before  # nothing written while locked

    with held_for(lock, 1.0):
        started = time.monotonic()
        waited = _run("tags", "add", customers, "training", "--wait", "30")
    assert waited.exit_code == 0, waited.output
    assert time.monotonic() - started >= 0.5
    assert "urn:li:tag:training" in _tags(catalog, customers)


def test_ingest_refuses_while_a_tag_edit_holds_the_catalog(
    workdir: Path, customers: str
) -> None:
    lock = lock_path(workdir / "catalog.db", "catalog-sync-lake", workdir / "locks")
    with run_lock(lock, command="catalog-sync tags add"):
        refused = _run("ingest", "recipes/lake.yml")
    assert refused.exit_code == 1
    assert "(catalog-sync tags add, pid" in refused.output


def test_a_tag_edit_leaves_the_whole_catalog_in_the_catalog_file(
    workdir: Path, customers: str
) -> None:
    """A reader keeps the catalog open (as `catalog-sync serve` does), so closing the edit's
    connection alone would not fold the write-ahead log back: the edit's checkpoint must."""
    catalog = workdir / "catalog.db"
    wal = catalog.with_name("catalog.db-wal")
    alone = workdir / "copy" / "catalog.db"
    alone.parent.mkdir()
    reader = sqlite3.connect(catalog)
    try:
        reader.execute("SELECT count(*) FROM metadata_aspect_v2").fetchone()
        assert _run("tags", "add", customers, "training").exit_code == 0
        assert wal.stat().st_size == 0
        shutil.copyfile(catalog, alone)  # the file without its -wal/-shm companions
        assert "urn:li:tag:training" in _tags(alone, customers)

        assert _run("tags", "remove", customers, "training").exit_code == 0
        assert wal.stat().st_size == 0
        shutil.copyfile(catalog, alone)
        assert "urn:li:tag:training" not in _tags(alone, customers)
    finally:
        reader.close()
