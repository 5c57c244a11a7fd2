"""Reading datasets and containers back from the embedded DataHub Lite (SQLite) file.

Queries go straight to DataHub Lite's `metadata_aspect_v2` table (latest rows are version 0),
read-only, so a reader never blocks or alters an ingestion in progress.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from datahub.metadata.urns import DatasetUrn, Urn

from catalog_sync.emit.tags import tag_name
from catalog_sync.errors import CatalogUnavailableError
from catalog_sync.lite_file import open_readonly

_ASPECTS = (
    "datasetProperties", "containerProperties", "globalTags", "subTypes", "status",
    "schemaMetadata", "container", "dataPlatformInstance",
    *("datasetProfile", "upstreamLineage", "viewProperties"),
)
# Kept whole on the entry for `assets show` / `/v1/assets/{urn}` (catalog_sync.details).
DETAIL_ASPECTS = ("schemaMetadata", "datasetProfile", "upstreamLineage", "viewProperties")


@dataclass(slots=True)
class CatalogEntry:
    """One dataset or container as the catalog holds it."""

    urn: str
    entity_type: str
    name: str
    platform: str
    subtypes: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    tag_associations: list[dict[str, Any]] = field(default_factory=list)
    properties: dict[str, str] = field(default_factory=dict)
    description: str | None = None
    removed: bool = False
    container: str | None = None
    fields: list[dict[str, Any]] = field(default_factory=list)
    # DataHub's JSON of the DETAIL_ASPECTS the store holds for it (may be empty, e.g. GMS).
    aspects: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """The `--json` shape of `catalog-sync assets`."""
        return {
            "urn": self.urn,
            "type": self.entity_type,
            "name": self.name,
            "platform": self.platform,
            "subtypes": self.subtypes,
            "tags": self.tags,
            "properties": self.properties,
        }


def connect_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection; a missing or non-SQLite file raises CatalogUnavailableError."""
    if not path.is_file():
        raise CatalogUnavailableError(str(path), "file not found (run `catalog-sync ingest` first)")
    try:
        conn = open_readonly(path)
        conn.execute("SELECT count(*) FROM metadata_aspect_v2 WHERE version = -1").fetchone()
    except sqlite3.DatabaseError as err:
        raise CatalogUnavailableError(str(path), str(err)) from err
    return conn


def _platform(urn: str, aspects: dict[str, Any]) -> str:
    if urn.startswith("urn:li:dataset:"):
        return DatasetUrn.from_string(urn).get_data_platform_urn().platform_name
    instance = aspects.get("dataPlatformInstance") or {}
    platform = instance.get("platform")
    return Urn.from_string(platform).entity_ids[0] if platform else ""


def _entry(urn: str, aspects: dict[str, Any]) -> CatalogEntry:
    is_dataset = urn.startswith("urn:li:dataset:")
    props = aspects.get("datasetProperties" if is_dataset else "containerProperties") or {}
    associations = (aspects.get("globalTags") or {}).get("tags", [])
    name = props.get("qualifiedName") or props.get("name") or (
        DatasetUrn.from_string(urn).name if is_dataset else urn
    )
    return CatalogEntry(
        urn=urn,
        entity_type="dataset" if is_dataset else "container",
        name=name,
        platform=_platform(urn, aspects),
        subtypes=list((aspects.get("subTypes") or {}).get("typeNames", [])),
        tags=sorted(tag_name(a["tag"]) for a in associations),
        tag_associations=associations,
        properties=dict(props.get("customProperties") or {}),
        description=props.get("description"),
        removed=bool((aspects.get("status") or {}).get("removed", False)),
        container=(aspects.get("container") or {}).get("container"),
        fields=list((aspects.get("schemaMetadata") or {}).get("fields", [])),
        aspects={name: aspects[name] for name in DETAIL_ASPECTS if name in aspects},
    )


def read_entries(path: Path, include_removed: bool = False) -> Iterator[CatalogEntry]:
    """Every dataset and container in the catalog, in URN order."""
    conn = connect_readonly(path)
    marks = ",".join("?" * len(_ASPECTS))
    try:
        rows = conn.execute(
            "SELECT urn, aspect_name, metadata FROM metadata_aspect_v2 WHERE version = 0 "
            f"AND aspect_name IN ({marks}) AND (urn LIKE 'urn:li:dataset:%' OR "
            "urn LIKE 'urn:li:container:%') ORDER BY urn",
            _ASPECTS,
        )
        current: str | None = None
        aspects: dict[str, Any] = {}
        for urn, aspect_name, metadata in rows:
            if urn != current:
                if current is not None:
                    entry = _entry(current, aspects)
                    if include_removed or not entry.removed:
                        yield entry
                current, aspects = urn, {}
            aspects[aspect_name] = json.loads(metadata)
        if current is not None:
            entry = _entry(current, aspects)
            if include_removed or not entry.removed:
                yield entry
    except sqlite3.DatabaseError as err:
        raise CatalogUnavailableError(str(path), str(err)) from err
    finally:
        conn.close()
