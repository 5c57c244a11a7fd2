"""Telling which datasets the embedded catalog already holds exactly as this run would write them.

Rewriting an unchanged dataset into DataHub Lite changes nothing but `lastObserved`, yet it costs
the whole trip through DataHub's pipeline (processors, Avro validation, one SQLite transaction per
aspect). Comparing against the stored version-0 aspects first, the same comparison DataHub Lite
makes before it writes, lets a re-run of an unchanged lake or database skip that trip. Only for
the embedded store: GMS would need a round trip per dataset, and a `file` sink has no prior state.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.emitter.mcp_builder import mcps_from_mce
from datahub.ingestion.api.workunit import MetadataWorkUnit
from datahub.metadata.schema_classes import MetadataChangeEventClass

from catalog_sync.lite_file import open_readonly

_STORED = (
    "SELECT aspect_name, metadata FROM metadata_aspect_v2 WHERE urn = ? AND version = 0"
)


def _proposals(units: Iterable[MetadataWorkUnit]) -> Iterable[MetadataChangeProposalWrapper | None]:
    for unit in units:
        record = unit.metadata
        if isinstance(record, MetadataChangeEventClass):
            yield from mcps_from_mce(record)
        elif isinstance(record, MetadataChangeProposalWrapper):
            yield record
        else:
            yield None  # anything else (a raw proposal) always counts as a change


class StoredAspects:
    """Read-only view of a DataHub Lite file: an entity's latest aspects, as stored."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None

    def _connection(self) -> sqlite3.Connection | None:
        if self._conn is None and self.path.is_file():
            self._conn = open_readonly(self.path)
        return self._conn

    def aspects(self, urn: str) -> dict[str, Any]:
        conn = self._connection()
        if conn is None:
            return {}
        try:
            return {name: json.loads(meta) for name, meta in conn.execute(_STORED, (urn,))}
        except sqlite3.OperationalError:  # a fresh file has no tables yet
            return {}

    @staticmethod
    def holds(urn: str, units: Sequence[MetadataWorkUnit], stored: dict[str, Any]) -> bool:
        """True when every aspect in `units` is already `stored` (from `aspects(urn)`), byte for
        byte."""
        if not stored:
            return False
        for proposal in _proposals(units):
            if proposal is None or proposal.entityUrn != urn or proposal.aspectName is None:
                return False
            wanted = proposal.to_obj(simplified_structure=True)["aspect"]["json"]
            if stored.get(proposal.aspectName) != wanted:
                return False
        return True

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
