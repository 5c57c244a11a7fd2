"""The embedded catalog: one DataHub Lite file on SQLite.

Reads come from an in-memory tag index of the file (`index.LiteIndex`); writes go through
DataHub Lite itself (ingestion through the `catalog-sync-lite` sink, tag edits through its
writer), always as full aspects, since DataHub Lite drops PATCH proposals. A tag edit reads and
writes under the catalog's run lock (the one ingestion holds), so a run never overwrites it
half-way, and ends with a WAL checkpoint like a run does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.lite.sqlite_lite_config import SqliteLiteConfig
from datahub.metadata.schema_classes import (
    DataJobInputOutputClass,
    GlobalTagsClass,
    TagAssociationClass,
)

from catalog_sync.errors import EntityNotFoundError
from catalog_sync.store.entries import entry_from_aspects
from catalog_sync.store.interface import TagEdit
from catalog_sync.store.lite.index import LiteIndex, read_entries
from catalog_sync.store.lite.sink import IndexOnChangeLite, lite_sink
from catalog_sync.store.lite.sql import LiteFile, checkpoint
from catalog_sync.store.lite.unchanged import StoredAspects
from catalog_sync.store.model import AssetPage, AssetQuery, CatalogEntry, TagCount
from catalog_sync.sync.lock import lock_path, run_lock
from catalog_sync.sync.paths import state_file
from catalog_sync.sync.state import STATE_PROVIDER
from catalog_sync.tagging.definitions import ViewDefinition
from catalog_sync.usage.aspects import Pipeline, PipelineUse, merged, usage_proposals, use_of


def edited_tags(current: Sequence[TagAssociationClass], edit: TagEdit) -> GlobalTagsClass:
    """The full aspect after `edit`: every association it does not name kept, sorted by tag."""
    replaced = {a.tag for a in edit.add} | set(edit.remove)
    kept = [a for a in current if a.tag not in replaced]
    return GlobalTagsClass(tags=sorted([*kept, *edit.add], key=lambda a: a.tag))


class LiteStore:
    """`CatalogStore` over the embedded DataHub Lite file."""

    kind = "lite"
    in_memory = True

    def __init__(self, path: Path) -> None:
        self.path = path
        self.location = str(path)
        self._index = LiteIndex(path)
        self._reads: LiteFile | None = None
        self._lineage: tuple[object, dict[str, list[str]]] | None = None

    # Reads ---------------------------------------------------------------------------------

    @property
    def generation(self) -> object:
        """Changes whenever the index is rebuilt; the API keys its page cache on it."""
        return self._index.current().signature

    def search(self, query: AssetQuery) -> AssetPage:
        matched = list(self.scan(query))
        return AssetPage(total=len(matched), offset=query.offset, limit=query.limit,
                         items=matched[query.offset: query.offset + query.limit])

    def scan(self, query: AssetQuery) -> Iterator[CatalogEntry]:
        index = self._index.current()
        candidates = index.entries
        if query.all_tags:
            candidates = min((index.by_tag.get(t, []) for t in query.all_tags), key=len)
        return (e for e in candidates if query.matches(e))

    def get(self, urn: str) -> CatalogEntry | None:
        """The live entry with its detail aspects, read from the file for this one URN."""
        if self._index.current().by_urn.get(urn) is None:
            return None
        with LiteFile(self.path) as lite:
            stored = {name: json.loads(text) for name, text in lite.latest_aspects(urn).items()}
        return entry_from_aspects(urn, stored, details=True)

    def tag_counts(self) -> list[TagCount]:
        return self._index.current().counts

    def downstreams(self, urn: str) -> list[str]:
        """From the reversed lineage, read once per index generation (a scan of every
        lineage row per asset page cost ~8 ms on 10,000 datasets)."""
        index = self._index.current()
        reverse = self._lineage
        if reverse is None or reverse[0] != index.signature:
            with LiteFile(self.path) as lite:
                reverse = (index.signature, lite.downstreams_by_upstream())
            self._lineage = reverse
        return [u for u in reverse[1].get(urn, []) if u in index.by_urn]

    def check(self) -> None:
        LiteFile(self.path).close()
        self._index.current()

    def entries(self) -> Iterator[CatalogEntry]:
        yield from read_entries(self.path)

    # Tags ----------------------------------------------------------------------------------

    def _file(self) -> LiteFile | None:
        if self._reads is None and self.path.is_file():
            self._reads = LiteFile(self.path)
        return self._reads

    def existing_tags(self, urns: Sequence[str]) -> Mapping[str, list[Any]]:
        lite = self._file()
        if lite is None or not urns:
            return {}
        return {u: a.get("tags", []) for u, a in lite.aspect_of("globalTags", urns).items()}

    def tag_associations(self, urn: str) -> list[TagAssociationClass]:
        with LiteFile(self.path) as lite:
            if not lite.exists(urn):
                raise EntityNotFoundError(urn, self.location)
            stored = lite.aspect_of("globalTags", [urn]).get(urn) or {}
        return [TagAssociationClass.from_obj(a) for a in stored.get("tags", [])]

    def edit_tags(self, edits: Sequence[TagEdit]) -> int:
        if not edits:
            return 0
        aspects = {e.urn: edited_tags(self.tag_associations(e.urn), e) for e in edits}
        self._write([MetadataChangeProposalWrapper(entityUrn=urn, aspect=aspect)
                     for urn, aspect in aspects.items()])
        return len(aspects)

    def _write(self, proposals: Sequence[MetadataChangeProposalWrapper]) -> None:
        """Full aspects through DataHub Lite's own writer (it drops PATCH proposals)."""
        config = SqliteLiteConfig.model_validate(lite_sink(self.path)["config"]["config"])
        lite = IndexOnChangeLite(config)
        try:
            for proposal in proposals:
                lite.write(proposal)
        finally:
            lite.close()
            checkpoint(self.path)

    def record_usage(self, pipeline: Pipeline, datasets: Sequence[str], time_ms: int) -> None:
        current = None
        if self.path.is_file():
            with LiteFile(self.path) as lite:
                stored = lite.aspect_of("dataJobInputOutput", [pipeline.job_urn])
            if pipeline.job_urn in stored:
                current = DataJobInputOutputClass.from_obj(stored[pipeline.job_urn])
        self._write(usage_proposals(pipeline, merged(current, datasets, time_ms)))

    def usage_of(self, dataset_urn: str) -> list[PipelineUse]:
        if not self.path.is_file():
            return []
        with LiteFile(self.path) as lite:
            jobs = lite.jobs_reading(dataset_urn)
        found = (use_of(u, DataJobInputOutputClass.from_obj(v), dataset_urn)
                 for u, v in jobs.items())
        return [use for use in found if use is not None]

    @contextmanager
    def editing(self, command: str, wait_seconds: float = 0.0) -> Iterator[None]:
        lock = lock_path(self.path, "", self.path.parent)  # per catalog: the name is unused
        with run_lock(lock, wait_seconds=wait_seconds, command=command):
            yield

    def save_views(self, views: Sequence[ViewDefinition], tags: set[str]) -> list[str]:
        """Nothing to save: `catalog-sync assets --view ID` evaluates the definition itself."""
        return []

    # Ingestion -----------------------------------------------------------------------------

    def sink_config(self) -> dict[str, Any]:
        return lite_sink(self.path)

    def state_provider(self, pipeline_name: str) -> dict[str, Any]:
        return {"type": STATE_PROVIDER,
                "config": {"filename": str(state_file(self.path, pipeline_name))}}

    def stored_aspects(self) -> StoredAspects:
        return StoredAspects(self.path)

    def close(self) -> None:
        if self._reads is not None:
            self._reads.close()
            self._reads = None
