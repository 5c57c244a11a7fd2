"""Tag changes through the catalog store: a rule plan (`tags apply`) and a steward's edit
(`tags add|remove`).

Every change is an edit of named associations (`TagEdit`), which the store applies keeping
everything else: a PATCH on GMS, a read-modify-write under the run lock on the embedded file.
An applied plan touches only associations automation owns; a steward's tag is recorded as
`{"addedBy": "manual"}` in the association's context, which automation never removes.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from datahub.emitter.mce_builder import make_tag_urn
from datahub.metadata.schema_classes import TagAssociationClass

from catalog_sync.emit.tags import MANUAL, is_automated, tag_context, tag_name
from catalog_sync.errors import BadInputError
from catalog_sync.store import CatalogEntry, CatalogStore, TagEdit
from catalog_sync.tagging.definitions import TagSet, check_tag_name
from catalog_sync.tagging.plan import TagConflictError, TaggedEntity, TagPlan
from catalog_sync.tagging.policy import exclusive_conflicts

logger = logging.getLogger(__name__)


def manual_context() -> str:
    """The context of a tag a person added: automation never removes it."""
    return json.dumps({"addedBy": MANUAL}, sort_keys=True)


def as_associations(raw: Iterable[Any]) -> list[TagAssociationClass]:
    """Associations from JSON (embedded store) or aspect objects (GMS), as aspect objects."""
    return [
        a if isinstance(a, TagAssociationClass) else TagAssociationClass.from_obj(a) for a in raw
    ]


def tagged_entity(entry: CatalogEntry) -> TaggedEntity:
    """The tag policy's view of one catalog entry: its tags split by who added them."""
    associations = as_associations(entry.tag_associations)
    automated = frozenset(tag_name(a.tag) for a in associations if is_automated(a))
    other = frozenset(tag_name(a.tag) for a in associations if not is_automated(a))
    return TaggedEntity(entry.urn, entry.name, entry.entity_type, dict(entry.properties),
                        automated, other - automated, tuple(associations))


def tagged_entities(store: CatalogStore) -> Iterator[TaggedEntity]:
    """Every live entity of the store, as the tag policy sees it."""
    for entry in store.entries():
        yield tagged_entity(entry)


def plan_edits(plan: TagPlan) -> list[TagEdit]:
    """The plan as edits: each added tag with its rule's mark, each removed automated tag."""
    edits = []
    for change in plan.changes:
        add = tuple(TagAssociationClass(tag=make_tag_urn(t), context=tag_context(change.origins[t]))
                    for t in change.added)
        remove = tuple(make_tag_urn(t) for t in change.removed)
        if add or remove:
            edits.append(TagEdit(change.entity.urn, add, remove))
    return edits


def apply_plan(store: CatalogStore, plan: TagPlan) -> int:
    """Apply every entity's change; refuse the whole plan, before any write, on a conflict."""
    if plan.conflicts:
        raise TagConflictError(plan.conflicts)
    written = store.edit_tags(plan_edits(plan))
    logger.info("changed the tags of %s entities in %s", written, store.location)
    return written


@dataclass(frozen=True, slots=True)
class ManualEdit:
    """What `tags add|remove` did, for the CLI to say."""

    urn: str
    tag: str
    changed: bool
    note: str = ""


def _checked(tag: str) -> str:
    try:
        return check_tag_name(tag)
    except ValueError as err:
        raise BadInputError(str(err)) from err


def add_manual_tag(store: CatalogStore, tag_set: TagSet, urn: str, tag: str) -> ManualEdit:
    """Put `tag` on `urn` as a manual tag (taking over an automated one with the same name)."""
    tag = _checked(tag)
    current = store.tag_associations(urn)
    tag_urn = make_tag_urn(tag)
    existing = next((a for a in current if a.tag == tag_urn), None)
    if existing is not None and not is_automated(existing):
        return ManualEdit(urn, tag, changed=False, note="already on the asset as a manual tag")
    names = {tag_name(a.tag): "existing" for a in current} | {tag: "tags add"}
    conflicts = exclusive_conflicts(names, tag_set)
    if conflicts:
        raise BadInputError(f"{urn}: refusing to add {tag!r}: {'; '.join(conflicts)}")
    store.edit_tags([TagEdit(urn, add=(TagAssociationClass(tag=tag_urn, context=manual_context()),))])
    note = "" if tag_set.definition_for(tag) else f"{tag!r} has no definition in tags/"
    return ManualEdit(urn, tag, changed=True, note=note)


def remove_tag(store: CatalogStore, urn: str, tag: str) -> ManualEdit:
    """Take `tag` off `urn`, whoever added it. A rule that still matches adds it back at the
    next apply or ingestion; the note says so."""
    tag = _checked(tag)
    current = store.tag_associations(urn)
    tag_urn = make_tag_urn(tag)
    if all(a.tag != tag_urn for a in current):
        return ManualEdit(urn, tag, changed=False, note="not on the asset")
    was_automated = any(a.tag == tag_urn and is_automated(a) for a in current)
    store.edit_tags([TagEdit(urn, remove=(tag_urn,))])
    note = (
        "a rule added it; the next `tags apply` or ingestion adds it back unless the rule changes"
        if was_automated else ""
    )
    return ManualEdit(urn, tag, changed=True, note=note)
