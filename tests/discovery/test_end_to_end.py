"""The contract between ingestion and discovery: `catalog-sync ingest recipes/inference.yml`
over a real PostgreSQL reached through a binding, then `catalog-sync resolve` by tag opens a
connection to that database (no hand-written catalog in between)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from catalog_sync.cli.main import app
from catalog_sync.settings import get_settings
from tests.support.catalog import write_binding

pytestmark = pytest.mark.slow


def test_ingested_database_resolves_by_tag(
    workdir: Path, pg_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = sa.make_url(pg_database)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE features (id int primary key, score float)"))
        conn.execute(sa.text("INSERT INTO features VALUES (1, 0.5)"))
    engine.dispose()
    root = workdir / "bindings"
    write_binding(root, "pg-serving", {
        "type": "postgres", "provider": "local", "host": url.host or "127.0.0.1",
        "port": str(url.port or 5432), "database": url.database or "",
        "username": url.username or "postgres", "password": "not-in-the-catalog"})
    monkeypatch.setenv("SERVICE_BINDING_ROOT", str(root))
    get_settings.cache_clear()
    runner = CliRunner()
    ingested = runner.invoke(app, ["ingest", "recipes/inference.yml"])
    assert ingested.exit_code == 0, ingested.output
    assert b"not-in-the-catalog" not in (workdir / "catalog.db").read_bytes()

    shown = runner.invoke(app, ["resolve", "--tag", "inference",
                                "--tag", "servicebinding:type:postgresql"])
    assert shown.exit_code == 0, shown.output
    body = json.loads(shown.stdout)
    assert (body["binding"], body["provider"], body["database"]) == (
        "pg-serving", "local", url.database)
    resolved = runner.invoke(app, ["resolve", "--tag", "inference", "-f", "sqlalchemy"])
    target = sa.create_engine(resolved.stdout.strip())
    with target.connect() as conn:
        assert conn.execute(sa.text("select score from features")).scalar() == 0.5
    target.dispose()
