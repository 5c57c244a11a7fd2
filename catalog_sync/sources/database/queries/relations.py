"""Schemas and relations: one row per schema, one per dataset (tables, partitioned tables,
views, materialized views, foreign tables), partitions left out and rolled into their root.

`:sizes` false skips `pg_total_relation_size`, which on Greenplum asks every segment for every
table. A relation is `readable` when the user may use its schema and select at least one of its
columns (a column-level grant is enough: the catalog's metadata needs no SELECT anyway).
"""

from __future__ import annotations

from typing import NamedTuple

from catalog_sync.sources.database.queries.common import (
    DATASET_KINDS,
    GP6_NOT_A_PARTITION,
    USER_SCHEMAS,
)

SCHEMAS_SQL = f"""
SELECT n.nspname::text AS name,
       d.description AS comment
FROM pg_namespace n
LEFT JOIN pg_description d
  ON d.objoid = n.oid AND d.classoid = 'pg_namespace'::regclass AND d.objsubid = 0
WHERE {USER_SCHEMAS}
ORDER BY n.nspname
"""

_RELATION_COLUMNS = """
SELECT c.oid AS oid,
       n.nspname::text AS schema_name,
       c.relname::text AS table_name,
       c.relkind::text AS kind,
       pg_get_userbyid(c.relowner)::text AS owner,
       d.description AS comment,
       c.reltuples::bigint AS estimated_rows,
       CASE WHEN :sizes AND c.relkind IN ('r', 'm')
            THEN pg_total_relation_size(c.oid) END AS size_bytes,
       CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END AS view_definition,
       has_schema_privilege(n.oid, 'USAGE')
         AND has_any_column_privilege(c.oid, 'SELECT') AS readable"""

_RELATION_JOINS = """
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_description d
  ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0"""

# A partitioned table rolls its leaves up (any depth): count, size and rows from the tree.
RELATIONS_SQL = f"""{_RELATION_COLUMNS},
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
       CASE WHEN c.relkind = 'p' THEN (
         SELECT count(*) FROM pg_partition_tree(c.oid) t WHERE t.isleaf) END AS partitions,
       CASE WHEN :sizes AND c.relkind = 'p' THEN (
         SELECT sum(pg_total_relation_size(t.relid))::bigint
         FROM pg_partition_tree(c.oid) t WHERE t.isleaf) END AS partition_bytes,
       CASE WHEN c.relkind = 'p' THEN (
         SELECT sum(greatest(pc.reltuples, 0))::bigint
         FROM pg_partition_tree(c.oid) t JOIN pg_class pc ON pc.oid = t.relid
         WHERE t.isleaf) END AS partition_rows
{_RELATION_JOINS}
WHERE {DATASET_KINDS} AND NOT c.relispartition AND {USER_SCHEMAS}
ORDER BY c.oid
"""

# GP6 partitions come from greenplum.GP6_PARTITIONS_SQL, merged by oid.
# GP6 external tables are relkind 'r' rows with a `pg_exttable` entry (GP7 and Cloudberry make
# them foreign tables): kind 'x', and no size (pg_total_relation_size says 0) or distribution
# policy, which they do not have.
_GP6_EXTERNAL = "EXISTS (SELECT 1 FROM pg_exttable x WHERE x.reloid = c.oid)"
_GP6_RELATION_COLUMNS = _RELATION_COLUMNS.replace(
    "c.relkind::text AS kind",
    f"CASE WHEN {_GP6_EXTERNAL} THEN 'x' ELSE c.relkind::text END AS kind",
).replace(
    "WHEN :sizes AND c.relkind IN ('r', 'm')",
    f"WHEN :sizes AND c.relkind IN ('r', 'm') AND NOT {_GP6_EXTERNAL}",
)

GP6_RELATIONS_SQL = f"""{_GP6_RELATION_COLUMNS},
       NULL::text AS partition_key,
       NULL::bigint AS partitions,
       NULL::bigint AS partition_bytes,
       NULL::bigint AS partition_rows
{_RELATION_JOINS}
WHERE {DATASET_KINDS} AND {GP6_NOT_A_PARTITION} AND {USER_SCHEMAS}
ORDER BY c.oid
"""


class SchemaRow(NamedTuple):
    name: str
    comment: str | None


class RelationRow(NamedTuple):
    oid: int
    schema_name: str
    table_name: str
    kind: str
    owner: str | None
    comment: str | None
    estimated_rows: int | None
    size_bytes: int | None
    view_definition: str | None
    readable: bool
    partition_key: str | None
    partitions: int | None
    partition_bytes: int | None
    partition_rows: int | None
