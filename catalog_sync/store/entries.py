"""Stored aspects -> CatalogEntry, one function for every backend.

Both backends hand over an entity's latest aspects in DataHub's JSON form (what DataHub Lite
stores, and what `pre_json_transform(aspect.to_obj())` gives for an aspect GMS returned), so a
dataset reads the same whether the embedded store or GMS holds it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from datahub.metadata.urns import DatasetUrn, Urn
from datahub.utilities.urns.error import InvalidUrnError

from catalog_sync.emit.tags import tag_name
from catalog_sync.store.model import CatalogEntry

# The aspects an entry is built from (its search card, detail page and tag state).
DATASET_ASPECTS = (
    "datasetProperties", "globalTags", "subTypes", "status", "schemaMetadata", "container",
    "dataPlatformInstance",
)
CONTAINER_ASPECTS = (
    "containerProperties", "globalTags", "subTypes", "status", "container",
    "dataPlatformInstance",
)
# Read for one asset (`get`), never for a page: schema details, profile, lineage, view SQL.
DETAIL_ASPECTS = ("schemaMetadata", "datasetProfile", "upstreamLineage", "viewProperties")


def entity_type_of(urn: str) -> str | None:
    """`dataset`, `container` (or whatever else the URN names); None for a malformed URN."""
    try:
        return Urn.from_string(urn).entity_type
    except InvalidUrnError:
        return None


def _platform(urn: str, is_dataset: bool, aspects: Mapping[str, Any]) -> str:
    if is_dataset:
        return DatasetUrn.from_string(urn).get_data_platform_urn().platform_name
    instance = aspects.get("dataPlatformInstance") or {}
    platform = instance.get("platform")
    return Urn.from_string(platform).entity_ids[0] if platform else ""


def entry_from_aspects(
    urn: str, aspects: Mapping[str, Any], details: bool = False
) -> CatalogEntry:
    """The entry of one dataset or container from its latest aspects (JSON, by name); with
    `details`, the detail aspects it has are kept whole on it."""
    is_dataset = urn.startswith("urn:li:dataset:")
    props = aspects.get("datasetProperties" if is_dataset else "containerProperties") or {}
    associations = list((aspects.get("globalTags") or {}).get("tags", []))
    name = props.get("qualifiedName") or props.get("name") or (
        DatasetUrn.from_string(urn).name if is_dataset else urn
    )
    return CatalogEntry(
        urn=urn,
        entity_type="dataset" if is_dataset else "container",
        name=name,
        platform=_platform(urn, is_dataset, aspects),
        subtypes=list((aspects.get("subTypes") or {}).get("typeNames", [])),
        tags=sorted(tag_name(a["tag"]) for a in associations),
        tag_associations=associations,
        properties=dict(props.get("customProperties") or {}),
        description=props.get("description"),
        removed=bool((aspects.get("status") or {}).get("removed", False)),
        container=(aspects.get("container") or {}).get("container"),
        fields=list((aspects.get("schemaMetadata") or {}).get("fields", [])),
        aspects={n: aspects[n] for n in DETAIL_ASPECTS if n in aspects} if details else {},
    )
