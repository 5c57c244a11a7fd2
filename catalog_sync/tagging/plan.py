"""What the rules in `tags/` would change in the catalog: tags to add and remove, per entity.

Pure: entities come in as their recorded facts and current tags (split into the ones
catalog-sync's automation added and everyone else's), changes come out. Automation removes only
tags it added itself; a tag a person added (with `tags add`, or by hand in DataHub) is never
removed, and a rule that would add a tag a person already added leaves it as theirs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from catalog_sync.errors import BadInputError
from catalog_sync.tagging.definitions import TagSet
from catalog_sync.tagging.facts import recorded_facts, recorded_recipe_tags
from catalog_sync.tagging.policy import decide_tags, exclusive_conflicts


@dataclass(frozen=True, slots=True)
class TaggedEntity:
    """A dataset or container as the catalog holds it, seen from the tag policy."""

    urn: str
    name: str
    entity_type: str
    properties: Mapping[str, str]
    automated: frozenset[str]
    other: frozenset[str]
    associations: tuple[Any, ...] = ()


@dataclass(frozen=True, slots=True)
class TagChange:
    """One entity's difference: `origins` is the full set of tags automation should own."""

    entity: TaggedEntity
    origins: Mapping[str, str]
    added: tuple[str, ...]
    removed: tuple[str, ...]
    conflicts: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The `tags plan --json` shape of one change."""
        return {
            "urn": self.entity.urn,
            "name": self.entity.name,
            "type": self.entity.entity_type,
            "added": [{"tag": t, "rule": self.origins[t]} for t in self.added],
            "removed": list(self.removed),
            "conflicts": list(self.conflicts),
        }


@dataclass(slots=True)
class TagPlan:
    """Every change, plus how many entities had no recorded facts (left alone)."""

    changes: list[TagChange] = field(default_factory=list)
    without_facts: int = 0

    @property
    def conflicts(self) -> list[TagChange]:
        return [c for c in self.changes if c.conflicts]

    def as_dict(self) -> dict[str, Any]:
        return {
            "changes": [c.as_dict() for c in self.changes],
            "without_facts": self.without_facts,
        }


class TagConflictError(BadInputError):
    """The rules put two tags of a mutually exclusive group on one entity; nothing is written."""

    def __init__(self, conflicts: list[TagChange]) -> None:
        lines = [f"{c.entity.name} ({c.entity.urn}): {m}" for c in conflicts for m in c.conflicts]
        super().__init__(
            f"conflicting tags on {len(conflicts)} asset(s), nothing written: " + "; ".join(lines)
        )
        self.conflicts = conflicts


def desired_origins(
    entity: TaggedEntity, tag_set: TagSet
) -> tuple[dict[str, str], tuple[str, ...]] | None:
    """Tag -> rule the automation should own on `entity`, and any exclusive-group conflicts;
    None when ingestion recorded no facts for it (catalog-sync never tagged it)."""
    facts = recorded_facts(entity.properties)
    if facts is None:
        return None
    origins = dict(decide_tags(facts, tag_set).origins)
    for tag, origin in recorded_recipe_tags(entity.properties).items():
        origins.setdefault(tag, origin)
    return origins, exclusive_conflicts(origins, tag_set)


def plan_entity(entity: TaggedEntity, tag_set: TagSet) -> TagChange | None:
    """The change for one entity, or None when there is nothing to do (or no facts)."""
    desired = desired_origins(entity, tag_set)
    if desired is None:
        return None
    origins, conflicts = desired
    added = tuple(sorted(t for t in origins if t not in entity.automated | entity.other))
    removed = tuple(sorted(t for t in entity.automated if t not in origins))
    if not (added or removed or conflicts):
        return None
    return TagChange(entity, origins, added, removed, conflicts)


def plan_changes(entities: Iterable[TaggedEntity], tag_set: TagSet) -> TagPlan:
    """The plan over every entity; streams, keeping only the entities that change."""
    plan = TagPlan()
    for entity in entities:
        if recorded_facts(entity.properties) is None:
            plan.without_facts += 1
            continue
        change = plan_entity(entity, tag_set)
        if change is not None:
            plan.changes.append(change)
    return plan
