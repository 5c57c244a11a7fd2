"""`catalog-sync ingest` through the real entry point (a child process, as a job runs it): the
exit code, the whole report on stdout, logging's output and the catalog's writes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa

from tests.conftest import REPO
from tests.support.lake import all_rows, write_parquet, write_recipe

GOOD = pa.table({"id": [1, 2, 3]})
ENTRY = "import sys; from catalog_sync.cli.main import app; sys.exit(app())"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    path = os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, "-c", ENTRY, *args], check=False, capture_output=True,
                          env={**os.environ, "PYTHONPATH": path}, text=True, timeout=300)


def test_exit_0_with_the_whole_report_and_the_catalog_written(workdir: Path) -> None:
    write_parquet(workdir / "lake", "t/f.parquet", GOOD)
    recipe = write_recipe(workdir / "r.yml", {"paths": [str(workdir / "lake")]})
    done = _cli("ingest", str(recipe), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["datasets"] == 1
    assert all_rows(workdir / "catalog.db")


def test_exit_1_on_failures_and_debug_logging_is_flushed(workdir: Path) -> None:
    write_parquet(workdir / "lake", "fine/f.parquet", GOOD)
    (workdir / "lake" / "junk").mkdir()
    (workdir / "lake" / "junk" / "a.parquet").write_bytes(b"")
    recipe = write_recipe(workdir / "r.yml", {"paths": [str(workdir / "lake")]})
    done = _cli("--debug", "ingest", str(recipe), "--json")
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["failures"]
    assert "DEBUG " in done.stderr


def test_bad_input_still_exits_2(workdir: Path) -> None:
    recipe = workdir / "r.yml"
    recipe.write_text("source: {type: catalog-sync-lakes, config: {}}\n")
    done = _cli("ingest", str(recipe))
    assert done.returncode == 2
    assert "unknown source type" in done.stderr


def test_a_profiled_run_still_writes_its_profile(workdir: Path) -> None:
    """`python -m cProfile -o ...` writes the profile at exit: the run ends normally."""
    write_parquet(workdir / "lake", "t/f.parquet", GOOD)
    recipe = write_recipe(workdir / "r.yml", {"paths": [str(workdir / "lake")]})
    profile = workdir / "run.prof"
    path = os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "catalog_sync",
         "ingest", str(recipe), "--json"],
        check=False, capture_output=True, env={**os.environ, "PYTHONPATH": path}, text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["datasets"] == 1
    assert profile.stat().st_size > 0
