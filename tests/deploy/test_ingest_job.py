"""The compose ingest job's own script, run here without Docker against stand-ins.

DataHub GMS cannot run here: `tests.sync.fake_gms` answers the REST and GraphQL calls of the
`datahub-rest` sink, stateful ingestion and the view sync. Cloudberry cannot either: both bindings
reach databases on the real PostgreSQL, seeded with the compose seed SQL (the training one without
its Greenplum-only clauses). Everything else is what the container runs: the exact shell command
from docker-compose.yml, the recipes in the repo, the binding layout of deploy/bindings.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.deploy.test_seeds import INFERENCE_SEED, portable_training_seed
from tests.sources.database.conftest import entries_for, load_sql, write_binding
from tests.support.postgres import scratch_database
from tests.support.gms import gms_standin

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "Job-Demo-SECRET-42x"  # trust auth ignores it; it must still never leak


def _job_script() -> str:
    job = yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"][
        "catalog-sync-ingest"]
    assert job["entrypoint"] == ["/bin/sh", "-c"]
    (script,) = job["command"]
    return str(script).replace("$$", "$")  # Compose's escape for a literal `$`


@pytest.mark.slow
def test_ingest_job_script_sends_lake_and_both_databases_to_gms(
    workdir: Path, pg_admin_url: str, tmp_path: Path
) -> None:
    root = tmp_path / "bindings"
    with scratch_database(pg_admin_url, f"cs_job_train_{os.getpid()}") as training, \
            scratch_database(pg_admin_url, f"cs_job_infer_{os.getpid()}") as inference, \
            gms_standin() as gms:
        load_sql(inference, INFERENCE_SEED)
        load_sql(training, portable_training_seed(tmp_path))
        for name, url in (("training-db", training), ("inference-db", inference)):
            demo = REPO / "deploy" / "bindings" / name
            entries = {p.name: p.read_text() for p in demo.iterdir()}
            entries.update(entries_for(url, entries["type"]), password=PASSWORD)
            write_binding(root, name, entries, k8s=True)
        env = {
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            "DATAHUB_GMS_URL": gms.url,
            "SERVICE_BINDING_ROOT": str(root),
            "CATALOG_SYNC_LAKE": str(tmp_path / "lake"),
            "CATALOG_SYNC_TOKENS_FILE": str(tmp_path / "tokens.json"),
        }
        done = subprocess.run(["/bin/sh", "-c", _job_script()], cwd=workdir, env=env,
                              capture_output=True, text=True, timeout=600)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    assert "all required checks passed" in output  # doctor ran first, against the fake GMS
    urns = {p["entityUrn"] for p in gms.proposals}
    assert any("cifar10" in u for u in urns)  # the sample lake
    assert any("serving.predictions" in u for u in urns)  # the inference database
    assert any("cifar.images" in u for u in urns)  # the training database
    assert any(r == "POST /api/graphql" for r in gms.requests)  # the views were synced
    assert not (workdir / "catalog.db").exists()  # nothing went to the embedded store
    assert PASSWORD not in output + json.dumps(gms.proposals)
