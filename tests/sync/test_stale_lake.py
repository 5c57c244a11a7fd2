"""Stale removal on the lake: real parquet files, the real CLI, into the embedded catalog and
into the GMS stand-in (state in a file beside the catalog, or in GMS's checkpoint timeseries)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pyarrow.fs as pafs
import pytest

from catalog_sync.sources.lake import scan
from catalog_sync.sync.paths import state_file
from tests.support.backends import Backend
from tests.sync.conftest import Ingest, export, removed_by_name

RECIPE = "recipes/lake.yml"
ALL_LIVE = {"cifar10": False, "customers": False, "events": False, "sensor_readings": False}


def test_deleted_folder_is_soft_deleted_and_restored_when_it_comes_back(
    workdir: Path, backend: Backend, lake: Path, ingest: Ingest
) -> None:
    first = ingest(RECIPE)
    assert first.exit_code == 0, first.output
    assert removed_by_name(backend) == ALL_LIVE
    assert backend.state_kept("catalog-sync-lake")
    if not backend.is_gms:  # the embedded catalog's state lives beside it
        assert state_file(backend.catalog, "catalog-sync-lake").parent == workdir / "catalog.state"

    shutil.move(lake / "sensor_readings", workdir / "parked")
    gone = ingest(RECIPE)
    assert gone.exit_code == 0, gone.output
    assert gone.report["soft_deleted"] == 1
    assert removed_by_name(backend) == ALL_LIVE | {"sensor_readings": True}

    shutil.move(workdir / "parked", lake / "sensor_readings")
    back = ingest(RECIPE)
    assert back.exit_code == 0, back.output
    assert back.report["soft_deleted"] == 0
    assert removed_by_name(backend) == ALL_LIVE


def test_a_run_with_a_failure_removes_nothing_and_the_next_clean_run_does(
    workdir: Path, backend: Backend, lake: Path, ingest: Ingest
) -> None:
    assert ingest(RECIPE).exit_code == 0
    shutil.rmtree(lake / "sensor_readings")
    # A table folder with no readable file is a failure (one unreadable file among readable
    # ones is only a warning: the table is still emitted).
    (lake / "broken").mkdir()
    (lake / "broken" / "part-00000.parquet").write_bytes(b"PAR1 cut short")  # corrupt parquet

    failed = ingest(RECIPE)
    assert failed.exit_code == 1
    assert failed.report["soft_deleted"] == 0
    assert "Table folder without readable parquet files" in failed.failure_titles()
    assert removed_by_name(backend)["sensor_readings"] is False

    shutil.rmtree(lake / "broken")
    clean = ingest(RECIPE)
    assert clean.exit_code == 0, clean.output
    # The failed run kept the old state, so the table missing since then is still found.
    assert clean.report["soft_deleted"] == 1
    assert removed_by_name(backend)["sensor_readings"] is True


def test_threshold_refuses_mass_removal_until_force(
    workdir: Path, backend: Backend, lake: Path, ingest: Ingest
) -> None:
    assert ingest(RECIPE).exit_code == 0
    for table in ("cifar10", "events", "crm"):
        shutil.rmtree(lake / table)

    refused = ingest(RECIPE)
    assert refused.exit_code == 1
    assert refused.failure_titles() == ["Stale removal refused"]
    failure = refused.report["failures"][0]
    assert "--force" in failure["message"]
    assert "threshold=50.0" in failure["context"]
    assert refused.report["soft_deleted"] == 0
    assert removed_by_name(backend) == ALL_LIVE

    forced = ingest(RECIPE, "--force")
    assert forced.exit_code == 0, forced.output
    assert removed_by_name(backend) == {
        "cifar10": True, "customers": True, "events": True, "sensor_readings": False,
    }
    assert forced.report["soft_deleted"] >= 3  # the datasets and the emptied `crm` folder


def test_threshold_is_configurable_in_the_recipe(
    workdir: Path, backend: Backend, lake: Path, ingest: Ingest
) -> None:
    recipe = workdir / "recipes" / "strict.yml"
    recipe.write_text(json.dumps({
        "source": {"type": "catalog-sync-lake", "config": {
            "paths": [str(lake)], "stateful_ingestion": {"fail_safe_threshold": 10},
        }},
    }))
    assert ingest(str(recipe)).exit_code == 0
    shutil.rmtree(lake / "sensor_readings")  # 1 of 4 datasets (plus containers): > 10%
    refused = ingest(str(recipe))
    assert refused.exit_code == 1
    assert refused.failure_titles() == ["Stale removal refused"]
    assert removed_by_name(backend)["sensor_readings"] is False


def test_a_lake_that_yields_nothing_never_empties_the_catalog(
    workdir: Path, backend: Backend, lake: Path, ingest: Ingest
) -> None:
    assert ingest(RECIPE).exit_code == 0
    for child in lake.iterdir():
        shutil.rmtree(child)
    emptied = ingest(RECIPE, "--force")
    assert emptied.exit_code == 1
    assert emptied.report["soft_deleted"] == 0
    assert removed_by_name(backend) == ALL_LIVE


def test_stale_removal_can_be_switched_off(
    workdir: Path, backend: Backend, lake: Path, ingest: Ingest
) -> None:
    recipe = workdir / "recipes" / "keep.yml"
    recipe.write_text(json.dumps({
        "source": {"type": "catalog-sync-lake", "config": {
            "paths": [str(lake)], "stateful_ingestion": {"enabled": False},
        }},
    }))
    assert ingest(str(recipe)).exit_code == 0
    shutil.rmtree(lake / "sensor_readings")
    kept = ingest(str(recipe))
    assert kept.exit_code == 0
    assert removed_by_name(backend)["sensor_readings"] is False
    # No stale-removal state (the folder may hold the unchanged-run fingerprint).
    assert not backend.state_kept("catalog-sync-keep")


def test_tags_are_never_removed_as_stale(
    workdir: Path, backend: Backend, lake: Path, ingest: Ingest
) -> None:
    """Tags are shared by every recipe: the lake no longer using `training` must not delete it."""
    assert ingest(RECIPE).exit_code == 0
    shutil.rmtree(lake / "cifar10")  # the only `training` table of the lake
    run = ingest(RECIPE)
    assert run.exit_code == 0, run.output
    assert removed_by_name(backend)["cifar10"] is True
    tags = [(urn, value) for urn, name, value in export(backend)
            if urn.startswith("urn:li:tag:") and name == "status"]
    assert not [urn for urn, status in tags if status["removed"]]
    assert any(urn == "urn:li:tag:training" for urn, _ in
               ((u, n) for u, n, _ in export(backend)))  # the tag itself is still there


def test_a_folder_that_cannot_be_listed_keeps_its_tables(
    workdir: Path, backend: Backend, lake: Path, ingest: Ingest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`crm/` (holding `customers`) made unreadable. Root reads any folder, so when the tests
    run as root (CI) the listing call itself is made to fail for that one folder, as the real
    call does for an unprivileged user."""
    assert ingest(RECIPE).exit_code == 0
    catalogued = export(backend)
    crm = lake / "crm"
    real_list = scan._list

    def denied(filesystem: pafs.FileSystem, path: str, recursive: bool) -> list[pafs.FileInfo]:
        if Path(path) == crm:
            raise PermissionError(13, "Permission denied", path)
        return real_list(filesystem, path, recursive)

    if os.geteuid() == 0:
        monkeypatch.setattr(scan, "_list", denied)
    crm.chmod(0)
    try:
        unlisted = ingest(RECIPE)
    finally:
        crm.chmod(0o755)
        monkeypatch.setattr(scan, "_list", real_list)
    assert unlisted.exit_code == 0, unlisted.output
    assert unlisted.report["soft_deleted"] == 0
    warnings = [w for w in unlisted.report["warnings"] if w["title"] == "Folder not listable"]
    assert len(warnings) == 1 and warnings[0]["context"].endswith("/crm")
    assert "1 catalogued tables under it kept" in warnings[0]["message"]
    assert removed_by_name(backend) == ALL_LIVE
    assert export(backend) == catalogued  # customers and crm/ as they were

    shutil.rmtree(crm)  # now really gone
    gone = ingest(RECIPE)
    assert gone.exit_code == 0, gone.output
    assert gone.report["soft_deleted"] == 2  # customers and the crm folder
    assert removed_by_name(backend) == ALL_LIVE | {"customers": True}
