"""Every SQL statement catalog-sync runs on DataHub Lite's SQLite tables, and the layout check.

DataHub Lite keeps each aspect as a JSON row in `metadata_aspect_v2` (version 0 is the latest)
and its browse edges in `metadata_edge_v2`. That layout is DataHub Lite's, not a published API,
so it is read in this one module only, and every connection first checks the columns it
expects: a DataHub release that changes them gets one clear error naming the version, never a
wrong answer. Writes never come here: they go through DataHub Lite itself.

Kept free of DataHub imports: the unchanged-run check (catalog_sync.sync.fingerprint) reads the
catalog before it decides whether DataHub is needed at all.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any, Self

from catalog_sync.errors import CatalogLayoutError, CatalogUnavailableError

logger = logging.getLogger(__name__)

# What DataHub Lite (acryl-datahub 1.7, `SqlBackedLite._init_db`) creates.
LAYOUT = {
    "metadata_aspect_v2": ("urn", "aspect_name", "version", "metadata", "system_metadata",
                           "createdon"),
    "metadata_edge_v2": ("src_id", "relnship", "dst_id", "dst_label"),
}
ENTRY_ASPECTS = (
    "datasetProperties", "containerProperties", "globalTags", "subTypes", "status",
    "schemaMetadata", "container", "dataPlatformInstance",
)
_MARKS_PER_QUERY = 500

TABLE_COLUMNS_SQL = "SELECT name FROM pragma_table_info(?)"
TABLES_SQL = "SELECT name FROM sqlite_master WHERE type = 'table'"
ENTRIES_SQL = (
    "SELECT urn, aspect_name, metadata FROM metadata_aspect_v2 WHERE version = 0 "
    "AND aspect_name IN ({marks}) AND (urn LIKE 'urn:li:dataset:%' OR "
    "urn LIKE 'urn:li:container:%') ORDER BY urn"
)
ASPECT_OF_URNS_SQL = (
    "SELECT urn, metadata FROM metadata_aspect_v2 WHERE aspect_name = ? AND version = 0 "
    "AND urn IN ({marks})"
)
LATEST_ASPECTS_SQL = (
    "SELECT aspect_name, metadata FROM metadata_aspect_v2 WHERE urn = ? AND version = 0"
)
# The jobs whose inputs name a dataset (a usage lookup; `instr`, not LIKE: URNs hold `_`). The
# dataJob URNs are a range of the (urn, aspect_name, version) index (';' follows ':'), so the
# lookup reads the jobs' rows only, not the whole table (a LIKE prefix cannot use the index).
JOBS_READING_SQL = (
    "SELECT urn, metadata FROM metadata_aspect_v2 WHERE urn >= 'urn:li:dataJob:' "
    "AND urn < 'urn:li:dataJob;' AND aspect_name = 'dataJobInputOutput' AND version = 0 "
    "AND instr(metadata, ?) > 0 ORDER BY urn"
)
LINEAGE_SQL = (
    "SELECT urn, metadata FROM metadata_aspect_v2 WHERE aspect_name = 'upstreamLineage' "
    "AND version = 0 ORDER BY urn"
)
ENTITY_EXISTS_SQL = "SELECT 1 FROM metadata_aspect_v2 WHERE urn = ? AND version = 0 LIMIT 1"
COUNT_ENTITIES_SQL = "SELECT COUNT(DISTINCT urn) FROM metadata_aspect_v2 WHERE version = 0"
COUNT_ROWS_SQL = "SELECT count(*) FROM metadata_aspect_v2"
DIGEST_SQL = (
    "SELECT urn, aspect_name, metadata FROM metadata_aspect_v2 "
    "WHERE version = 0 AND urn IN ({marks}) ORDER BY urn, aspect_name"
)
CHECKPOINT_SQL = "PRAGMA wal_checkpoint(TRUNCATE)"


def _datahub_version() -> str:
    try:
        return importlib.metadata.version("acryl-datahub")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def check_layout(conn: sqlite3.Connection, location: str) -> bool:
    """True when the file holds DataHub Lite's tables as expected, False when it holds none yet
    (a catalog no run has written). Any other layout raises CatalogLayoutError."""
    tables = {row[0] for row in conn.execute(TABLES_SQL)}
    if not tables & set(LAYOUT):
        return False
    for table, expected in LAYOUT.items():
        columns = {row[0] for row in conn.execute(TABLE_COLUMNS_SQL, (table,))}
        missing = [c for c in expected if c not in columns]
        if missing:
            raise CatalogLayoutError(location, f"{table}.{missing[0]}", _datahub_version())
    return True


class LiteFile:
    """A read-only connection to a DataHub Lite file, its layout checked once on open.

    It never creates or alters the file. A missing or non-SQLite file raises
    CatalogUnavailableError; reads of a file with no tables yet find nothing.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.is_file():
            raise CatalogUnavailableError(
                str(path), "file not found (run `catalog-sync ingest` first)")
        try:
            self.conn = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
            self.ready = check_layout(self.conn, str(path))
        except sqlite3.DatabaseError as err:
            raise CatalogUnavailableError(str(path), str(err)) from err

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        if not self.ready:
            return []
        try:
            return self.conn.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as err:
            raise CatalogUnavailableError(str(self.path), str(err)) from err

    def entry_rows(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """(urn, {aspect name: JSON}) of every dataset and container, in URN order."""
        if not self.ready:
            return
        marks = ",".join("?" * len(ENTRY_ASPECTS))
        current: str | None = None
        aspects: dict[str, Any] = {}
        try:
            for urn, name, metadata in self.conn.execute(
                ENTRIES_SQL.format(marks=marks), ENTRY_ASPECTS
            ):
                if urn != current:
                    if current is not None:
                        yield current, aspects
                    current, aspects = urn, {}
                aspects[name] = json.loads(metadata)
        except sqlite3.DatabaseError as err:
            raise CatalogUnavailableError(str(self.path), str(err)) from err
        if current is not None:
            yield current, aspects

    def aspect_of(self, aspect_name: str, urns: Sequence[str]) -> dict[str, Any]:
        """URN -> the latest `aspect_name` (JSON) of each of `urns` that has one."""
        found: dict[str, Any] = {}
        for start in range(0, len(urns), _MARKS_PER_QUERY):
            chunk = list(urns[start: start + _MARKS_PER_QUERY])
            sql = ASPECT_OF_URNS_SQL.format(marks=",".join("?" * len(chunk)))
            found.update((u, json.loads(m)) for u, m in self._rows(sql, [aspect_name, *chunk]))
        return found

    def latest_aspects(self, urn: str) -> dict[str, str]:
        """Aspect name -> stored JSON text of `urn`'s latest aspects (unparsed)."""
        return {name: text for name, text in self._rows(LATEST_ASPECTS_SQL, (urn,))}

    def jobs_reading(self, dataset_urn: str) -> dict[str, Any]:
        """Job URN -> its dataJobInputOutput (JSON), for the jobs whose inputs name it."""
        return {u: json.loads(m) for u, m in self._rows(JOBS_READING_SQL, (dataset_urn,))}

    def downstreams_by_upstream(self) -> dict[str, list[str]]:
        """Upstream URN -> the URNs whose latest `upstreamLineage` names it, in URN order: the
        whole lineage reversed in one read (the table has no index on aspect names)."""
        reverse: dict[str, list[str]] = {}
        for downstream, text in self._rows(LINEAGE_SQL):
            for upstream in json.loads(text).get("upstreams") or []:
                found = reverse.setdefault(upstream.get("dataset", ""), [])
                if not found or found[-1] != downstream:
                    found.append(downstream)
        return reverse

    def exists(self, urn: str) -> bool:
        return bool(self._rows(ENTITY_EXISTS_SQL, (urn,)))

    def entity_count(self) -> int:
        rows = self._rows(COUNT_ENTITIES_SQL)
        return int(rows[0][0]) if rows else 0

    def aspect_rows(self) -> int:
        """Rows in the aspect table, every version: grows with every new or changed aspect."""
        rows = self._rows(COUNT_ROWS_SQL)
        return int(rows[0][0]) if rows else 0

    def digest(self, urns: Sequence[str]) -> str:
        """A digest of the latest stored aspects (name and content) of `urns`."""
        h = hashlib.blake2b(digest_size=32)
        rows = 0
        for start in range(0, len(urns), _MARKS_PER_QUERY):
            chunk = list(urns[start: start + _MARKS_PER_QUERY])
            for urn, aspect, metadata in self._rows(
                DIGEST_SQL.format(marks=",".join("?" * len(chunk))), chunk
            ):
                h.update(f"\x00{urn}\x00{aspect}\x00{metadata}".encode())
                rows += 1
        return f"{rows}:{h.hexdigest()}"


def aspect_rows(path: Path) -> int | None:
    """Rows in the aspect table of `path`; None when the file cannot be read."""
    try:
        with LiteFile(path) as lite:
            return lite.aspect_rows()
    except CatalogUnavailableError:
        return None


def catalog_digest(path: Path, urns: Sequence[str]) -> str:
    """`LiteFile.digest` of a file; "" when it cannot be read (never equal to a recorded one)."""
    try:
        with LiteFile(path) as lite:
            return lite.digest(urns)
    except CatalogUnavailableError as err:
        logger.debug("%s", err)
        return ""


def checkpoint(path: Path) -> None:
    """Fold the write-ahead log into the catalog file, so the file alone is the whole catalog."""
    if not path.is_file():
        return
    try:
        with closing(sqlite3.connect(path, timeout=10)) as conn:
            conn.execute(CHECKPOINT_SQL)
    except sqlite3.Error as err:  # a reader mid-snapshot: the next run checkpoints instead
        logger.warning("catalog checkpoint of %s postponed: %s", path, err)
