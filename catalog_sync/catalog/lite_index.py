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
import time
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
    """`CatalogReader` over the embedded DataHub Lite file.

    The first read builds the index synchronously (and fails with CatalogUnavailableError if
    the file is missing or corrupt). Later changes are picked up by a background rebuild while
    requests keep the last good index, so an ingestion writing the file never stalls or fails
    readers; a failed rebuild is logged and retried on a later request.
    """

    kind = "lite"
    in_memory = True

    def __init__(self, path: Path, *, min_interval: float = 0.5) -> None:
        self.path = path
        self.min_interval = min_interval
        self._index: _Index | None = None
        self._lock = threading.Lock()
        self._refreshing = False
        self._last_attempt = 0.0

    def _signature(self) -> Signature | None:
        """(mtime, size) of the file and its WAL; None when the file is missing."""
        stats = []
        for candidate in (self.path, self.path.with_name(self.path.name + "-wal")):
            try:
                st = os.stat(candidate)
            except FileNotFoundError:
                if candidate == self.path:
                    return None
                continue
            stats.append((st.st_mtime_ns, st.st_size))
        return tuple(stats)

    def _build_logged(self, signature: Signature | None) -> _Index:
        if signature is None:
            raise CatalogUnavailableError(
                str(self.path), "file not found (run `catalog-sync ingest` first)")
        started = time.monotonic()
        index = _build(self.path, signature)
        logger.info("catalog index built: %s entries from %s in %.2fs",
                    len(index.entries), self.path, time.monotonic() - started)
        return index

    def index(self) -> _Index:
        """The current index; the first build is synchronous, later ones in the background."""
        signature = self._signature()
        current = self._index
        if current is not None and current.signature == signature:
            return current
        if current is None:
            with self._lock:
                if self._index is None or self._index.signature != signature:
                    try:
                        self._index = self._build_logged(signature)
                    except CatalogUnavailableError as err:
                        logger.error("%s", err)
                        raise
                return self._index
        self._refresh_in_background()
        return current

    def _refresh_in_background(self) -> None:
        with self._lock:
            now = time.monotonic()
            if self._refreshing or now - self._last_attempt < self.min_interval:
                return
            self._refreshing, self._last_attempt = True, now
        threading.Thread(target=self._refresh, name="catalog-index", daemon=True).start()

    def _refresh(self) -> None:
        try:
            self._index = self._build_logged(self._signature())
        except Exception as err:  # noqa: BLE001 - a thread must not die silently
            logger.error("%s; still serving the index built before", err)
        finally:
            with self._lock:
                self._refreshing = False

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
