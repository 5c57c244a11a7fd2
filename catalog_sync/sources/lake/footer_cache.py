"""The footer cache: what each file's footer said, kept in SQLite so unchanged files are not read
again.

A file is unchanged when its location, size and modification time match (pyarrow's filesystems
give no ETag). A row holds the facts the rollup needs: rows, row groups, codecs, the schema as
Arrow IPC bytes and per-column statistics as tagged JSON (no pickle: the cache is data, never
code). Rows of files not seen by a completed scan of their root are pruned.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import logging
import sqlite3
import time
from pathlib import Path
from typing import Any

import pyarrow as pa

from catalog_sync.sources.lake.footer import ColumnStats, FileFooter
from catalog_sync.sources.lake.footer_stats import Nanoseconds

logger = logging.getLogger(__name__)

# size, mtime_ns, rows, row_groups, codecs, schema (IPC), stats (JSON), columns whose
# statistics could not be converted (comma-separated): one file's facts.
Encoded = tuple[int, int, int, int, str, bytes, str, str]
# Bumped whenever what a row means changes (say, which statistics are trusted): a cache of
# another version is emptied, so no run mixes old facts with new ones.
VERSION = 2

CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS footers (
    uri TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    rows INTEGER NOT NULL, row_groups INTEGER NOT NULL, codecs TEXT NOT NULL,
    schema BLOB NOT NULL, stats TEXT NOT NULL, unconverted TEXT NOT NULL, seen INTEGER NOT NULL
)"""
SELECT_PREFIX = """
SELECT uri, size, mtime_ns, rows, row_groups, codecs, schema, stats, unconverted
FROM footers WHERE uri >= ? AND uri < ?"""
UPSERT = "INSERT OR REPLACE INTO footers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
TOUCH = "UPDATE footers SET seen = ? WHERE uri = ?"
TOUCH_PREFIX = "UPDATE footers SET seen = ? WHERE uri >= ? AND uri < ?"
PRUNE_PREFIX = "DELETE FROM footers WHERE uri >= ? AND uri < ? AND seen < ?"
# A table's finished rollup, valid while the digest of its file list matches (see table_memo).
CREATE_MEMOS = """
CREATE TABLE IF NOT EXISTS tables (
    uri TEXT PRIMARY KEY, digest TEXT NOT NULL, rollup TEXT NOT NULL, seen INTEGER NOT NULL
)"""
SELECT_MEMO = "SELECT digest, rollup FROM tables WHERE uri = ?"
UPSERT_MEMO = "INSERT OR REPLACE INTO tables VALUES (?, ?, ?, ?)"
TOUCH_MEMO = "UPDATE tables SET seen = ? WHERE uri = ?"
PRUNE_MEMOS = "DELETE FROM tables WHERE (uri = ? OR (uri >= ? AND uri < ?)) AND seen < ?"

_MEMO_LIMIT = 4096


class Unencodable(TypeError):
    """A statistic of a type the cache does not hold: the file is simply not cached."""


def enc_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, bytes | bytearray):
        return ["x", bytes(value).hex()]
    if isinstance(value, decimal.Decimal):
        return ["n", str(value)]
    if isinstance(value, dt.datetime):
        return ["t", value.isoformat()]
    if isinstance(value, dt.date):
        return ["d", value.isoformat()]
    if isinstance(value, dt.time):
        return ["h", value.isoformat()]
    if isinstance(value, dt.timedelta):
        return ["u", value // dt.timedelta(microseconds=1)]
    if isinstance(value, Nanoseconds):
        return ["N", [value.value, value.zone, value.time_of_day]]
    raise Unencodable(type(value).__name__)


_DECODERS: dict[str, Any] = {
    "x": bytes.fromhex,
    "n": decimal.Decimal,
    "t": dt.datetime.fromisoformat,
    "d": dt.date.fromisoformat,
    "h": dt.time.fromisoformat,
    "u": lambda micros: dt.timedelta(microseconds=micros),
    "N": lambda fields: Nanoseconds(*fields),
}


def dec_value(value: Any) -> Any:
    return _DECODERS[value[0]](value[1]) if isinstance(value, list) else value


def _stats_json(stats: dict[str, ColumnStats]) -> str | None:
    # JSON's own types are written by json's C encoder; only the others (dates, decimals,
    # bytes: pyarrow statistics are scalars, never lists) go through `enc_value`.
    plain = {name: [s.null_count, s.min_value, s.max_value] for name, s in stats.items()}
    try:
        return json.dumps(plain, separators=(",", ":"), default=enc_value)
    except Unencodable:
        return None


def _schema(schema_bytes: bytes, schemas: dict[bytes, pa.Schema]) -> pa.Schema:
    """The schema of IPC bytes; `schemas` memoises schemas shared by many files."""
    schema = schemas.get(schema_bytes)
    if schema is None:
        if len(schemas) >= _MEMO_LIMIT:
            schemas.clear()
        schema = schemas[schema_bytes] = pa.ipc.read_schema(pa.py_buffer(schema_bytes))
    return schema


def encode(footer: FileFooter) -> Encoded | None:
    """The cache row of a footer, or None when a statistic cannot be stored faithfully."""
    return wire_row(to_wire(footer, for_cache=True))


def decode(path: str, row: Encoded, schemas: dict[bytes, pa.Schema]) -> FileFooter:
    """The footer a cache row stands for."""
    size, mtime_ns, rows, row_groups, codecs, schema_bytes, stats, unconverted = row
    return FileFooter(
        path=path, size=size, mtime_ns=mtime_ns, rows=rows, row_groups=row_groups,
        schema=_schema(schema_bytes, schemas),
        codecs=frozenset(codecs.split(",")) if codecs else frozenset(),
        stats={
            name: ColumnStats(nulls, dec_value(low), dec_value(high))
            for name, (nulls, low, high) in json.loads(stats).items()
        },
        unconverted=tuple(unconverted.split("\0")) if unconverted else (),
    )


# A footer as a worker process sends it back: plain values that pickle fast, the schema as IPC
# bytes (memoised on arrival), and the statistics as cache JSON when the cache wants them.
Wire = tuple[
    int, int, int, int, frozenset[str], bytes, dict[str, tuple[Any, ...]], tuple[str, ...],
    str | None,
]


def to_wire(footer: FileFooter, *, for_cache: bool) -> Wire:
    stats = {n: (s.null_count, s.min_value, s.max_value) for n, s in footer.stats.items()}
    return (
        footer.size, footer.mtime_ns, footer.rows, footer.row_groups, footer.codecs,
        footer.schema.serialize().to_pybytes(), stats, footer.unconverted,
        _stats_json(footer.stats) if for_cache else None,
    )


def from_wire(path: str, wire: Wire, schemas: dict[bytes, pa.Schema]) -> FileFooter:
    size, mtime_ns, rows, row_groups, codecs, schema_bytes, stats, unconverted, _ = wire
    return FileFooter(
        path=path, size=size, mtime_ns=mtime_ns, rows=rows, row_groups=row_groups,
        schema=_schema(schema_bytes, schemas), codecs=codecs,
        stats={name: ColumnStats(*values) for name, values in stats.items()},
        unconverted=unconverted,
    )


def wire_row(wire: Wire) -> Encoded | None:
    """The cache row of a footer read by a worker (None: not cacheable, or not asked for)."""
    size, mtime_ns, rows, row_groups, codecs, schema_bytes, _, unconverted, stats_json = wire
    if stats_json is None:
        return None
    return (size, mtime_ns, rows, row_groups, ",".join(sorted(codecs)), schema_bytes, stats_json,
            "\0".join(unconverted))


def _prefix_range(prefix: str) -> tuple[str, str]:
    """Every key under `prefix/`: from `prefix/` up to (not including) `prefix0`."""
    return f"{prefix}/", f"{prefix}0"


class FooterCache:
    """One SQLite file of footer facts; looked up one table folder at a time (memory stays flat)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.stamp = time.time_ns()
        self._db = sqlite3.connect(path, timeout=60, isolation_level=None)
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            if self._db.execute("PRAGMA user_version").fetchone()[0] != VERSION:
                with self._db:
                    self._db.execute("BEGIN")
                    self._db.execute("DROP TABLE IF EXISTS footers")
                    self._db.execute("DROP TABLE IF EXISTS tables")
                    self._db.execute(f"PRAGMA user_version = {VERSION}")
            self._db.execute(CREATE_TABLE)
            self._db.execute(CREATE_MEMOS)
        except sqlite3.Error:
            self._db.close()
            raise

    def table(self, prefix: str) -> dict[str, Encoded]:
        """Cached rows of the files under a table folder's URI, by file URI."""
        rows = self._db.execute(SELECT_PREFIX, _prefix_range(prefix))
        return {uri: tuple(rest) for uri, *rest in rows}

    def memo(self, table_uri: str) -> tuple[str, str] | None:
        """(digest, rollup JSON) kept for a table folder, if any."""
        row = self._db.execute(SELECT_MEMO, (table_uri,)).fetchone()
        return (row[0], row[1]) if row else None

    def save(self, fresh: list[tuple[str, Encoded]], unchanged: list[str],
             table: tuple[str, str, str | None]) -> None:
        """Store newly read footers, mark cache hits as seen by this run, and store the table's
        memo (`(uri, digest, rollup JSON)`; None: not memoised, the stale one is pruned)."""
        uri, digest, rollup = table
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany(UPSERT, [(u, *row, self.stamp) for u, row in fresh])
            self._db.executemany(TOUCH, [(self.stamp, u) for u in unchanged])
            if rollup is not None:
                self._db.execute(UPSERT_MEMO, (uri, digest, rollup, self.stamp))

    def keep_table(self, table_uri: str) -> None:
        """A table reused whole from its memo: its memo and every file row under it stay."""
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute(TOUCH_PREFIX, (self.stamp, *_prefix_range(table_uri)))
            self._db.execute(TOUCH_MEMO, (self.stamp, table_uri))

    def prune(self, root_prefix: str) -> int:
        """Forget files and tables under a root that this run's complete scan did not see."""
        with self._db:
            self._db.execute("BEGIN")
            low, high = _prefix_range(root_prefix)
            gone = self._db.execute(PRUNE_PREFIX, (low, high, self.stamp)).rowcount
            self._db.execute(PRUNE_MEMOS, (root_prefix, low, high, self.stamp))
        return int(gone)

    def close(self) -> None:
        self._db.close()
