"""Two runs against one catalog never interleave: the second refuses, or waits with --wait."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from catalog_sync.errors import CatalogSyncError, RunLockedError
from catalog_sync.sync.lock import lock_path, run_lock
from tests.support.locks import held_for
from tests.sync.conftest import CLI, Ingest, removed_by_name, write_tables

RECIPE = "recipes/lake.yml"


def test_second_run_refuses_while_the_catalog_is_locked(
    workdir: Path, lake: Path, ingest: Ingest
) -> None:
    lock = lock_path(workdir / "catalog.db", "catalog-sync-lake", workdir / "locks")
    assert lock == workdir / "catalog.db.lock"
    with run_lock(lock):
        refused = ingest(RECIPE)
    assert refused.exit_code == 1
    assert "in use by another catalog-sync command (catalog-sync ingest, pid" in refused.output
    assert "--wait" in refused.output
    assert not (workdir / "catalog.db").exists()  # nothing was written

    assert ingest(RECIPE).exit_code == 0  # the lock went with its holder


def test_second_run_waits_for_the_first_with_wait(
    workdir: Path, lake: Path, ingest: Ingest
) -> None:
    with held_for(workdir / "catalog.db.lock", 1.0):
        started = time.monotonic()
        waited = ingest(RECIPE, "--wait", "30")
    assert waited.exit_code == 0, waited.output
    assert time.monotonic() - started >= 0.5
    assert set(removed_by_name(workdir / "catalog.db")) == {
        "cifar10", "customers", "events", "sensor_readings",
    }


def test_lock_wait_gives_up_after_the_timeout(tmp_path: Path) -> None:
    lock = tmp_path / "x.lock"
    with run_lock(lock):
        started = time.monotonic()
        refused = pytest.raises(RunLockedError, match=r"pid \d+, lock .*after waiting 0.5s")
        with refused, run_lock(lock, wait_seconds=0.5):
            pass
        assert time.monotonic() - started >= 0.5


def test_a_run_in_another_process_makes_the_second_refuse(
    workdir: Path, ingest: Ingest
) -> None:
    write_tables(workdir / "sample-lake", "t_", 150)
    lock = workdir / "catalog.db.lock"
    first = subprocess.Popen(
        [sys.executable, "-c", CLI, "ingest", RECIPE],
        cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not (lock.exists() and f"pid {first.pid}" in lock.read_text()):
            assert first.poll() is None, "the first run ended before the second started"
            assert time.monotonic() < deadline
            time.sleep(0.01)
        second = ingest(RECIPE)
        still_running = first.poll() is None
    finally:
        _, errors = first.communicate(timeout=120)
    assert still_running, "the first run had ended: nothing was tested"
    assert second.exit_code == 1
    assert f"pid {first.pid}" in second.output
    assert first.returncode == 0, errors


def test_a_lock_that_cannot_be_created_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    refused = pytest.raises(CatalogSyncError, match=r"^cannot create run lock .*/file/x.lock: ")
    with refused, run_lock(tmp_path / "file" / "x.lock"):
        pass
