"""DataHub Lite's relationship index, rebuilt only when a run changed what it is built from.

DataHub Lite's `close()` deletes its whole edge index (`metadata_edge_v2`, what `datahub lite
ls` browses) and rebuilds it from every stored aspect, decoding each one: on every run, even
one that changed nothing. That is ~20 s at the end of a re-run of a 10,000-table database and
grows with the catalog. Lite writes an aspect whose content is unchanged by updating the latest
row's `lastObserved` only; any new or changed aspect inserts a row, and nothing an ingestion
does deletes one. So when the aspect table has as many rows at the end of a run as at its start,
and as many as when the index was last rebuilt (recorded beside the catalog, so a killed run or
a tag edit in between still leads to a rebuild), every aspect and so every edge is as it was:
the store is closed without the rebuild.
"""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from pathlib import Path

from datahub.ingestion.sink.datahub_lite import DataHubLiteSink
from datahub.lite.sql_backed_lite import SqlBackedLite

from catalog_sync.lite_file import open_readonly
from catalog_sync.sync.paths import index_marker

logger = logging.getLogger(__name__)


def aspect_rows(catalog: Path) -> int | None:
    """Rows in the aspect table (every version); None when the file or table is not there."""
    try:
        with closing(open_readonly(catalog)) as conn:
            return int(conn.execute("SELECT count(*) FROM metadata_aspect_v2").fetchone()[0])
    except sqlite3.Error:
        return None


def _indexed_rows(catalog: Path) -> int | None:
    try:
        return int(index_marker(catalog).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def rebuild_index_only_on_change(sink: DataHubLiteSink, catalog: Path) -> None:
    """Make `sink.close()` skip Lite's index rebuild when this run changed no aspect. Call it
    before the run writes anything."""
    lite = sink.datahub_lite
    if not isinstance(lite, SqlBackedLite):
        return
    at_start = aspect_rows(catalog)

    def close() -> None:
        now = aspect_rows(catalog)
        if now is not None and now == at_start == _indexed_rows(catalog):
            logger.info("no aspect changed: the relationship index is kept as it is")
            lite._close_connection()  # what Lite's close() does after its rebuild
            return
        index_marker(catalog).unlink(missing_ok=True)  # a rebuild killed midway leaves none
        lite.close()
        if now is not None:
            index_marker(catalog).parent.mkdir(parents=True, exist_ok=True)
            index_marker(catalog).write_text(str(now), encoding="utf-8")

    sink.close = close  # type: ignore[method-assign]
