"""Database assets through plan/apply on the real PostgreSQL: the database container and its
tables carry their facts, so a rule change re-tags both without re-ingesting."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from catalog_sync.cli.main import app
from tests.sources.database.conftest import entries_for, write_binding

runner = CliRunner()


@pytest.fixture
def served(workdir: Path, pg_database: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """One PostgreSQL binding (provider aws-rds) to a database with one table, ingested."""
    engine = sa.create_engine(pg_database, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql("CREATE TABLE features (id integer PRIMARY KEY, score real)")
    engine.dispose()
    write_binding(workdir / "bindings", "serving",
                  entries_for(pg_database, "postgresql", provider="aws-rds"))
    monkeypatch.setenv("SERVICE_BINDING_ROOT", str(workdir / "bindings"))
    result = runner.invoke(app, ["ingest", "recipes/inference.yml", "--json"])
    assert result.exit_code == 0, result.output
    return sa.make_url(pg_database).database or ""


def _view() -> dict[str, list[str]]:
    listed = runner.invoke(app, ["assets", "--view", "servicebinding-sources", "--json"])
    assert listed.exit_code == 0, listed.output
    return {a["name"]: sorted(a["tags"]) for a in json.loads(listed.stdout)}


def _plan() -> list[dict[str, object]]:
    result = runner.invoke(app, ["tags", "plan", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["changes"]


def test_database_rule_change_is_planned_and_applied(workdir: Path, served: str) -> None:
    tags = ["inference", "servicebinding:provider:aws-rds", "servicebinding:type:postgresql"]
    assert _view() == {served: tags, f"{served}.public.features": tags}
    assert _plan() == []

    rules = workdir / "tags" / "rules.yml"
    rule = "  - name: postgresql-is-inference\n    match: {binding_type: postgresql}\n" \
           "    add: [inference]\n"
    assert rule in rules.read_text()
    rules.write_text(rules.read_text().replace(rule, ""))
    plan = _plan()
    assert sorted((c["type"], c["removed"]) for c in plan) == [
        ("container", ["inference"]), ("dataset", ["inference"])
    ]
    assert runner.invoke(app, ["tags", "apply"]).exit_code == 0
    assert _plan() == []
    assert _view() == {served: tags[1:], f"{served}.public.features": tags[1:]}
    # Ingestion applies the same rules, so it agrees with what apply wrote.
    assert runner.invoke(app, ["ingest", "recipes/inference.yml"]).exit_code == 0
    assert _view() == {served: tags[1:], f"{served}.public.features": tags[1:]}
