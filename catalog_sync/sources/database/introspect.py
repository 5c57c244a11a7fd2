"""Reading one database's catalog with a fixed handful of bulk queries, streamed and merged.

Per database: the server query, the schemas, then one query each for relations, columns, keys
and view lineage (plus, on Greenplum, distribution policies and GP6 partitions), all ordered by
dataset oid and read through server-side cursors in one read-only snapshot. The streams advance
together, so each table's rows arrive together and are let go once it is emitted: memory stays
flat however large the database. Never a query per table.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

import sqlalchemy as sa

from catalog_sync.sources.database.flavor import Flavor, detect_flavor
from catalog_sync.sources.database.greenplum import (
    DISTRIBUTION_SQL,
    GP6_PARTITIONS_SQL,
    SEGMENTS_SQL,
    Distribution,
    LegacyPartitions,
)
from catalog_sync.sources.database.queries import (
    DATABASE_SQL,
    SCHEMAS_SQL,
    ColumnRow,
    DatabaseRow,
    KeyRow,
    LineageRow,
    RelationRow,
    SchemaRow,
    queries_for,
)

logger = logging.getLogger(__name__)

Row = TypeVar("Row", bound=NamedTuple)

STREAM_BATCH = 2000


@dataclass(frozen=True, slots=True)
class Server:
    """The database as a whole: who and what answered, and which catalog it keeps."""

    flavor: Flavor
    database: str
    username: str
    comment: str | None
    segments: int | None = None
    gp6_partitions: bool = False


@dataclass(slots=True)
class Table:
    """One dataset with everything the bulk queries said about it."""

    relation: RelationRow
    columns: list[ColumnRow] = field(default_factory=list)
    keys: list[KeyRow] = field(default_factory=list)
    lineage: list[LineageRow] = field(default_factory=list)
    distribution: str | None = None
    legacy_partitions: LegacyPartitions | None = None


def rows(conn: sa.Connection, sql: str, model: type[Row], **params: object) -> Iterator[Row]:
    """A query's rows as `model`s, fetched `STREAM_BATCH` at a time (server-side cursor)."""
    result = conn.execution_options(stream_results=True, yield_per=STREAM_BATCH).execute(
        sa.text(sql), params
    )
    for row in result:
        yield model(*row)


def read_server(conn: sa.Connection) -> Server:
    """Which server this is (from version()), which partition catalog it has, and on
    Greenplum how many primary segments."""
    row = DatabaseRow(*conn.execute(sa.text(DATABASE_SQL)).one())
    flavor = detect_flavor(row.version)
    segments = conn.execute(sa.text(SEGMENTS_SQL)).scalar() if flavor.is_greenplum else None
    logger.debug("server %s %s (PostgreSQL %s), GP6 partitions: %s", flavor.kind,
                 flavor.version, flavor.postgres_major, row.gp6_partitions)
    return Server(flavor, row.database, row.username, row.comment,
                  int(segments) if segments is not None else None, bool(row.gp6_partitions))


def read_schemas(conn: sa.Connection) -> Iterator[SchemaRow]:
    """Every user schema, empty or not, by name."""
    return rows(conn, SCHEMAS_SQL, SchemaRow)


class _Merge:
    """One oid-ordered stream, advanced to each relation in turn."""

    def __init__(self, stream: Iterator[Any]) -> None:
        self._groups = itertools.groupby(stream, key=lambda r: r.oid)
        self._head: tuple[int, Any] | None = next(self._groups, None)

    def take(self, oid: int) -> list[Any]:
        """The rows of `oid`, dropping groups of relations the relation stream does not hold."""
        while self._head is not None and self._head[0] < oid:
            self._head = next(self._groups, None)
        if self._head is not None and self._head[0] == oid:
            found = list(self._head[1])
            self._head = next(self._groups, None)
            return found
        return []


def _empty() -> Iterator[Any]:
    return iter(())


def read_tables(conn: sa.Connection, server: Server, *, sizes: bool = True) -> Iterator[Table]:
    """Every user dataset of the database with its columns, keys and lineage, in oid order;
    `sizes` asks for size on disk."""
    queries = queries_for(gp6_partitions=server.gp6_partitions)
    greenplum = server.flavor.is_greenplum
    distribution = _Merge(rows(conn, DISTRIBUTION_SQL, Distribution) if greenplum else _empty())
    legacy = _Merge(rows(conn, GP6_PARTITIONS_SQL, LegacyPartitions, sizes=sizes)
                    if server.gp6_partitions else _empty())
    columns = _Merge(rows(conn, queries.columns, ColumnRow))
    keys = _Merge(rows(conn, queries.keys, KeyRow))
    lineage = _Merge(rows(conn, queries.lineage, LineageRow))
    for relation in rows(conn, queries.relations, RelationRow, sizes=sizes):
        oid = relation.oid
        policy = distribution.take(oid)
        partitions = legacy.take(oid)
        yield Table(
            relation=relation,
            columns=columns.take(oid),
            keys=keys.take(oid),
            lineage=lineage.take(oid),
            distribution=policy[0].describe() if policy else None,
            legacy_partitions=partitions[0] if partitions else None,
        )
