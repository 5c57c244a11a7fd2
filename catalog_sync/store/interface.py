"""The catalog store: the only way catalog-sync reads or changes what DataHub holds.

Everything above it (the sources' existing-tag lookups, the tag policy's plan and edits,
discovery, the API, the CLI and pgAdmin) calls these methods; `catalog_sync.store.open_store`
picks the backend from the settings, `store_for_sink` from a recipe's sink.

To add a backend: implement `CatalogStore` (a `kind` string, the reads, the tag edits, the
ingestion wiring) in a package beside `lite/` and `gms/`, pick it in `catalog_sync.store`, and
run the backend-parametrised tests (`tests/support/backends.py`) against it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from catalog_sync.store.model import AssetPage, AssetQuery, CatalogEntry, TagCount

if TYPE_CHECKING:
    from datahub.metadata.schema_classes import TagAssociationClass

    from catalog_sync.store.lite.unchanged import StoredAspects
    from catalog_sync.tagging.definitions import ViewDefinition
    from catalog_sync.usage.aspects import Pipeline, PipelineUse


@dataclass(frozen=True, slots=True)
class TagEdit:
    """One entity's tag change: associations to add (or replace, by tag URN), tag URNs to drop.
    Every other association on the entity stays as the catalog holds it at write time."""

    urn: str
    add: tuple[TagAssociationClass, ...] = ()
    remove: tuple[str, ...] = ()


class CatalogReader(Protocol):
    """Read access to the catalog: all that discovery, the API and pgAdmin need."""

    kind: str  # "lite" | "gms"
    location: str  # a file path or the server URL, never with credentials
    in_memory: bool  # True when calls never block on I/O (safe on the event loop)

    def search(self, query: AssetQuery) -> AssetPage:
        """Live assets matching `query`, one page, in URN order; `total` counts every match."""
        ...

    def get(self, urn: str) -> CatalogEntry | None:
        """One live dataset or container by URN; None if absent or soft-deleted."""
        ...

    def tag_counts(self) -> list[TagCount]:
        """Every tag on a live dataset or container, with its count, by name."""
        ...

    def downstreams(self, urn: str) -> list[str]:
        """URNs of the datasets whose upstream lineage names `urn` (what reads from it), in
        URN order: the reverse of `get(urn).aspects["upstreamLineage"]`."""
        ...

    def scan(self, query: AssetQuery) -> Iterator[CatalogEntry]:
        """Every match of `query`, whatever its offset and limit, streamed (for resolution and
        pgAdmin, which need all of them; GMS pages only its first 10,000 matches)."""
        ...

    def check(self) -> None:
        """Run the same kind of read the others run; CatalogUnavailableError if it fails."""
        ...


class CatalogStore(CatalogReader, Protocol):
    """The reads, plus tag edits, views and what an ingestion run needs from the store."""

    def entries(self) -> Iterator[CatalogEntry]:
        """Every live dataset and container (for `tags plan`), streamed."""
        ...

    def tag_associations(self, urn: str) -> list[TagAssociationClass]:
        """`urn`'s current tag associations; EntityNotFoundError if the catalog lacks it."""
        ...

    def existing_tags(self, urns: Sequence[str]) -> Mapping[str, list[Any]]:
        """URN -> current associations of those of `urns` that have tags, in a fixed small
        number of reads however many URNs (what a re-emission must keep)."""
        ...

    def edit_tags(self, edits: Sequence[TagEdit]) -> int:
        """Apply each edit, keeping every association it does not name; the count applied."""
        ...

    def editing(self, command: str, wait_seconds: float = 0.0) -> AbstractContextManager[None]:
        """Hold the catalog for one read-modify-write edit (refuse or wait while a run holds
        it); a no-op where the backend's own writes are atomic per entity (GMS PATCH)."""
        ...

    def save_views(self, views: Sequence[ViewDefinition], tags: set[str]) -> list[str]:
        """Make each saved view exist with its current definition where the backend keeps
        views (GMS); the problems met, one line each. The embedded store keeps none."""
        ...

    def record_usage(self, pipeline: Pipeline, datasets: Sequence[str], time_ms: int) -> None:
        """Record that `pipeline` read `datasets` at `time_ms`: its dataJob's input edges
        gain the new datasets and the known ones' time (full aspects, read then written)."""
        ...

    def usage_of(self, dataset_urn: str) -> list[PipelineUse]:
        """The pipelines whose recorded reads include `dataset_urn`, by job URN."""
        ...

    def sink_config(self) -> dict[str, Any]:
        """The recipe `sink` that writes into this store."""
        ...

    def state_provider(self, pipeline_name: str) -> dict[str, Any]:
        """The stateful-ingestion `state_provider` that keeps a pipeline's stale-removal state."""
        ...

    def stored_aspects(self) -> StoredAspects | None:
        """The unchanged-dataset check's view of stored aspects; None where a check would cost
        a round trip per dataset (GMS)."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...

