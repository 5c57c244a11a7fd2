"""The write-ahead URN journal of runs writing to GMS (provider `catalog-sync-datahub`).

GMS cannot run here, so these tests use `tests.sync.fake_gms`: a stdlib HTTP server on a free
local port that answers like GMS, stores the committed checkpoints and fails writes on purpose.
The journal lives on local disk, `<catalog dir>/state/<pipeline>.journal`.
"""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import pytest
from datahub.ingestion.graph.client import DataHubGraph
from datahub.ingestion.graph.config import DatahubClientConfig

from catalog_sync.settings import get_settings
from catalog_sync.sync.paths import gms_journal_file
from catalog_sync.sync.state import JournalledDatahubCheckpointingProvider
from tests.sync.conftest import Ingest
from tests.support.gms import Gms, gms_standin

REPO = Path(__file__).resolve().parents[2]
PIPELINE = "catalog-sync-gms"  # the default name of recipes/gms.yml


def _gms_recipe(workdir: Path, lake: Path, server: str) -> str:
    recipe = workdir / "recipes" / "gms.yml"
    recipe.write_text(json.dumps({
        "source": {"type": "catalog-sync-lake", "config": {"paths": [str(lake)]}},
        "sink": {"type": "datahub-rest", "config": {
            "server": server, "retry_max_times": 1, "timeout_sec": 5,
        }},
    }))
    return str(recipe)


def _removed_urns(gms: Gms) -> set[str]:
    return {
        p["entityUrn"]
        for p in gms.proposals
        if p.get("aspectName") == "status"
        and json.loads(p["aspect"]["value"]) == {"removed": True}
        and p["entityUrn"].startswith("urn:li:dataset:")
    }


def _dataset_urn(gms: Gms, table: str) -> str:
    return next(
        p["entityUrn"] for p in gms.proposals
        if p["entityUrn"].startswith("urn:li:dataset:") and f"/{table}," in p["entityUrn"]
    )


@pytest.fixture(autouse=True)
def _no_env_gms(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATAHUB_GMS_URL", raising=False)
    get_settings.cache_clear()


@pytest.fixture
def journal(workdir: Path) -> Path:
    return gms_journal_file(workdir, PIPELINE)  # the catalog is workdir/catalog.db


def test_the_provider_is_registered_as_an_entry_point() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    plugins = project["project"]["entry-points"]["datahub.ingestion.checkpointing_provider.plugins"]
    assert plugins["catalog-sync-datahub"] == (
        "catalog_sync.sync.state:JournalledDatahubCheckpointingProvider"
    )


def test_an_asset_only_a_killed_run_wrote_is_soft_deleted_by_the_next_run(
    workdir: Path, lake: Path, ingest: Ingest, journal: Path
) -> None:
    with gms_standin() as gms:
        recipe = _gms_recipe(workdir, lake, gms.url)
        assert ingest(recipe).exit_code == 0
        assert gms.checkpoints and not journal.exists()
        # What a SIGKILLed run leaves: its journal, holding a URN it wrote (here a table that
        # is gone again from the lake) and that no committed checkpoint holds.
        vanished = _dataset_urn(gms, "sensor_readings").replace("sensor_readings", "vanished")
        assert vanished not in json.dumps(gms.checkpoints)
        journal.parent.mkdir(parents=True, exist_ok=True)
        journal.write_text(f"{vanished}\n")
        gms.proposals.clear()

        rerun = ingest(recipe)
    assert rerun.exit_code == 0, rerun.output
    assert _removed_urns(gms) == {vanished}
    assert rerun.report["soft_deleted"] == 1
    assert not journal.exists()


def test_a_successful_run_deletes_the_journal(
    workdir: Path, lake: Path, ingest: Ingest, journal: Path
) -> None:
    with gms_standin() as gms:
        recipe = _gms_recipe(workdir, lake, gms.url)
        assert ingest(recipe).exit_code == 0
        assert gms.checkpoints
        assert not journal.exists()
        journal.parent.mkdir(parents=True, exist_ok=True)
        journal.write_text("urn:li:dataset:(urn:li:dataPlatform:file,x,PROD)\nurn:li:data")
        assert ingest(recipe).exit_code == 0
    assert not journal.exists()


def test_persistent_5xx_writes_keep_the_journal(
    workdir: Path, lake: Path, ingest: Ingest, journal: Path
) -> None:
    with gms_standin() as gms:
        recipe = _gms_recipe(workdir, lake, gms.url)
        assert ingest(recipe).exit_code == 0
        first_state = dict(gms.checkpoints)

        gms.fail_writes, gms.fail_path = -1, "ingestProposalBatch"
        failing = ingest(recipe)
        assert failing.exit_code == 1
        assert gms.checkpoints == first_state  # the commit was skipped
        kept = journal.read_text().splitlines()
        assert _dataset_urn(gms, "sensor_readings") in kept
        assert len(kept) >= 4  # every dataset of the run, before the sink saw it

        gms.fail_writes = 0
        shutil.rmtree(lake / "sensor_readings")
        healed = ingest(recipe)
    assert healed.exit_code == 0, healed.output
    assert not journal.exists()


def test_a_failed_commit_keeps_the_journal(
    workdir: Path, lake: Path, ingest: Ingest, journal: Path
) -> None:
    """Every metadata write succeeds, but GMS refuses the checkpoint: nothing was committed."""
    with gms_standin(fail_writes=-1, fail_aspect="datahubIngestionCheckpoint") as gms:
        run = ingest(_gms_recipe(workdir, lake, gms.url))
    assert run.exit_code != 0
    assert not gms.checkpoints
    assert gms.failed > 0
    assert journal.exists() and "urn:li:dataset:" in journal.read_text()


def test_a_run_with_no_state_to_commit_keeps_the_journal(tmp_path: Path) -> None:
    """DataHub's commit writes nothing then; the journal's URNs are in no checkpoint."""
    journal = tmp_path / "state" / "p.journal"
    with gms_standin() as gms:
        graph = DataHubGraph(DatahubClientConfig(server=gms.url))
        provider = JournalledDatahubCheckpointingProvider(graph, journal)
        provider.journal.record("urn:li:dataset:a")
        provider.commit()
    assert journal.read_text() == "urn:li:dataset:a\n"
    assert not gms.checkpoints
