"""The bulk pg_catalog queries, one per kind of fact, and their typed rows.

Each query covers the whole database in one round trip; the per-dataset ones are ordered by
dataset oid so the introspection merges them as they stream, never holding a database in
memory. PostgreSQL 12+, Greenplum 7 and Cloudberry share one set; Greenplum 6 (PostgreSQL 9.4
inside: no `relispartition`, `conparentid`, `pg_partition_root`, generated or identity columns)
gets its own, chosen because its catalog has `pg_partition_rule`.
"""

from __future__ import annotations

from dataclasses import dataclass

from catalog_sync.sources.database.queries.columns import (
    COLUMNS_SQL,
    GP6_COLUMNS_SQL,
    ColumnRow,
)
from catalog_sync.sources.database.queries.common import DATABASE_SQL, DatabaseRow
from catalog_sync.sources.database.queries.keys import GP6_KEYS_SQL, KEYS_SQL, KeyRow
from catalog_sync.sources.database.queries.lineage import GP6_LINEAGE_SQL, LINEAGE_SQL, LineageRow
from catalog_sync.sources.database.queries.relations import (
    GP6_RELATIONS_SQL,
    RELATIONS_SQL,
    SCHEMAS_SQL,
    RelationRow,
    SchemaRow,
)


@dataclass(frozen=True, slots=True)
class QuerySet:
    """The per-dataset streams of one catalog generation."""

    relations: str
    columns: str
    keys: str
    lineage: str


POSTGRES_QUERIES = QuerySet(RELATIONS_SQL, COLUMNS_SQL, KEYS_SQL, LINEAGE_SQL)
GP6_QUERIES = QuerySet(GP6_RELATIONS_SQL, GP6_COLUMNS_SQL, GP6_KEYS_SQL, GP6_LINEAGE_SQL)


def queries_for(*, gp6_partitions: bool) -> QuerySet:
    """GP6's catalog (it has `pg_partition_rule`) or PostgreSQL's."""
    return GP6_QUERIES if gp6_partitions else POSTGRES_QUERIES


__all__ = [
    "DATABASE_SQL",
    "GP6_QUERIES",
    "POSTGRES_QUERIES",
    "SCHEMAS_SQL",
    "ColumnRow",
    "DatabaseRow",
    "KeyRow",
    "LineageRow",
    "QuerySet",
    "RelationRow",
    "SchemaRow",
    "queries_for",
]
