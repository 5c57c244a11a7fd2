"""The embedded catalog as an in-memory index (tag -> assets), rebuilt when the file changes.

Reading the DataHub Lite SQLite file per request means a JSON scan of every `globalTags` row
(what `datahub lite serve` does). Here the file is read once with a few bulk queries
(`lite_reader.read_entries`) into a URN-ordered list plus a tag index; every call first compares
the file's (and its WAL's) mtime and size with those of the last build, so an ingestion that
finishes is visible on the next request without a restart.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from catalog_sync.catalog.lite_reader import CatalogEntry, connect_readonly, read_entries
from catalog_sync.catalog.query import AssetPage, AssetQuery, TagCount, page_of
from catalog_sync.errors import CatalogUnavailableError

logger = logging.getLogger(__name__)

Signature = tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class _Index:
    signature: Signature
    entries: list[CatalogEntry]
    by_urn: dict[str, CatalogEntry]
    by_tag: dict[str, list[CatalogEntry]]
    counts: list[TagCount]


def _build(path: Path, signature: Signature) -> _Index:
    entries = list(read_entries(path))
    by_tag: dict[str, list[CatalogEntry]] = defaultdict(list)
    for entry in entries:
        for tag in entry.tags:
            by_tag[tag].append(entry)
    counts = [TagCount(name=t, count=len(by_tag[t])) for t in sorted(by_tag)]
    return _Index(signature, entries, {e.urn: e for e in entries}, dict(by_tag), counts)


class LiteCatalog:
    """`CatalogReader` over the embedded DataHub Lite file."""

    kind = "lite"
    in_memory = True

    def __init__(self, path: Path) -> None:
        self.path = path
        self._index: _Index | None = None
        self._lock = threading.Lock()

    def _signature(self) -> Signature:
        stats = []
        for candidate in (self.path, self.path.with_name(self.path.name + "-wal")):
            try:
                st = os.stat(candidate)
            except FileNotFoundError:
                if candidate == self.path:
                    raise CatalogUnavailableError(
                        str(self.path), "file not found (run `catalog-sync ingest` first)"
                    ) from None
                continue
            stats.append((st.st_mtime_ns, st.st_size))
        return tuple(stats)

    def index(self) -> _Index:
        """The current index; rebuilt (once, under a lock) when the file has changed."""
        signature = self._signature()
        current = self._index
        if current is not None and current.signature == signature:
            return current
        with self._lock:
            current = self._index
            if current is None or current.signature != signature:
                try:
                    current = _build(self.path, signature)
                except CatalogUnavailableError as err:
                    logger.error("catalog unavailable: %s", err)
                    self._index = None
                    raise
                logger.info("catalog index built: %s entries from %s",
                            len(current.entries), self.path)
                self._index = current
        return current

    @property
    def generation(self) -> Signature:
        """Changes whenever the index is rebuilt; callers key their caches on it."""
        return self.index().signature

    def search(self, query: AssetQuery) -> AssetPage:
        index = self.index()
        candidates = index.entries
        if query.all_tags:
            lists = [index.by_tag.get(t, []) for t in query.all_tags]
            candidates = min(lists, key=len)
        return page_of(candidates, query)

    def get(self, urn: str) -> CatalogEntry | None:
        return self.index().by_urn.get(urn)

    def tag_counts(self) -> list[TagCount]:
        return self.index().counts

    def check(self) -> None:
        connect_readonly(self.path).close()
        self.index()
