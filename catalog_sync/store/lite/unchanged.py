"""Telling which datasets the embedded catalog already holds exactly as this run would write them.

Rewriting an unchanged dataset into DataHub Lite changes nothing but `lastObserved`, yet it costs
the whole trip through DataHub's pipeline (processors, Avro validation, one SQLite transaction per
aspect). Comparing against the stored version-0 aspects first, the same comparison DataHub Lite
makes before it writes, lets a re-run of an unchanged lake or database skip that trip. Only for
the embedded store: GMS would need a round trip per dataset, and a `file` sink has no prior state.

That comparison serialises every aspect with Avro (most of an unchanged 10,000-table re-run).
So once a dataset was found to match, a memo beside the catalog (`catalog.state/verified.sqlite`)
keeps a digest of what its aspects were built from (the asset, its tags, catalog-sync's code and
DataHub's version: `emission_key`) and of the stored rows. While both stay the same, the stored
aspects still are what this run would write: no serialisation needed.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.emitter.mcp_builder import mcps_from_mce
from datahub.emitter.serialization_helper import pre_json_transform
from datahub.ingestion.api.workunit import MetadataWorkUnit
from datahub.metadata.schema_classes import MetadataChangeEventClass

from catalog_sync.model import Asset
from catalog_sync.store.lite.sql import LiteFile
from catalog_sync.sync.paths import verified_file

# The memo is catalog-sync's own small SQLite file (not DataHub Lite's tables).
MEMO_SELECT_SQL = "SELECT urn, emission, stored FROM memo"
MEMO_CREATE_SQL = "CREATE TABLE IF NOT EXISTS memo (urn TEXT PRIMARY KEY, emission TEXT, stored TEXT)"
MEMO_UPSERT_SQL = "INSERT OR REPLACE INTO memo VALUES (?, ?, ?)"


def _proposals(units: Iterable[MetadataWorkUnit]) -> Iterable[MetadataChangeProposalWrapper | None]:
    for unit in units:
        record = unit.metadata
        if isinstance(record, MetadataChangeEventClass):
            yield from mcps_from_mce(record)
        elif isinstance(record, MetadataChangeProposalWrapper):
            yield record
        else:
            yield None  # anything else (a raw proposal) always counts as a change


@dataclass
class Stored:
    """An entity's latest stored aspects, as text: parsed only when compared."""

    rows: dict[str, str] = field(default_factory=dict)

    def aspect(self, name: str) -> Any:
        text = self.rows.get(name)
        return None if text is None else json.loads(text)

    def tags(self) -> list[dict[str, Any]]:
        """Its tag associations (the existing tags a run must keep)."""
        tags: list[dict[str, Any]] = (self.aspect("globalTags") or {}).get("tags", [])
        return tags

    @functools.cached_property
    def digest(self) -> str:
        h = hashlib.blake2b(digest_size=16)
        for name in sorted(self.rows):
            h.update(f"{name}\x00{self.rows[name]}\x00".encode())
        return h.hexdigest()


def emission_key(asset: Asset, *parts: object) -> str:
    """A digest of what a dataset's aspects are built from (the asset, then its tags and the
    code stamp in `parts`): equal keys build equal aspects. The asset's repr, with its one set
    (tags) sorted, since a set's order changes from process to process; a dict built in another
    order only costs a full comparison."""
    unordered = dataclasses.replace(asset, tags=frozenset())
    return hashlib.blake2b(
        repr((unordered, sorted(asset.tags), parts)).encode(), digest_size=16
    ).hexdigest()


class StoredAspects:
    """Read-only view of a DataHub Lite file (an entity's latest aspects, as stored), with the
    memo of datasets verified to match."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: LiteFile | None = None
        self._memo_path = verified_file(path)
        self._memo: dict[str, tuple[str, str]] | None = None
        self._verified: dict[str, tuple[str, str]] = {}

    def aspects(self, urn: str) -> Stored:
        if self._file is None:
            if not self.path.is_file():  # no run has written the catalog yet
                return Stored()
            self._file = LiteFile(self.path)
        return Stored(self._file.latest_aspects(urn))

    def _memos(self) -> dict[str, tuple[str, str]]:
        if self._memo is None:
            self._memo = {}
            try:
                uri = f"{self._memo_path.resolve().as_uri()}?mode=ro"
                with closing(sqlite3.connect(uri, uri=True)) as conn:
                    for urn, key, stored in conn.execute(MEMO_SELECT_SQL):
                        self._memo[urn] = (key, stored)
            except sqlite3.Error:  # none yet, or unusable: every dataset is compared in full
                pass
        return self._memo

    def known_unchanged(self, urn: str, key: str, stored: Stored) -> bool:
        """True when `urn` was verified with this emission key against these very rows."""
        memo = self._memos().get(urn)
        return memo is not None and memo == (key, stored.digest)

    def holds(self, urn: str, units: Sequence[MetadataWorkUnit], stored: Stored, key: str) -> bool:
        """True when every aspect in `units` is already `stored`, byte for byte (remembered
        under `key` for the next run)."""
        if not stored.rows:
            return False
        for proposal in _proposals(units):
            if proposal is None or proposal.entityUrn != urn or proposal.aspectName is None:
                return False
            # What Lite stores and compares: the aspect's JSON. Straight from the aspect, not
            # through `proposal.to_obj()`, which dumps it to a string inside a proposal,
            # validates that and parses it back (twice the cost for the same dict).
            wanted = pre_json_transform(proposal.aspect.to_obj()) if proposal.aspect else None
            if stored.aspect(proposal.aspectName) != wanted:
                return False
        self._verified[urn] = (key, stored.digest)
        return True

    def close(self) -> None:
        """Save what this run verified (the rest of the memo stays as it was)."""
        if self._file is not None:
            self._file.close()
            self._file = None
        if not self._verified:
            return
        try:
            self._memo_path.parent.mkdir(parents=True, exist_ok=True)
            with closing(sqlite3.connect(self._memo_path, timeout=10)) as conn, conn:
                conn.execute(MEMO_CREATE_SQL)
                conn.executemany(MEMO_UPSERT_SQL,
                                 [(u, k, d) for u, (k, d) in self._verified.items()])
        except (sqlite3.Error, OSError):  # only a speed-up: the next run compares in full
            pass
        self._verified = {}
