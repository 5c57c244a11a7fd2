"""DataHub GMS unreachable or answering 5xx: retries, then a clear exit 1, never a false success.

GMS cannot run here, so these tests use `tests.sync.fake_gms`: a stdlib HTTP server on a free
local port that answers like GMS and fails proposal writes on purpose.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from catalog_sync.settings import get_settings
from tests.support.postgres import free_port
from tests.sync.conftest import Ingest, Run
from tests.support.gms import Gms, gms_standin


def _gms_recipe(workdir: Path, lake: Path, server: str, retries: int) -> str:
    recipe = workdir / "recipes" / "gms.yml"
    recipe.write_text(json.dumps({
        "source": {"type": "catalog-sync-lake", "config": {"paths": [str(lake)]}},
        "sink": {"type": "datahub-rest", "config": {
            "server": server, "retry_max_times": retries, "timeout_sec": 5,
        }},
    }))
    return str(recipe)


def _removed(gms: Gms) -> set[str]:
    return {
        p["entityUrn"].split(",")[1].rsplit("/", 1)[-1]
        for p in gms.proposals
        if p.get("aspectName") == "status"
        and json.loads(p["aspect"]["value"]) == {"removed": True}
    }


@pytest.fixture(autouse=True)
def _no_env_gms(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATAHUB_GMS_URL", raising=False)
    get_settings.cache_clear()


def test_transient_5xx_is_retried_and_the_run_succeeds(
    workdir: Path, lake: Path, ingest: Ingest
) -> None:
    with gms_standin(fail_writes=2, status=503) as gms:
        run = ingest(_gms_recipe(workdir, lake, gms.url, retries=3))
    assert run.exit_code == 0, run.output
    assert gms.failed == 2  # two 503s were answered, and retried
    written = {p["entityUrn"] for p in gms.proposals}
    assert sum("urn:li:dataset:" in u for u in written) == 4
    assert gms.checkpoints  # stale-removal state committed to GMS after the clean run


def test_persistent_5xx_fails_with_exit_1_and_keeps_the_old_state(
    workdir: Path, lake: Path, ingest: Ingest
) -> None:
    with gms_standin() as gms:
        recipe = _gms_recipe(workdir, lake, gms.url, retries=1)
        assert ingest(recipe).exit_code == 0
        first_state = dict(gms.checkpoints)
        shutil.rmtree(lake / "sensor_readings")

        # Metadata batches fail; the single write that commits state would still succeed.
        gms.fail_writes, gms.failed, gms.fail_path = -1, 0, "ingestProposalBatch"
        failing: Run = ingest(recipe)
        assert failing.exit_code == 1
        titles = set(failing.failure_titles())
        assert titles == {"Sink write failed"}
        assert "failing on purpose" in failing.report["failures"][0]["message"]
        assert gms.failed > 1  # retried before giving up
        assert gms.checkpoints == first_state  # nothing half-committed

        gms.fail_writes = 0
        healed = ingest(recipe)
    assert healed.exit_code == 0, healed.output
    # The soft-delete that could not be written is issued again, from the kept state.
    assert _removed(gms) == {"sensor_readings"}
    assert gms.checkpoints != first_state


def test_unreachable_gms_is_a_clear_exit_1(workdir: Path, lake: Path, ingest: Ingest) -> None:
    server = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    run = ingest(_gms_recipe(workdir, lake, server, retries=1))
    assert run.exit_code == 1
    assert f"sink {server} unavailable" in run.output
    assert "Connection refused" in run.output or "Max retries" in run.output


def test_a_refused_token_is_one_line_and_removes_nothing(
    workdir: Path, lake: Path, ingest: Ingest, monkeypatch: pytest.MonkeyPatch
) -> None:
    with gms_standin(token="the-real-token") as gms:
        monkeypatch.setenv("DATAHUB_GMS_TOKEN", "the-real-token")
        get_settings.cache_clear()
        recipe = _gms_recipe(workdir, lake, gms.url, retries=1)
        assert ingest(recipe).exit_code == 0
        before = dict(gms.store.entities)
        shutil.rmtree(lake / "sensor_readings")
        monkeypatch.setenv("DATAHUB_GMS_TOKEN", "an-expired-token")
        get_settings.cache_clear()
        refused = ingest(recipe)
    assert refused.exit_code == 1
    assert f"sink {gms.url} unavailable: GMS refused the request (HTTP 401)" in refused.output
    assert "DATAHUB_GMS_TOKEN" in refused.output
    assert "an-expired-token" not in refused.output and "the-real-token" not in refused.output
    assert dict(gms.store.entities) == before  # nothing removed, nothing written
    assert gms.violations == []
