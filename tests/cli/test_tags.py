"""The steward's workflow through the real CLI, on the embedded catalog and on the GMS stand-in:
ingest the sample lake, edit tags by hand, change rules, plan and apply."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from datahub.metadata.schema_classes import TagAssociationClass
from typer.testing import CliRunner

from catalog_sync.cli.main import app
from catalog_sync.store import TagEdit
from tests.support.backends import Backend

runner = CliRunner()


def _run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def _ingest() -> None:
    result = _run("ingest", "recipes/lake.yml", "--json")
    assert result.exit_code == 0, result.output


def _assets(*args: str) -> dict[str, dict[str, Any]]:
    listed = _run("assets", "--json", *args)
    assert listed.exit_code == 0, listed.output
    return {a["name"].rsplit("/", 1)[-1]: a for a in json.loads(listed.stdout)}


def _tags(name: str) -> set[str]:
    return set(_assets()[name]["tags"])


def _plan() -> list[dict[str, Any]]:
    result = _run("tags", "plan", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["changes"]


@pytest.fixture
def lake(workdir: Path, backend: Backend) -> Path:
    """The sample lake ingested into the test's own catalog (on each backend)."""
    assert _run("sample", "lake", "sample-lake").exit_code == 0
    _ingest()
    return workdir


def test_ingestion_records_facts_and_leaves_nothing_to_plan(lake: Path) -> None:
    cifar = _assets()["cifar10"]
    facts = json.loads(cifar["properties"]["catalog_sync.facts"])
    assert facts["source"] == "lake" and facts["table"] == "cifar10"
    assert _plan() == []


def test_hand_added_tags_survive_three_reingestions_and_apply(
    lake: Path, backend: Backend
) -> None:
    urns = {name: a["urn"] for name, a in _assets().items()}
    added = _run("tags", "add", urns["customers"], "training")
    assert added.exit_code == 0, added.output
    # A tag added in DataHub's UI carries no context at all.
    backend.store().edit_tags(
        [TagEdit(urns["events"], add=(TagAssociationClass(tag="urn:li:tag:pii"),))])
    for _ in range(3):
        _ingest()
        assert _tags("customers") == {"data lake", "training"}
        assert _tags("events") == {"data lake", "pii"}
    assert _plan() == []
    assert _run("tags", "apply").exit_code == 0
    assert _tags("customers") == {"data lake", "training"}
    assert _tags("events") == {"data lake", "pii"}


def test_removing_a_rule_removes_only_the_tags_it_added(lake: Path) -> None:
    urns = {name: a["urn"] for name, a in _assets().items()}
    assert _run("tags", "add", urns["customers"], "training").exit_code == 0
    rules = lake / "tags" / "rules.yml"
    text = rules.read_text()
    rule = '  - name: cifar-is-training\n    match: {source: lake, path: "*/cifar10"}\n' \
           "    add: [training]\n"
    assert rule in text
    rules.write_text(text.replace(rule, ""))

    plan = _plan()
    assert [(c["name"].rsplit("/", 1)[-1], c["added"], c["removed"]) for c in plan] == [
        ("cifar10", [], ["training"])
    ]
    human = _run("tags", "plan")
    assert "- training" in human.stdout and "1 asset would change" in human.stdout

    applied = _run("tags", "apply")
    assert applied.exit_code == 0, applied.output
    assert _tags("cifar10") == {"data lake"}
    assert _tags("customers") == {"data lake", "training"}  # a steward's, not the rule's
    assert _plan() == []
    assert "No changes" in _run("tags", "plan").stdout


def test_a_new_rule_is_planned_and_applied_without_reingesting(lake: Path) -> None:
    rules = lake / "tags" / "rules.yml"
    rules.write_text(rules.read_text() + "  - name: events-are-inference\n"
                     "    match: {source: lake, table: events}\n    add: [inference]\n")
    assert [(c["name"].rsplit("/", 1)[-1], c["added"]) for c in _plan()] == [
        ("events", [{"tag": "inference", "rule": "events-are-inference"}])
    ]
    assert _run("tags", "apply").exit_code == 0
    assert _tags("events") == {"data lake", "inference"}
    assert _plan() == []
    _ingest()  # ingestion applies the same rules: nothing moves
    assert _tags("events") == {"data lake", "inference"}


def test_a_conflict_is_refused_before_anything_is_written(lake: Path, backend: Backend) -> None:
    rules = lake / "tags" / "rules.yml"
    rules.write_text(rules.read_text() + "  - name: events-are-inference\n"
                     "    match: {source: lake, table: events}\n    add: [inference]\n"
                     "  - name: cifar-is-inference\n"
                     '    match: {source: lake, path: "*/cifar10"}\n    add: [inference]\n')
    before = backend.export()
    result = _run("tags", "apply")
    assert result.exit_code == 2
    assert "nothing written" in result.output
    assert "cifar10" in result.output and "'inference', 'training'" in result.output
    assert "exclusive group 'role'" in result.output
    assert backend.export() == before
    assert _run("tags", "plan").exit_code == 1


def test_manual_edits(lake: Path) -> None:
    cifar = _assets()["cifar10"]["urn"]
    refused = _run("tags", "add", cifar, "inference")
    assert refused.exit_code == 2
    assert "exclusive group 'role'" in refused.output
    assert _run("tags", "remove", cifar, "data lake").exit_code == 0
    assert _tags("cifar10") == {"training"}
    assert [c["added"] for c in _plan()] == [[{"tag": "data lake", "rule": "lake-datasets"}]]
    missing = _run("tags", "add", "urn:li:dataset:(urn:li:dataPlatform:file,/nope,PROD)", "x")
    assert missing.exit_code == 1
    assert "not in the catalog" in missing.output
    bad = _run("tags", "add", cifar, "bad name!")
    assert bad.exit_code == 2
    assert "invalid tag name 'bad name!'" in bad.output


def test_servicebinding_view(lake: Path) -> None:
    datasets = _assets()
    folders = _assets("--containers")
    folder = next(a for a in folders.values() if a["type"] == "container")
    for urn, tag in ((datasets["cifar10"]["urn"], "servicebinding:type:greenplum"),
                     (folder["urn"], "servicebinding:type:postgresql"),
                     (datasets["events"]["urn"], "servicebinding:provider:bitnami")):
        assert _run("tags", "add", urn, tag).exit_code == 0
    in_view = _run("assets", "--view", "servicebinding-sources", "--json")
    assert in_view.exit_code == 0, in_view.output
    assert sorted(a["urn"] for a in json.loads(in_view.stdout)) == sorted(
        [datasets["cifar10"]["urn"], folder["urn"]]
    )
    unknown = _run("assets", "--view", "nope")
    assert unknown.exit_code == 2
    assert "unknown view 'nope' (known: servicebinding-sources)" in unknown.output


def test_a_recipes_own_tags_are_kept_by_plan_and_apply(lake: Path) -> None:
    recipe = lake / "recipes" / "lake.yml"
    recipe.write_text(recipe.read_text().replace(
        "    paths:", "    tags: [aws]\n    tag_rules:\n      - {name: events-pii, "
        "match: {table: events}, add: [pii]}\n    paths:"))
    _ingest()
    assert _tags("customers") == {"data lake", "aws"}
    assert _tags("events") == {"data lake", "aws", "pii"}
    assert _plan() == []
    assert _run("tags", "apply").exit_code == 0
    assert _tags("events") == {"data lake", "aws", "pii"}
