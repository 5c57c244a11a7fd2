"""Failure isolation and exit codes on the lake: a bad file or table never stops the others;
0 all good, 1 some assets failed (each listed with its cause), 2 bad input (nothing written)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.sync.conftest import Ingest, export, removed_by_name

RECIPE = "recipes/lake.yml"


def test_bad_files_and_tables_never_stop_the_others(
    workdir: Path, lake: Path, ingest: Ingest
) -> None:
    bad_partition = lake / "events" / "date=2026-11-02" / "part-00000.parquet"
    bad_partition.write_bytes(b"PAR1 truncated")
    for table in ("broken", "also_broken"):
        (lake / table).mkdir()
        (lake / table / "part-00000.parquet").write_bytes(b"")

    run = ingest(RECIPE)
    assert run.exit_code == 1
    # Every table that could not be catalogued is a failure naming it (DataHub folds equal
    # messages into one entry with the contexts joined by "; ").
    failures = {
        (f["title"], context)
        for f in run.report["failures"] for context in f["context"].split("; ")
    }
    assert failures == {
        ("Table folder without readable parquet files", f"file://{lake}/broken"),
        ("Table folder without readable parquet files", f"file://{lake}/also_broken"),
    }
    # Each unreadable file is named, with its cause.
    unreadable = {
        context: w["message"]
        for w in run.report["warnings"] if w["title"] == "Unreadable parquet file"
        for context in w["context"].split("; ")
    }
    assert set(unreadable) == {
        f"file://{bad_partition}",
        f"file://{lake}/broken/part-00000.parquet",
        f"file://{lake}/also_broken/part-00000.parquet",
    }
    assert all(m.startswith("skipped: ") and len(m) > len("skipped: ") for m in unreadable.values())
    # Everything else went in, the partly bad table from its good partitions.
    assert run.report["datasets"] == 4
    assert removed_by_name(workdir / "catalog.db") == {
        "cifar10": False, "customers": False, "events": False, "sensor_readings": False,
    }
    assert run.report["rows"] == 3200 - 500  # one events partition of 500 rows unread


def test_clean_run_exits_0(workdir: Path, lake: Path, ingest: Ingest) -> None:
    run = ingest(RECIPE)
    assert run.exit_code == 0
    assert run.report["failures"] == []


def test_bad_input_exits_2_and_changes_nothing(
    workdir: Path, lake: Path, ingest: Ingest
) -> None:
    assert ingest(RECIPE).exit_code == 0
    before = export(workdir / "catalog.db")
    state = workdir / "catalog.state" / "catalog-sync-lake.json"
    state_before = state.read_bytes()

    wrong = workdir / "recipes" / "wrong.yml"
    wrong.write_text(json.dumps({
        "source": {"type": "catalog-sync-lake", "config": {"paths": [str(lake / "nope")]}},
    }))
    run = ingest(RECIPE, str(wrong))  # validated up front: the good recipe does not run either
    assert run.exit_code == 2
    assert str(wrong) in run.output and "paths[0]" in run.output and "not found" in run.output
    assert export(workdir / "catalog.db") == before
    assert state.read_bytes() == state_before


def test_the_report_lists_every_failure_not_a_sample(
    workdir: Path, lake: Path, ingest: Ingest
) -> None:
    """DataHub samples 10 problems by default; the run report must name all of them."""
    broken = {f"broken_{i:02d}" for i in range(25)}
    for name in broken:
        (lake / name).mkdir()
        (lake / name / "part-00000.parquet").write_bytes(b"")
    run = ingest(RECIPE)
    assert run.exit_code == 1
    named = {
        context.rsplit("/", 1)[-1]
        for f in run.report["failures"] for context in f["context"].split("; ")
    }
    assert named == broken
