"""Writing tag changes: a rule plan (`tags apply`) and a steward's manual edit (`tags add|remove`).

Both write full `globalTags` aspects. An applied plan replaces only associations automation owns;
a manual edit is recorded as `{"addedBy": "manual"}` in the association's context, which
automation never removes.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from datahub.emitter.mce_builder import make_tag_urn
from datahub.metadata.schema_classes import GlobalTagsClass, TagAssociationClass

from catalog_sync.catalog.tag_store import TagStore
from catalog_sync.emit.tags import MANUAL, global_tags_aspect, is_automated, tag_name
from catalog_sync.errors import BadInputError
from catalog_sync.tagging.definitions import TagSet, check_tag_name
from catalog_sync.tagging.plan import TagConflictError, TagPlan
from catalog_sync.tagging.policy import exclusive_conflicts

logger = logging.getLogger(__name__)


def manual_context() -> str:
    """The context of a tag a person added: automation never removes it."""
    return json.dumps({"addedBy": MANUAL}, sort_keys=True)


def apply_plan(store: TagStore, plan: TagPlan) -> int:
    """Write every entity's change; refuse the whole plan, before any write, on a conflict."""
    if plan.conflicts:
        raise TagConflictError(plan.conflicts)
    aspects = {
        change.entity.urn: global_tags_aspect(change.origins, change.entity.associations)
        for change in plan.changes
    }
    store.write(aspects)
    logger.info("wrote globalTags of %s entities to %s", len(aspects), store.location)
    return len(aspects)


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


def add_manual_tag(store: TagStore, tag_set: TagSet, urn: str, tag: str) -> ManualEdit:
    """Put `tag` on `urn` as a manual tag (taking over an automated one with the same name)."""
    tag = _checked(tag)
    current = store.associations(urn)
    tag_urn = make_tag_urn(tag)
    existing = next((a for a in current if a.tag == tag_urn), None)
    if existing is not None and not is_automated(existing):
        return ManualEdit(urn, tag, changed=False, note="already on the asset as a manual tag")
    names = {tag_name(a.tag): "existing" for a in current} | {tag: "tags add"}
    conflicts = exclusive_conflicts(names, tag_set)
    if conflicts:
        raise BadInputError(f"{urn}: refusing to add {tag!r}: {'; '.join(conflicts)}")
    kept = [a for a in current if a.tag != tag_urn]
    added = TagAssociationClass(tag=tag_urn, context=manual_context())
    store.write({urn: GlobalTagsClass(tags=sorted([*kept, added], key=lambda a: a.tag))})
    note = "" if tag_set.definition_for(tag) else f"{tag!r} has no definition in tags/"
    return ManualEdit(urn, tag, changed=True, note=note)


def remove_tag(store: TagStore, urn: str, tag: str) -> ManualEdit:
    """Take `tag` off `urn`, whoever added it. A rule that still matches adds it back at the
    next apply or ingestion; the note says so."""
    tag = _checked(tag)
    current = store.associations(urn)
    tag_urn = make_tag_urn(tag)
    if all(a.tag != tag_urn for a in current):
        return ManualEdit(urn, tag, changed=False, note="not on the asset")
    was_automated = any(a.tag == tag_urn and is_automated(a) for a in current)
    kept = [a for a in current if a.tag != tag_urn]
    store.write({urn: GlobalTagsClass(tags=kept)})
    note = (
        "a rule added it; the next `tags apply` or ingestion adds it back unless the rule changes"
        if was_automated else ""
    )
    return ManualEdit(urn, tag, changed=True, note=note)
