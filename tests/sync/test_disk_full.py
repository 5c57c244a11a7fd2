"""A full disk during ingest: one line naming the catalog file and saying nothing was lost,
exit 1, every row the catalog held still there, and the next run (with space) completes.

The disk is a real one: a 4 MiB tmpfs mounted for the test (the suite runs as root, as CI
does), filled up before the second run."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from catalog_sync.sample.lake import generate_sample_lake
from catalog_sync.settings import get_settings
from tests.support.lake import all_rows, ingest

pytestmark = pytest.mark.slow


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], check=True,
                   capture_output=True, timeout=30)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "--lazy", str(mount)], check=False, timeout=30)


def _fill(disk: Path) -> None:
    fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError:  # ENOSPC: the disk is full now
        pass
    finally:
        os.close(fd)


def test_a_full_disk_is_one_line_and_loses_nothing(
    workdir: Path, small_disk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = small_disk / "catalog.db"
    monkeypatch.setenv("CATALOG_SYNC_CATALOG", str(catalog))
    get_settings.cache_clear()
    lake = workdir / "sample-lake"
    generate_sample_lake(lake, seed=7)
    monkeypatch.setenv("CATALOG_SYNC_LAKE", str(lake))
    first = ingest("recipes/lake.yml")
    assert first.exit_code == 0, first.output
    before = all_rows(catalog)
    shutil.copytree(lake / "cifar10", lake / "cifar10_copy")  # something new to write

    _fill(small_disk)
    full = ingest("recipes/lake.yml")
    assert full.exit_code == 1, full.output
    (line,) = full.stderr.strip().splitlines()
    assert line.startswith(f"error: no space left on the device writing {catalog}")
    assert "nothing was lost" in line
    assert set(before) <= set(all_rows(catalog))

    (small_disk / "filler").unlink()
    again = ingest("recipes/lake.yml", "--json")
    assert again.exit_code == 0, again.output
