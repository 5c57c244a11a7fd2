"""The plan as a pure function, and plan/apply/add/remove against GMS.

No DataHub GMS runs here, so the GMS store is exercised with an in-memory stand-in for
DataHubGraph (the four methods GmsTagStore calls); the embedded store is tested for real in
tests/cli/test_tags.py.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.metadata.schema_classes import (
    DatasetPropertiesClass,
    GlobalTagsClass,
    TagAssociationClass,
)

from catalog_sync.catalog.tag_edits import add_manual_tag, apply_plan, remove_tag
from catalog_sync.catalog.tag_store import EntityNotFoundError, GmsTagStore, tagged_entity
from catalog_sync.emit.tags import added_by, tag_context
from catalog_sync.errors import BadInputError
from catalog_sync.tagging import load_tag_set
from catalog_sync.tagging.facts import fact_properties
from catalog_sync.tagging.plan import TagConflictError, plan_changes
from tests.tagging.test_lint import REPO_TAGS

TAGS = load_tag_set(REPO_TAGS)
CIFAR = {"source": "lake", "platform": "file", "scheme": "file", "subtype": "Table",
         "path": "/lake/cifar10", "table": "cifar10"}
URN = "urn:li:dataset:(urn:li:dataPlatform:file,/lake/cifar10,PROD)"


def _auto(tag: str, rule: str = "r") -> dict[str, str]:
    return {"tag": f"urn:li:tag:{tag}", "context": tag_context(rule)}


def _entity(facts: dict[str, str] | None, tags: list[dict[str, Any]],
            recipe: dict[str, str] | None = None) -> Any:
    props = fact_properties(facts, recipe) if facts is not None else {"other": "x"}
    return tagged_entity(URN, "/lake/cifar10", "dataset", props, tags)


def test_in_step_catalog_has_an_empty_plan() -> None:
    entity = _entity(CIFAR, [_auto("data lake"), _auto("training")])
    assert plan_changes([entity], TAGS).changes == []


def test_only_automated_tags_are_removed() -> None:
    manual = {"tag": "urn:li:tag:aws", "context": json.dumps({"addedBy": "manual"})}
    ui = {"tag": "urn:li:tag:pii"}
    entity = _entity(CIFAR, [_auto("data lake"), _auto("inference"), _auto("gcp"), ui, manual])
    [change] = plan_changes([entity], TAGS).changes
    assert change.added == ("training",)
    assert change.removed == ("gcp", "inference")


def test_a_rule_tag_a_person_already_added_is_left_theirs() -> None:
    manual = {"tag": "urn:li:tag:training", "context": json.dumps({"addedBy": "manual"})}
    entity = _entity(CIFAR, [_auto("data lake"), manual])
    assert plan_changes([entity], TAGS).changes == []


def test_recipe_tags_are_kept_and_entities_without_facts_are_left_alone() -> None:
    kept = _entity(CIFAR, [_auto("data lake"), _auto("training"), _auto("aws", "recipe")],
                   recipe={"aws": "recipe"})
    foreign = _entity(None, [_auto("gcp")])
    plan = plan_changes([kept, foreign], TAGS)
    assert plan.changes == []
    assert plan.without_facts == 1


def test_conflicts_are_reported_per_entity() -> None:
    entity = _entity(CIFAR, [], recipe={"inference": "recipe"})
    plan = plan_changes([entity], TAGS)
    assert plan.conflicts[0].conflicts == (
        "tags 'inference', 'training' are in exclusive group 'role' "
        "(from cifar-is-training, recipe)",
    )


class FakeGraph:
    """In-memory DataHubGraph: get_urns_by_filter, get_aspect, exists, emit_mcp."""

    def __init__(self) -> None:
        self.aspects: dict[tuple[str, str], Any] = {}
        self.emitted: list[MetadataChangeProposalWrapper] = []

    def get_urns_by_filter(self, *, entity_types: list[str]) -> list[str]:
        assert entity_types == ["dataset", "container"]
        return sorted({urn for urn, _ in self.aspects})

    def get_aspect(self, urn: str, aspect_type: type) -> Any:
        return self.aspects.get((urn, aspect_type.ASPECT_NAME))

    def exists(self, urn: str) -> bool:
        return any(u == urn for u, _ in self.aspects)

    def emit_mcp(self, mcp: MetadataChangeProposalWrapper) -> None:
        self.emitted.append(mcp)
        self.aspects[(mcp.entityUrn, mcp.aspectName)] = mcp.aspect


@pytest.fixture
def gms() -> FakeGraph:
    graph = FakeGraph()
    graph.aspects[(URN, "datasetProperties")] = DatasetPropertiesClass(
        name="cifar10", qualifiedName="/lake/cifar10", customProperties=fact_properties(CIFAR))
    graph.aspects[(URN, "globalTags")] = GlobalTagsClass(tags=[
        TagAssociationClass(**_auto("data lake", "lake-datasets")),
        TagAssociationClass(**_auto("gcp", "old-rule")),
        TagAssociationClass(tag="urn:li:tag:pii"),  # added in DataHub's UI
    ])
    return graph


def _tags(graph: FakeGraph) -> dict[str, str | None]:
    aspect = graph.aspects[(URN, "globalTags")]
    return {a.tag.removeprefix("urn:li:tag:"): added_by(a) for a in aspect.tags}


def test_gms_apply_writes_full_aspects_and_keeps_hand_added_tags(gms: FakeGraph) -> None:
    store = GmsTagStore(gms, "http://gms")
    plan = plan_changes(store.entities(), TAGS)
    assert [(c.added, c.removed) for c in plan.changes] == [(("training",), ("gcp",))]
    assert apply_plan(store, plan) == 1
    assert [m.aspectName for m in gms.emitted] == ["globalTags"]
    assert _tags(gms) == {"data lake": "catalog-sync", "pii": None, "training": "catalog-sync"}
    assert plan_changes(store.entities(), TAGS).changes == []


def test_gms_manual_edits(gms: FakeGraph) -> None:
    store = GmsTagStore(gms, "http://gms")
    with pytest.raises(BadInputError, match="exclusive group 'cloud'"):
        add_manual_tag(store, TAGS, URN, "aws")  # gcp (an old rule's) is there
    assert remove_tag(store, URN, "gcp").note.startswith("a rule added it")
    edit = add_manual_tag(store, TAGS, URN, "aws")
    assert edit.changed and edit.note == ""
    assert _tags(gms) == {"aws": "manual", "data lake": "catalog-sync", "pii": None}
    with pytest.raises(EntityNotFoundError):
        add_manual_tag(store, TAGS, "urn:li:dataset:(urn:li:dataPlatform:file,/x,PROD)", "aws")


def test_gms_conflict_writes_nothing(gms: FakeGraph) -> None:
    props = gms.aspects[(URN, "datasetProperties")]
    props.customProperties = fact_properties(CIFAR, {"inference": "recipe"})
    store = GmsTagStore(gms, "http://gms")
    with pytest.raises(TagConflictError, match="nothing written"):
        apply_plan(store, plan_changes(store.entities(), TAGS))
    assert gms.emitted == []
