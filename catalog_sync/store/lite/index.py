"""The embedded catalog as an in-memory index (tag -> entries), rebuilt when the file changes.

Reading the DataHub Lite file per request means a JSON scan of every `globalTags` row (what
`datahub lite serve` does). Here the file is read once into a URN-ordered list plus a tag index;
every call first compares the file's (and its WAL's) mtime and size with those of the last
build, so an ingestion that finishes is visible on the next request without a restart.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from catalog_sync.errors import CatalogUnavailableError
from catalog_sync.store.entries import entry_from_aspects
from catalog_sync.store.lite.sql import LiteFile
from catalog_sync.store.model import CatalogEntry, TagCount

logger = logging.getLogger(__name__)

Signature = tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class Index:
    """One build: live entries in URN order, by URN and by tag, and the tag counts."""

    signature: Signature
    entries: list[CatalogEntry]
    by_urn: dict[str, CatalogEntry]
    by_tag: dict[str, list[CatalogEntry]]
    counts: list[TagCount]


def read_entries(path: Path, include_removed: bool = False) -> list[CatalogEntry]:
    """Every dataset and container in the file, in URN order (soft-deleted ones on request)."""
    with LiteFile(path) as lite:
        if not lite.ready:  # an empty file: nothing ingested yet, or one being rewritten
            raise CatalogUnavailableError(
                str(path), "holds no DataHub Lite tables (run `catalog-sync ingest` first)")
        entries = [entry_from_aspects(urn, aspects) for urn, aspects in lite.entry_rows()]
    return [e for e in entries if include_removed or not e.removed]


def build_index(path: Path, signature: Signature) -> Index:
    entries = read_entries(path)
    by_tag: dict[str, list[CatalogEntry]] = defaultdict(list)
    for entry in entries:
        for tag in entry.tags:
            by_tag[tag].append(entry)
    counts = [TagCount(name=t, count=len(by_tag[t])) for t in sorted(by_tag)]
    return Index(signature, entries, {e.urn: e for e in entries}, dict(by_tag), counts)


class LiteIndex:
    """The index of one file. The first read builds it synchronously (CatalogUnavailableError
    if the file is missing or unreadable). Later changes are picked up by a background rebuild
    while requests keep the last good index, so an ingestion writing the file never stalls or
    fails readers; a failed rebuild is logged and retried on a later request."""

    def __init__(self, path: Path, *, min_interval: float = 0.5) -> None:
        self.path = path
        self.min_interval = min_interval
        self._index: Index | None = None
        self._lock = threading.Lock()
        self._refreshing = False
        self._last_attempt = 0.0

    def signature(self) -> Signature | None:
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

    def _build_logged(self, signature: Signature | None) -> Index:
        if signature is None:
            raise CatalogUnavailableError(
                str(self.path), "file not found (run `catalog-sync ingest` first)")
        started = time.monotonic()
        index = build_index(self.path, signature)
        logger.info("catalog index built: %s entries from %s in %.2fs",
                    len(index.entries), self.path, time.monotonic() - started)
        return index

    def current(self) -> Index:
        """The current index; the first build is synchronous, later ones in the background."""
        signature = self.signature()
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
            self._index = self._build_logged(self.signature())
        except Exception as err:  # noqa: BLE001 - a thread must not die silently
            logger.error("%s; still serving the index built before", err)
        finally:
            with self._lock:
                self._refreshing = False
