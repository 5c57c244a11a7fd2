"""Reading and writing entities' tags in the target catalog: the embedded store or DataHub GMS.

Writes are always the full `globalTags` aspect (the datahub-lite sink drops PATCH proposals), built
from what the catalog holds right now, so associations nobody asked to change stay as they are.
An edit of the embedded catalog reads and writes under the catalog's run lock (the one ingestion
holds), so a run never overwrites it half-way, and ends with a WAL checkpoint like a run does.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any, Protocol

from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.lite.lite_util import get_datahub_lite
from datahub.metadata.schema_classes import (
    ContainerPropertiesClass,
    DatasetPropertiesClass,
    GlobalTagsClass,
    TagAssociationClass,
)

from catalog_sync.catalog.lite_reader import connect_readonly, read_entries
from catalog_sync.emit.tags import is_automated, tag_name
from catalog_sync.errors import CatalogSyncError, CatalogUnavailableError
from catalog_sync.ingest.recipe import lite_sink
from catalog_sync.lite_file import checkpoint_catalog
from catalog_sync.settings import Settings
from catalog_sync.sync.lock import lock_path, run_lock
from catalog_sync.tagging.plan import TaggedEntity

ENTITY_TYPES = ("dataset", "container")

LATEST_TAGS_SQL = (
    "SELECT metadata FROM metadata_aspect_v2 "
    "WHERE urn = ? AND aspect_name = 'globalTags' AND version = 0"
)
ENTITY_EXISTS_SQL = "SELECT 1 FROM metadata_aspect_v2 WHERE urn = ? AND version = 0 LIMIT 1"


class EntityNotFoundError(CatalogSyncError):
    """`tags add|remove` named an entity the catalog does not hold."""

    def __init__(self, urn: str, location: str) -> None:
        super().__init__(f"{urn}: not in the catalog ({location})")
        self.urn = urn


def as_associations(raw: Iterable[Any]) -> list[TagAssociationClass]:
    """Associations from JSON (embedded store) or aspect objects (GMS), as aspect objects."""
    return [
        a if isinstance(a, TagAssociationClass) else TagAssociationClass.from_obj(a) for a in raw
    ]


def tagged_entity(
    urn: str, name: str, entity_type: str, properties: Mapping[str, str], raw: Iterable[Any]
) -> TaggedEntity:
    """The tag policy's view of one entity: its tags split by who added them."""
    associations = as_associations(raw)
    automated = frozenset(tag_name(a.tag) for a in associations if is_automated(a))
    other = frozenset(tag_name(a.tag) for a in associations if not is_automated(a))
    return TaggedEntity(
        urn, name, entity_type, dict(properties), automated, other - automated, tuple(associations)
    )


class TagStore(Protocol):
    """Where `tags plan|apply|add|remove` read and write."""

    location: str

    def entities(self) -> Iterator[TaggedEntity]: ...

    def associations(self, urn: str) -> list[TagAssociationClass]: ...

    def write(self, aspects: Mapping[str, GlobalTagsClass]) -> None: ...

    def editing(self, command: str, wait_seconds: float = 0.0) -> AbstractContextManager[None]:
        """Hold the catalog for one read-modify-write edit (refuse or wait if a run holds it)."""
        ...


class LiteTagStore:
    """The embedded DataHub Lite (SQLite) file; writes go through DataHub Lite itself."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.location = str(path)

    def entities(self) -> Iterator[TaggedEntity]:
        for e in read_entries(self.path):
            yield tagged_entity(e.urn, e.name, e.entity_type, e.properties, e.tag_associations)

    def associations(self, urn: str) -> list[TagAssociationClass]:
        conn = connect_readonly(self.path)
        try:
            if conn.execute(ENTITY_EXISTS_SQL, (urn,)).fetchone() is None:
                raise EntityNotFoundError(urn, self.location)
            row = conn.execute(LATEST_TAGS_SQL, (urn,)).fetchone()
        except sqlite3.DatabaseError as err:
            raise CatalogUnavailableError(self.location, str(err)) from err
        finally:
            conn.close()
        if row is None:
            return []
        return as_associations(json.loads(row[0]).get("tags", []))

    def write(self, aspects: Mapping[str, GlobalTagsClass]) -> None:
        lite = get_datahub_lite(lite_sink(self.path)["config"])
        try:
            for urn, aspect in aspects.items():
                lite.write(MetadataChangeProposalWrapper(entityUrn=urn, aspect=aspect))
        finally:
            lite.close()
            checkpoint_catalog(self.path)

    @contextmanager
    def editing(self, command: str, wait_seconds: float = 0.0) -> Iterator[None]:
        lock = lock_path(self.path, "", self.path.parent)  # per catalog: the name is unused
        with run_lock(lock, wait_seconds=wait_seconds, command=command):
            yield


@contextmanager
def _reaching(location: str) -> Iterator[None]:
    """GMS failures (connection, HTTP, GraphQL) as one CatalogUnavailableError line."""
    try:
        yield
    except CatalogSyncError:
        raise
    except Exception as err:  # requests, urllib3 and DataHub raise many unrelated types
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise CatalogUnavailableError(location, reason) from err


class GmsTagStore:
    """DataHub GMS through DataHub's own graph client (reads aspects, emits full aspects)."""

    def __init__(self, graph: Any, location: str) -> None:
        self.graph = graph
        self.location = location

    def entities(self) -> Iterator[TaggedEntity]:
        with _reaching(self.location):
            yield from self._entities()

    def _entities(self) -> Iterator[TaggedEntity]:
        for urn in self.graph.get_urns_by_filter(entity_types=list(ENTITY_TYPES)):
            is_dataset = urn.startswith("urn:li:dataset:")
            props_class = DatasetPropertiesClass if is_dataset else ContainerPropertiesClass
            props = self.graph.get_aspect(urn, props_class)
            tags = self.graph.get_aspect(urn, GlobalTagsClass)
            name = (getattr(props, "qualifiedName", None) or getattr(props, "name", None) or urn)
            yield tagged_entity(
                urn, name, "dataset" if is_dataset else "container",
                dict(props.customProperties or {}) if props else {},
                tags.tags if tags else [],
            )

    def associations(self, urn: str) -> list[TagAssociationClass]:
        with _reaching(self.location):
            if not self.graph.exists(urn):
                raise EntityNotFoundError(urn, self.location)
            tags = self.graph.get_aspect(urn, GlobalTagsClass)
        return as_associations(tags.tags if tags else [])

    def write(self, aspects: Mapping[str, GlobalTagsClass]) -> None:
        with _reaching(self.location):
            for urn, aspect in aspects.items():
                self.graph.emit_mcp(MetadataChangeProposalWrapper(entityUrn=urn, aspect=aspect))

    def editing(self, command: str, wait_seconds: float = 0.0) -> AbstractContextManager[None]:
        """No lock: GMS runs lock per pipeline on their own host only, so none to share."""
        return nullcontext()


def open_tag_store(settings: Settings) -> TagStore:
    """GMS when DATAHUB_GMS_URL is set, else the embedded catalog file."""
    if settings.gms_url:
        from datahub.ingestion.graph.client import DatahubClientConfig, DataHubGraph

        token = settings.gms_token.get_secret_value() if settings.gms_token else None
        with _reaching(settings.gms_url):
            graph = DataHubGraph(DatahubClientConfig(server=settings.gms_url, token=token))
        return GmsTagStore(graph, settings.gms_url)
    return LiteTagStore(settings.catalog)
