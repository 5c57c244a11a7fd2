"""The compose databases' seed SQL, run on the real PostgreSQL, and the inference recipe over it.

No Greenplum or Cloudberry runs here: the training seed runs on PostgreSQL with its Greenplum-only
`DISTRIBUTED ...` clauses removed, which checks everything else in it (Cloudberry speaks
PostgreSQL 14 DDL). The inference seed runs unchanged, then `recipes/inference.yml` ingests it
through a binding shaped like deploy/bindings/inference-db, as the compose ingest job does.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from catalog_sync.cli.main import app
from catalog_sync.settings import get_settings
from tests.sources.database.conftest import entries_for, load_sql, write_binding

REPO = Path(__file__).resolve().parents[2]
INFERENCE_SEED = REPO / "deploy" / "compose" / "inference-db" / "01-inference-schema.sql"
TRAINING_SEED = REPO / "deploy" / "compose" / "training-db" / "01-training-schema.sql"
_GREENPLUM_ONLY = re.compile(r"\s*DISTRIBUTED\s+(BY\s*\([^)]*\)|RANDOMLY|REPLICATED)", re.I)


def portable_training_seed(folder: Path) -> Path:
    """The training seed without its Greenplum-only clauses, as a file PostgreSQL can run."""
    portable = folder / "training-pg.sql"
    portable.write_text(_GREENPLUM_ONLY.sub("", TRAINING_SEED.read_text()))
    return portable


def _scalar(url: str, sql: str) -> object:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql)).scalar_one()
    finally:
        engine.dispose()


def test_inference_seed_runs_on_postgresql(pg_database: str) -> None:
    load_sql(pg_database, INFERENCE_SEED)
    assert _scalar(pg_database, "SELECT count(*) FROM serving.predictions") == 200
    assert _scalar(pg_database, "SELECT count(*) FROM serving.model_versions") == 2
    assert _scalar(pg_database, "SELECT count(*) FROM features.image_embeddings") == 200
    assert _scalar(pg_database, "SELECT count(*) FROM serving.latest_predictions") == 200


def test_training_seed_runs_on_postgresql_without_greenplum_clauses(
    pg_database: str, tmp_path: Path
) -> None:
    assert len(_GREENPLUM_ONLY.findall(TRAINING_SEED.read_text())) == 4  # replicated, by, random
    load_sql(pg_database, portable_training_seed(tmp_path))
    assert _scalar(pg_database, "SELECT count(*) FROM cifar.images") == 1000
    assert _scalar(pg_database, "SELECT count(*) FROM cifar.train_images") == 800
    partitions = _scalar(
        pg_database,
        "SELECT count(*) FROM pg_inherits WHERE inhparent = 'cifar.training_runs'::regclass",
    )
    assert partitions == 2


@pytest.mark.slow
def test_inference_recipe_ingests_the_seeded_database(
    workdir: Path, pg_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_sql(pg_database, INFERENCE_SEED)
    demo = REPO / "deploy" / "bindings" / "inference-db"
    entries = {p.name: p.read_text() for p in demo.iterdir()}
    entries.update(entries_for(pg_database, entries["type"]))  # reach the test server instead
    entries.pop("password")  # the test server trusts local connections
    root = workdir / "bindings"
    write_binding(root, "inference-db", entries)
    monkeypatch.setenv("SERVICE_BINDING_ROOT", str(root))
    get_settings.cache_clear()
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", "recipes/inference.yml", "--json"])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(app, ["assets", "--tag", "inference", "--json"])
    assets = {a["name"].split(".", 1)[1]: a for a in json.loads(listed.stdout)}  # db.schema.table
    assert {"serving.predictions", "serving.model_versions", "serving.latest_predictions",
            "features.image_embeddings"} <= set(assets)
    tags = set(assets["serving.predictions"]["tags"])
    assert {"inference", "servicebinding:type:postgresql",
            "servicebinding:provider:compose"} <= tags
    assert assets["serving.predictions"]["properties"]["binding_name"] == "inference-db"
