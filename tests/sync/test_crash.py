"""SIGKILL mid-run, then run again: the catalog ends exactly as a clean run leaves it."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from catalog_sync.settings import get_settings
from catalog_sync.sync.paths import fingerprint_file
from tests.sync.conftest import CLI, Ingest, Run, export, write_tables

RECIPE = "recipes/lake.yml"
NEW_TABLES = 150
COUNT_NEW_SQL = (
    "SELECT count(*) FROM metadata_aspect_v2 WHERE version = 0 "
    "AND aspect_name = 'datasetProperties' AND urn LIKE '%/new_%'"
)


def _new_tables_written(catalog: Path) -> int:
    try:
        with sqlite3.connect(f"{catalog.as_uri()}?mode=ro", uri=True, timeout=0.1) as conn:
            return int(conn.execute(COUNT_NEW_SQL).fetchone()[0])
    except sqlite3.Error:  # not created yet, or locked by the writer for a moment
        return 0


def _kill_mid_run(workdir: Path) -> int:
    """Start a real `catalog-sync ingest` process and SIGKILL it once some, not all, of the
    new tables are in the catalog; returns how many were."""
    process = subprocess.Popen(
        [sys.executable, "-c", CLI, "ingest", RECIPE],
        cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while _new_tables_written(workdir / "catalog.db") == 0:
            assert process.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, "the run wrote nothing in time"
            time.sleep(0.01)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(30)
    assert process.returncode == -signal.SIGKILL
    return _new_tables_written(workdir / "catalog.db")


def _first_run_and_twin(workdir: Path, ingest: Ingest) -> Path:
    """A clean first run over 20 tables, and a copy of its catalog and state (the twin) that a
    clean re-run will bring to the state the crashed catalog must reach."""
    write_tables(workdir / "sample-lake", "old_", 20)
    assert ingest(RECIPE).exit_code == 0
    twin = workdir / "twin"
    twin.mkdir()
    shutil.copy(workdir / "catalog.db", twin / "catalog.db")
    shutil.copytree(workdir / "catalog.state", twin / "catalog.state")
    return twin / "catalog.db"


def _clean_run(twin: Path, ingest: Ingest, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.setenv("CATALOG_SYNC_CATALOG", str(twin))
    get_settings.cache_clear()
    clean = ingest(RECIPE)
    assert clean.exit_code == 0, clean.output
    return clean


@pytest.mark.slow
def test_sigkill_mid_run_then_rerun_equals_a_clean_run(
    workdir: Path, ingest: Ingest, monkeypatch: pytest.MonkeyPatch
) -> None:
    lake = workdir / "sample-lake"
    twin = _first_run_and_twin(workdir, ingest)
    for i in range(3):  # gone since the last run: the re-run must soft-delete them
        shutil.rmtree(lake / f"old_{i:03d}")
    write_tables(lake, "new_", NEW_TABLES)

    written = _kill_mid_run(workdir)
    assert 0 < written < NEW_TABLES, "the kill did not land mid-run"
    # The first run's fingerprint went before the killed run wrote: no shortcut past the crash.
    assert not fingerprint_file(workdir / "catalog.db", "catalog-sync-lake").exists()

    rerun = ingest(RECIPE)
    assert rerun.exit_code == 0, rerun.output
    assert rerun.report["soft_deleted"] == 3
    assert not rerun.report["recipes"][0]["inputs_unchanged"]

    assert _clean_run(twin, ingest, monkeypatch).report["soft_deleted"] == 3

    crashed, expected = export(workdir / "catalog.db"), export(twin)
    assert len(expected) > NEW_TABLES * 5
    assert crashed == expected


def _live(rows: list[tuple[str, str, Any]]) -> list[tuple[str, str, Any]]:
    """The export without soft-deleted entities: what anyone browsing the catalog sees."""
    removed = {u for u, a, m in rows if a == "status" and m.get("removed")}
    return [row for row in rows if row[0] not in removed]


@pytest.mark.slow
def test_assets_of_a_killed_run_that_are_gone_by_the_rerun_are_removed(
    workdir: Path, ingest: Ingest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a write-ahead journal knows them: the killed run committed no state."""
    lake = workdir / "sample-lake"
    twin = _first_run_and_twin(workdir, ingest)
    write_tables(lake, "new_", NEW_TABLES)
    written = _kill_mid_run(workdir)
    assert 0 < written < NEW_TABLES, "the kill did not land mid-run"
    journal = workdir / "catalog.state" / "catalog-sync-lake.json.journal"
    assert "/new_000," in journal.read_text()
    for i in range(NEW_TABLES):  # gone again before anything committed them to a state
        shutil.rmtree(lake / f"new_{i:03d}")

    rerun = ingest(RECIPE)
    assert rerun.exit_code == 0, rerun.output
    assert rerun.report["soft_deleted"] >= written  # and any journalled just before the kill
    assert not journal.exists()

    _clean_run(twin, ingest, monkeypatch)
    assert _live(export(workdir / "catalog.db")) == _live(export(twin))
