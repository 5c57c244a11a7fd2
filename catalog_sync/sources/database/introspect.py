"""Reading one database's catalog with a fixed handful of bulk queries, streamed and merged.

Per database: the server query, one query each for relations, columns and keys (all ordered by
relation oid, read through server-side cursors in one read-only snapshot), and on Greenplum the
segment count, distribution policies and (GP6) partitions. Never a query per table, and never the
whole catalog in memory: relations are merged with their columns and keys as the streams go by.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

import sqlalchemy as sa

from catalog_sync.sources.database.greenplum import (
    DISTRIBUTION_SQL,
    GP6_PARTITIONS_SQL,
    SEGMENTS_SQL,
    Distribution,
    Flavor,
    LegacyPartitions,
    detect_flavor,
)
from catalog_sync.sources.database.queries import (
    DATABASE_SQL,
    ColumnRow,
    ConstraintRow,
    DatabaseRow,
    QuerySet,
    RelationRow,
    queries_for,
)

logger = logging.getLogger(__name__)

Row = TypeVar("Row", bound=NamedTuple)

STREAM_BATCH = 2000


@dataclass(frozen=True, slots=True)
class Server:
    """The database as a whole: who and what answered."""

    flavor: Flavor
    database: str
    username: str
    comment: str | None
    segments: int | None = None


@dataclass(slots=True)
class Table:
    """One relation with everything the bulk queries said about it."""

    relation: RelationRow
    columns: list[ColumnRow] = field(default_factory=list)
    constraints: list[ConstraintRow] = field(default_factory=list)
    distribution: str | None = None
    legacy_partitions: LegacyPartitions | None = None


def _rows(conn: sa.Connection, sql: str, model: type[Row], **params: object) -> Iterator[Row]:
    result = conn.execution_options(stream_results=True, yield_per=STREAM_BATCH).execute(
        sa.text(sql), params
    )
    for row in result:
        yield model(*row)


def read_server(conn: sa.Connection) -> Server:
    """Which server this is (from version()) and, on Greenplum, how many primary segments."""
    row = DatabaseRow(*conn.execute(sa.text(DATABASE_SQL)).one())
    flavor = detect_flavor(row.version)
    segments = conn.execute(sa.text(SEGMENTS_SQL)).scalar() if flavor.is_greenplum else None
    logger.debug("server %s %s (PostgreSQL %s)", flavor.kind, flavor.version,
                 flavor.postgres_major)
    return Server(flavor, row.database, row.username, row.comment,
                  int(segments) if segments is not None else None)


def _by_oid(rows: Iterator[Any]) -> Iterator[tuple[int, list[Any]]]:
    for oid, group in itertools.groupby(rows, key=lambda r: r.oid):
        yield oid, list(group)


class _Cursor:
    """A stream of (oid, rows) groups that can be advanced to a given oid."""

    def __init__(self, groups: Iterator[tuple[int, list[Any]]]) -> None:
        self._groups = groups
        self._head: tuple[int, list[Any]] | None = next(groups, None)

    def take(self, oid: int) -> list[Any]:
        """The rows of `oid`, dropping groups of relations the relation stream skipped."""
        while self._head is not None and self._head[0] < oid:
            self._head = next(self._groups, None)
        if self._head is not None and self._head[0] == oid:
            rows = self._head[1]
            self._head = next(self._groups, None)
            return rows
        return []


def read_tables(conn: sa.Connection, server: Server, *, sizes: bool = True) -> Iterator[Table]:
    """Every user relation of the database, merged with its columns and keys, in oid order;
    `sizes` asks for size on disk."""
    queries: QuerySet = queries_for(server.flavor)
    distribution: dict[int, str] = {}
    legacy: dict[tuple[str, str], LegacyPartitions] = {}
    if server.flavor.is_greenplum:
        distribution = {
            d.oid: d.describe() for d in _rows(conn, DISTRIBUTION_SQL, Distribution)
        }
    if server.flavor.legacy_partitions:
        legacy = {
            (p.schema_name, p.table_name): p
            for p in _rows(conn, GP6_PARTITIONS_SQL, LegacyPartitions, sizes=sizes)
        }
    columns = _Cursor(_by_oid(_rows(conn, queries.columns, ColumnRow)))
    constraints = _Cursor(_by_oid(_rows(conn, queries.constraints, ConstraintRow)))
    for relation in _rows(conn, queries.relations, RelationRow, sizes=sizes):
        yield Table(
            relation=relation,
            columns=columns.take(relation.oid),
            constraints=constraints.take(relation.oid),
            distribution=distribution.get(relation.oid),
            legacy_partitions=legacy.get((relation.schema_name, relation.table_name)),
        )
