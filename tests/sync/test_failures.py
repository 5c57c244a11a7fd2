"""Failure isolation and exit codes on the lake: a bad file or table never stops the others;
0 all good, 1 some assets failed (each listed with its cause), 2 bad input (nothing written)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.sync.conftest import Ingest, export, removed_by_name

RECIPE = "recipes/lake.yml"


def test_bad_files_fail_alone_and_every_failure_is_listed(
    workdir: Path, lake: Path, ingest: Ingest
) -> None:
    bad_partition = lake / "events" / "date=2026-11-02" / "part-00000.parquet"
    bad_partition.write_bytes(b"PAR1 truncated")
    (lake / "broken").mkdir()
    (lake / "broken" / "part-00000.parquet").write_bytes(b"")

    run = ingest(RECIPE)
    assert run.exit_code == 1
    failures = {(f["title"], f["context"]) for f in run.report["failures"]}
    assert failures == {
        ("Unreadable parquet file", f"file://{bad_partition}"),
        ("Unreadable parquet file", f"file://{lake}/broken/part-00000.parquet"),
        ("Table folder without readable parquet files", f"file://{lake}/broken"),
    }
    causes = [f["message"] for f in run.report["failures"] if f["title"].startswith("Unread")]
    assert all(m.startswith("skipped: ") and len(m) > len("skipped: ") for m in causes), causes
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
