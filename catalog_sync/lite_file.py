"""The embedded catalog's file (DataHub Lite on SQLite), at the level of SQLite alone.

Kept free of DataHub imports: `catalog-sync ingest` checks an unchanged run's inputs against the
catalog before it decides whether DataHub's pipeline is needed at all (catalog_sync.sync.fingerprint).
"""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from pathlib import Path

logger = logging.getLogger(__name__)


def open_readonly(path: Path) -> sqlite3.Connection:
    """A plain read-only connection to a DataHub Lite file: it never creates or alters it."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)


def checkpoint_catalog(catalog: Path) -> None:
    """Fold the write-ahead log into the catalog file, so the file alone is the whole catalog."""
    if not catalog.is_file():
        return
    try:
        with closing(sqlite3.connect(catalog, timeout=10)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error as err:  # a reader mid-snapshot: the next run checkpoints instead
        logger.warning("catalog checkpoint of %s postponed: %s", catalog, err)
