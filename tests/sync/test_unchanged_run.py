"""A lake run whose inputs all match its last clean run's is answered without reading or writing
anything (catalog_sync.sync.fingerprint); any changed input brings the full run back. Real
parquet files, the real embedded catalog, the real CLI (in-process, and in a child process
where what the run imports matters)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from catalog_sync.cli.main import app
from catalog_sync.settings import get_settings
from catalog_sync.sync.fingerprint import find_unchanged
from catalog_sync.sync.paths import fingerprint_file
from tests.sync.conftest import Ingest, export

RECIPE = "recipes/lake.yml"
PIPELINE = "catalog-sync-lake"


def _shortcut(run_report: dict[str, object]) -> bool:
    (recipe,) = run_report["recipes"]  # type: ignore[misc]
    return bool(recipe["inputs_unchanged"])


def _clean_first_run(ingest: Ingest) -> dict[str, object]:
    first = ingest(RECIPE)
    assert first.exit_code == 0, first.output
    assert not _shortcut(first.report)
    return first.report


def test_an_unchanged_rerun_reads_and_writes_nothing_and_reports_the_same_counts(
    workdir: Path, lake: Path, ingest: Ingest
) -> None:
    first = _clean_first_run(ingest)
    before = export(workdir / "catalog.db")

    again = ingest(RECIPE)
    assert again.exit_code == 0, again.output
    assert _shortcut(again.report)
    assert again.report["records_written"] == 0
    for counter in ("datasets", "containers", "files", "rows", "bytes"):
        assert again.report[counter] == first[counter], counter
    assert again.report["unchanged"] == first["datasets"] == 4
    assert export(workdir / "catalog.db") == before


def test_the_shortcut_imports_neither_datahub_nor_pyarrow(
    workdir: Path, lake: Path, ingest: Ingest
) -> None:
    _clean_first_run(ingest)
    # The probe reports from an atexit handler, once the run is over.
    probe = (
        "import atexit, sys\n"
        "def loaded():\n"
        "    names = {m.split('.')[0] for m in sys.modules} & {'datahub', 'pyarrow'}\n"
        "    sys.stderr.write(f'\\nloaded={sorted(names)}\\n')\n"
        "atexit.register(loaded)\n"
        "from catalog_sync.cli.main import app\n"
        f"app(['ingest', {RECIPE!r}, '--json'], prog_name='catalog-sync')\n"
    )
    child = subprocess.run(
        [sys.executable, "-c", probe], cwd=workdir, capture_output=True, text=True,
        env=os.environ.copy(), timeout=120, check=False,
    )
    assert json.loads(child.stdout)["recipes"][0]["inputs_unchanged"] is True, child.stderr
    assert child.returncode == 0, child.stderr
    assert "loaded=[]" in child.stderr


@pytest.mark.parametrize("change", ["touch a file", "new file", "table folder removed"])
def test_a_changed_lake_means_a_full_run(
    workdir: Path, lake: Path, ingest: Ingest, change: str
) -> None:
    _clean_first_run(ingest)
    part = next((lake / "sensor_readings").glob("*.parquet"))
    if change == "touch a file":
        stat = part.stat()
        os.utime(part, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    elif change == "new file":
        extra = pa.table({"sensor": ["s1"], "temperature": pa.array([3], pa.int64())})
        pq.write_table(extra, lake / "sensor_readings" / "part-00009.parquet")
    else:
        for path in sorted((lake / "events").rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
        (lake / "events").rmdir()

    rerun = ingest(RECIPE)
    assert rerun.exit_code == 0, rerun.output
    assert not _shortcut(rerun.report)
    if change == "table folder removed":
        assert rerun.report["soft_deleted"] == 1
    elif change == "new file":
        assert rerun.report["unchanged"] == 3  # only the changed table is rewritten
    assert _shortcut(ingest(RECIPE).report)  # and the next one is unchanged again


def test_changed_tags_recipe_or_environment_mean_a_full_run(
    workdir: Path, lake: Path, ingest: Ingest, monkeypatch: pytest.MonkeyPatch
) -> None:
    _clean_first_run(ingest)
    rules = workdir / "tags" / "rules.yml"
    rules.write_text(rules.read_text() + "\n# reviewed\n")
    assert not _shortcut(ingest(RECIPE).report)
    assert _shortcut(ingest(RECIPE).report)

    recipe = workdir / RECIPE
    recipe.write_text(recipe.read_text() + "\n# reviewed\n")
    assert not _shortcut(ingest(RECIPE).report)
    assert _shortcut(ingest(RECIPE).report)

    # recipes/lake.yml reads ${CATALOG_SYNC_LAKE:-sample-lake}: the same lake, named otherwise.
    monkeypatch.setenv("CATALOG_SYNC_LAKE", str(lake))
    assert not _shortcut(ingest(RECIPE).report)


def test_a_catalog_changed_since_the_last_run_means_a_full_run(
    workdir: Path, lake: Path, ingest: Ingest
) -> None:
    """A steward's tag, then a hand soft-delete: the full run keeps the one, undoes the other."""
    _clean_first_run(ingest)
    urn = next(
        u for u, a, m in export(workdir / "catalog.db")
        if a == "datasetProperties" and u.endswith("events,PROD)")
    )

    added = CliRunner().invoke(app, ["tags", "add", urn, "training"])
    assert added.exit_code == 0, added.output
    rerun = ingest(RECIPE)
    assert rerun.exit_code == 0, rerun.output
    assert not _shortcut(rerun.report)
    tags = {u: m for u, a, m in export(workdir / "catalog.db") if a == "globalTags"}
    assert "urn:li:tag:training" in [t["tag"] for t in tags[urn]["tags"]]
    assert _shortcut(ingest(RECIPE).report)

    with sqlite3.connect(workdir / "catalog.db") as conn:
        conn.execute(
            "UPDATE metadata_aspect_v2 SET metadata = ? "
            "WHERE urn = ? AND aspect_name = 'status' AND version = 0",
            (json.dumps({"removed": True}), urn),
        )
    restored = ingest(RECIPE)
    assert not _shortcut(restored.report)
    status = {u: m for u, a, m in export(workdir / "catalog.db") if a == "status"}
    assert status[urn] == {"removed": False}


def test_warnings_the_files_explain_are_reported_again_by_an_unchanged_run(
    workdir: Path, lake: Path, ingest: Ingest
) -> None:
    (lake / "sensor_readings" / "part-broken.parquet").write_bytes(b"not parquet at all")
    first = ingest(RECIPE)
    assert first.exit_code == 0, first.output
    titles = {w["title"] for w in first.report["warnings"]}
    assert "Not a parquet file" in titles
    again = ingest(RECIPE)
    assert _shortcut(again.report)
    assert again.report["warnings"] == first.report["warnings"]


def test_a_failed_run_records_no_fingerprint(
    workdir: Path, lake: Path, ingest: Ingest
) -> None:
    """A table folder whose only file is unreadable is a failure (exit 1)."""
    _clean_first_run(ingest)
    assert fingerprint_file(workdir / "catalog.db", PIPELINE).exists()
    broken = lake / "broken_table"
    broken.mkdir()
    (broken / "part-0.parquet").write_bytes(b"PAR1 cut short")  # corrupt parquet
    failed = ingest(RECIPE)
    assert failed.exit_code == 1, failed.output
    assert not fingerprint_file(workdir / "catalog.db", PIPELINE).exists()
    again = ingest(RECIPE)
    assert again.exit_code == 1 and not _shortcut(again.report)


def test_another_working_folder_means_a_full_run(
    workdir: Path, lake: Path, ingest: Ingest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """recipes/lake.yml names its lake relative to where it runs."""
    _clean_first_run(ingest)
    elsewhere = workdir / "elsewhere"
    (elsewhere / "recipes").mkdir(parents=True)
    (elsewhere / RECIPE).write_text((workdir / RECIPE).read_text())
    (elsewhere / "sample-lake").symlink_to(lake)
    monkeypatch.chdir(elsewhere)
    get_settings.cache_clear()
    assert not _shortcut(ingest(RECIPE).report)


def test_the_fingerprint_holds_no_environment_value(
    workdir: Path, lake: Path, ingest: Ingest, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "s3cr3t-Zq8-fingerprint"
    monkeypatch.setenv("CATALOG_SYNC_LAKE", "sample-lake")
    monkeypatch.setenv("CATALOG_SYNC_SOMETHING_SECRET", secret)
    _clean_first_run(ingest)
    stored = fingerprint_file(workdir / "catalog.db", PIPELINE)
    assert stored.exists()
    assert secret not in stored.read_text()
    assert stored.stat().st_mode & 0o077 == 0
    monkeypatch.setenv("CATALOG_SYNC_SOMETHING_SECRET", secret + "-rotated")
    assert not _shortcut(ingest(RECIPE).report)


def test_a_write_between_the_check_and_the_lock_means_a_full_run(
    workdir: Path, lake: Path, ingest: Ingest
) -> None:
    """The inputs are checked before the run lock is taken; the catalog is checked again under
    it, since a run holding the lock meanwhile may have written."""

    _clean_first_run(ingest)
    found = find_unchanged(Path(RECIPE), get_settings())
    assert found is not None and found.confirmed() is not None
    urn = next(u for u, a, _ in export(workdir / "catalog.db") if a == "datasetProperties")
    assert CliRunner().invoke(app, ["tags", "add", urn, "training"]).exit_code == 0
    assert found.confirmed() is None


def test_the_terminal_report_says_the_run_had_nothing_to_do(
    workdir: Path, lake: Path, ingest: Ingest
) -> None:
    _clean_first_run(ingest)
    shown = CliRunner().invoke(app, ["ingest", RECIPE], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert "inputs and catalog unchanged since its last clean run" in shown.output
    assert "4 datasets" in shown.output and "4 unchanged" in shown.output


def test_full_runs_an_unchanged_recipe_anyway(workdir: Path, lake: Path, ingest: Ingest) -> None:
    _clean_first_run(ingest)
    full = ingest(RECIPE, "--full")
    assert full.exit_code == 0, full.output
    assert not _shortcut(full.report)
    assert full.report["unchanged"] == 4  # compared with the catalog, nothing rewritten
    assert _shortcut(ingest(RECIPE).report)  # and it recorded a fingerprint again


def test_a_tags_folder_appearing_in_the_working_folder_means_a_full_run(
    workdir: Path, lake: Path, ingest: Ingest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without CATALOG_SYNC_TAGS_DIR, a new ./tags replaces the packaged rules: not unchanged."""
    monkeypatch.delenv("CATALOG_SYNC_TAGS_DIR")
    (workdir / "tags").rename(workdir / "my-tags")
    get_settings.cache_clear()
    _clean_first_run(ingest)
    assert _shortcut(ingest(RECIPE).report)
    (workdir / "my-tags").rename(workdir / "tags")
    get_settings.cache_clear()
    assert not _shortcut(ingest(RECIPE).report)
