"""Tag aspects that keep hand-added tags: automation owns only the associations it marked.

Every association catalog-sync writes carries `context` = {"addedBy": "catalog-sync", "rule": ...}.
When re-emitting an asset's full `globalTags` aspect, associations without that mark (a steward's
hand-added tags, in DataHub's UI or via `tags add`) are carried over unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence

from datahub.emitter.mce_builder import make_tag_urn
from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.ingestion.api.workunit import MetadataWorkUnit
from datahub.metadata.schema_classes import (
    GlobalTagsClass,
    TagAssociationClass,
    TagPropertiesClass,
)
from datahub.metadata.urns import TagUrn

from catalog_sync.tagging.definitions import TagSet

AUTOMATION = "catalog-sync"
MANUAL = "manual"


def tag_context(rule: str, added_by: str = AUTOMATION) -> str:
    """The marker stored in a tag association's `context` field."""
    return json.dumps({"addedBy": added_by, "rule": rule}, sort_keys=True)


def added_by(association: TagAssociationClass | Mapping[str, object]) -> str | None:
    """Who added an association: `catalog-sync`, `manual`, or None (unknown, e.g. DataHub UI)."""
    context = (
        association.get("context")
        if isinstance(association, Mapping)
        else association.context
    )
    if not isinstance(context, str):
        return None
    try:
        parsed = json.loads(context)
    except ValueError:
        return None
    value = parsed.get("addedBy") if isinstance(parsed, dict) else None
    return value if isinstance(value, str) else None


def is_automated(association: TagAssociationClass | Mapping[str, object]) -> bool:
    """True when catalog-sync's rules (not a person) put this tag on the asset."""
    return added_by(association) == AUTOMATION


def tag_name(urn: str) -> str:
    """`urn:li:tag:data lake` -> `data lake`."""
    return TagUrn.from_string(urn).name


def _as_association(value: object) -> TagAssociationClass:
    if isinstance(value, TagAssociationClass):
        return value
    if isinstance(value, Mapping):
        return TagAssociationClass.from_obj(dict(value))
    raise TypeError(f"not a tag association: {value!r}")


def global_tags_aspect(
    origins: Mapping[str, str], existing: Sequence[object] = ()
) -> GlobalTagsClass:
    """Full `globalTags`: kept non-automated associations plus this run's rule tags, sorted."""
    kept = [a for a in map(_as_association, existing) if not is_automated(a)]
    kept_urns = {a.tag for a in kept}
    ours = [
        TagAssociationClass(tag=make_tag_urn(tag), context=tag_context(rule))
        for tag, rule in origins.items()
        if make_tag_urn(tag) not in kept_urns
    ]
    return GlobalTagsClass(tags=sorted(kept + ours, key=lambda a: a.tag))


def tag_entity_workunits(tags: Iterable[str], tag_set: TagSet) -> Iterable[MetadataWorkUnit]:
    """`tagProperties` (name, description, colour) for each tag, from its definition."""
    for tag in sorted(set(tags)):
        definition = tag_set.definition_for(tag)
        yield MetadataChangeProposalWrapper(
            entityUrn=make_tag_urn(tag),
            aspect=TagPropertiesClass(
                name=tag,
                description=definition.description if definition else None,
                colorHex=definition.colour if definition else None,
            ),
            # Not primary: tags are shared by every recipe, so one recipe no longer using a
            # tag must not soft-delete it as stale.
        ).as_workunit(is_primary_source=False)
