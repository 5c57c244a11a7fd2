"""Re-runs skip datasets the embedded catalog already holds exactly, and lose nothing by it:
real parquet files, the real embedded catalog, the real CLI."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from catalog_sync.store.lite.index import read_entries
from catalog_sync.store.lite.unchanged import StoredAspects
from catalog_sync.sync.paths import verified_file
from tests.sync.conftest import Ingest, export, removed_by_name

RECIPE = "recipes/lake.yml"


def test_an_unchanged_rerun_writes_no_dataset_and_leaves_the_catalog_identical(
    workdir: Path, lake: Path, ingest: Ingest
) -> None:
    first = ingest(RECIPE)
    assert first.exit_code == 0, first.output
    assert first.report["unchanged"] == 0
    before = export(workdir / "catalog.db")

    again = ingest(RECIPE)
    assert again.exit_code == 0, again.output
    assert again.report["datasets"] == 4
    assert again.report["unchanged"] == 4
    assert again.report["records_written"] < first.report["records_written"]
    assert export(workdir / "catalog.db") == before


@pytest.mark.parametrize("verified", [False, True], ids=["first re-run", "memo of a re-run"])
def test_a_changed_table_is_rewritten_and_the_others_are_not(
    workdir: Path, lake: Path, ingest: Ingest, verified: bool
) -> None:
    assert ingest(RECIPE).exit_code == 0
    if verified:  # the four datasets are remembered as identical: the change must still count
        assert ingest(RECIPE, "--full").report["unchanged"] == 4
    extra = pa.table({"sensor": ["s1"], "temperature": pa.array([3], pa.int64())})
    pq.write_table(extra, lake / "sensor_readings" / "part-00002.parquet")

    rerun = ingest(RECIPE)
    assert rerun.exit_code == 0, rerun.output
    assert rerun.report["unchanged"] == 3
    rows = {
        e.name.rsplit("/", 1)[-1]: e.properties["row_count"]
        for e in read_entries(workdir / "catalog.db")
        if e.entity_type == "dataset"
    }
    assert rows["sensor_readings"] == "201"


def test_skipped_datasets_stay_in_the_state_so_removal_still_works(
    workdir: Path, lake: Path, ingest: Ingest
) -> None:
    assert ingest(RECIPE).exit_code == 0
    assert ingest(RECIPE).report["unchanged"] == 4  # every dataset skipped, none written

    shutil.rmtree(lake / "events")
    gone = ingest(RECIPE)
    assert gone.exit_code == 0, gone.output
    assert gone.report["soft_deleted"] == 1
    assert removed_by_name(workdir / "catalog.db")["events"] is True
    # The two skipped runs did not lose the others: they are live and not soft-deleted.
    assert [n for n, removed in removed_by_name(workdir / "catalog.db").items() if removed] == [
        "events"
    ]


def test_a_soft_deleted_dataset_is_not_skipped_when_it_comes_back(
    workdir: Path, lake: Path, ingest: Ingest
) -> None:
    assert ingest(RECIPE).exit_code == 0
    shutil.move(lake / "events", workdir / "parked")
    assert ingest(RECIPE).report["soft_deleted"] == 1
    shutil.move(workdir / "parked", lake / "events")

    back = ingest(RECIPE)
    assert back.exit_code == 0, back.output
    assert back.report["unchanged"] == 3
    assert removed_by_name(workdir / "catalog.db")["events"] is False


def test_rewrite_unchanged_writes_every_dataset(
    workdir: Path, lake: Path, ingest: Ingest
) -> None:
    recipe = workdir / "recipes" / "rewrite.yml"
    recipe.write_text(
        "source:\n  type: catalog-sync-lake\n  config:\n    paths: [sample-lake]\n"
        "    rewrite_unchanged: true\n"
    )
    assert ingest(str(recipe)).exit_code == 0
    again = ingest(str(recipe))
    assert again.exit_code == 0, again.output
    assert again.report["unchanged"] == 0


def _verified_rows(catalog: Path) -> int:
    with sqlite3.connect(verified_file(catalog)) as conn:
        return int(conn.execute("SELECT count(*) FROM memo").fetchone()[0])


def test_verified_datasets_are_not_serialised_again(
    workdir: Path, lake: Path, ingest: Ingest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second run compares aspect by aspect and remembers the match; the third finds the
    memo and compares nothing (the full comparison is made to fail to prove it)."""
    assert ingest(RECIPE).exit_code == 0
    assert ingest(RECIPE, "--full").report["unchanged"] == 4
    assert _verified_rows(workdir / "catalog.db") == 4

    def no_comparison(*args: object) -> bool:
        raise AssertionError("compared in full")

    monkeypatch.setattr(StoredAspects, "holds", no_comparison)
    third = ingest(RECIPE, "--full")
    assert third.exit_code == 0, third.output
    assert third.report["unchanged"] == 4


def test_a_hand_edited_aspect_is_rewritten_despite_the_memo(
    workdir: Path, lake: Path, ingest: Ingest
) -> None:
    assert ingest(RECIPE).exit_code == 0
    assert ingest(RECIPE, "--full").report["unchanged"] == 4
    clean = export(workdir / "catalog.db")
    with sqlite3.connect(workdir / "catalog.db") as conn:
        (urn, text), *_ = conn.execute(
            "SELECT urn, metadata FROM metadata_aspect_v2 "
            "WHERE aspect_name = 'datasetProperties' AND version = 0 ORDER BY urn"
        ).fetchall()
        edited = json.loads(text) | {"description": "edited by hand"}
        conn.execute(
            "UPDATE metadata_aspect_v2 SET metadata = ? "
            "WHERE urn = ? AND aspect_name = 'datasetProperties' AND version = 0",
            (json.dumps(edited), urn),
        )
    again = ingest(RECIPE, "--full")
    assert again.exit_code == 0, again.output
    assert again.report["unchanged"] == 3
    assert export(workdir / "catalog.db") == clean
