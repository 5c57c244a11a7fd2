"""The plan as a pure function, and plan/apply/add/remove through the catalog store, on both
backends (the embedded file and the GMS stand-in, which checks DataHub's contract)."""

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

from catalog_sync.emit.tags import added_by, tag_context
from catalog_sync.errors import BadInputError, EntityNotFoundError
from catalog_sync.store import CatalogEntry, CatalogStore
from catalog_sync.tagging import load_tag_set
from catalog_sync.tagging.edits import (
    add_manual_tag,
    apply_plan,
    remove_tag,
    tagged_entities,
    tagged_entity,
)
from catalog_sync.tagging.facts import fact_properties
from catalog_sync.tagging.plan import TagConflictError, plan_changes
from tests.support.backends import Backend
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
    return tagged_entity(CatalogEntry(URN, "dataset", "/lake/cifar10", "file",
                                      tag_associations=tags, properties=props))


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


def _write(backend: Backend, properties: dict[str, str]) -> CatalogStore:
    """The cifar10 dataset with an old rule's `gcp`, and `pii` added in DataHub's UI."""
    backend.write([
        MetadataChangeProposalWrapper(entityUrn=URN, aspect=DatasetPropertiesClass(
            name="cifar10", qualifiedName="/lake/cifar10", customProperties=properties,
        )).as_workunit(),
        MetadataChangeProposalWrapper(entityUrn=URN, aspect=GlobalTagsClass(tags=[
            TagAssociationClass(**_auto("data lake", "lake-datasets")),
            TagAssociationClass(**_auto("gcp", "old-rule")),
            TagAssociationClass(tag="urn:li:tag:pii"),  # added in DataHub's UI
        ])).as_workunit(),
    ])
    return backend.store()


@pytest.fixture
def store(backend: Backend) -> CatalogStore:
    return _write(backend, fact_properties(CIFAR))


def _tags(store: CatalogStore) -> dict[str, str | None]:
    return {a.tag.removeprefix("urn:li:tag:"): added_by(a) for a in store.tag_associations(URN)}


def test_apply_changes_only_the_plan_and_keeps_hand_added_tags(store: CatalogStore) -> None:
    plan = plan_changes(tagged_entities(store), TAGS)
    assert [(c.added, c.removed) for c in plan.changes] == [(("training",), ("gcp",))]
    assert apply_plan(store, plan) == 1
    assert _tags(store) == {"data lake": "catalog-sync", "pii": None, "training": "catalog-sync"}
    assert plan_changes(tagged_entities(store), TAGS).changes == []


def test_manual_edits(store: CatalogStore) -> None:
    with pytest.raises(BadInputError, match="exclusive group 'cloud'"):
        add_manual_tag(store, TAGS, URN, "aws")  # gcp (an old rule's) is there
    assert remove_tag(store, URN, "gcp").note.startswith("a rule added it")
    edit = add_manual_tag(store, TAGS, URN, "aws")
    assert edit.changed and edit.note == ""
    assert _tags(store) == {"aws": "manual", "data lake": "catalog-sync", "pii": None}
    with pytest.raises(EntityNotFoundError):
        add_manual_tag(store, TAGS, "urn:li:dataset:(urn:li:dataPlatform:file,/x,PROD)", "aws")


def test_a_conflict_writes_nothing(backend: Backend) -> None:
    store = _write(backend, fact_properties(CIFAR, {"inference": "recipe"}))
    before = _tags(store)
    with pytest.raises(TagConflictError, match="nothing written"):
        apply_plan(store, plan_changes(tagged_entities(store), TAGS))
    assert _tags(store) == before
