"""The bulk pg_catalog queries, one per kind of fact, and their typed rows.

Each query covers the whole database in one round trip and is ordered by relation oid, so the
introspection can merge the streams without holding them in memory. The relations queries take
one parameter, `:sizes`: false skips `pg_total_relation_size`, which on Greenplum asks every
segment for every table. PostgreSQL (12+), Greenplum 7
and Cloudberry share one set; Greenplum 6 (PostgreSQL 9.4 inside) gets its own, which knows no
`relispartition` and no `conparentid` and hides partitions through `pg_partition_rule`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from catalog_sync.sources.database.greenplum import Flavor

DATABASE_SQL = """
SELECT version() AS version,
       current_database() AS database,
       current_user AS username,
       shobj_description(d.oid, 'pg_database') AS comment
FROM pg_database d
WHERE d.datname = current_database()
"""

# System schemas of PostgreSQL, Greenplum and Cloudberry; `n` is the relation's pg_namespace.
_USER_SCHEMAS = r"""
      n.nspname NOT IN ('pg_catalog', 'information_schema', 'gp_toolkit', 'pg_aoseg',
                        'pg_bitmapindex', 'pg_ext_aux')
  AND n.nspname NOT LIKE 'pg\_toast%'
  AND n.nspname NOT LIKE 'pg\_temp\_%'
"""

_DATASET_KINDS = "c.relkind IN ('r', 'v', 'm', 'f', 'p')"

_RELATION_COLUMNS = """
SELECT c.oid AS oid,
       n.nspname::text AS schema_name,
       c.relname::text AS table_name,
       c.relkind::text AS kind,
       pg_get_userbyid(c.relowner)::text AS owner,
       d.description AS comment,
       sd.description AS schema_comment,
       c.reltuples::bigint AS estimated_rows,
       CASE WHEN :sizes AND c.relkind IN ('r', 'm')
            THEN pg_total_relation_size(c.oid) END AS size_bytes,
       CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END AS view_definition,
       has_schema_privilege(n.oid, 'USAGE')
         AND has_table_privilege(c.oid, 'SELECT') AS readable"""

_RELATION_JOINS = """
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_description d
  ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
LEFT JOIN pg_description sd
  ON sd.objoid = n.oid AND sd.classoid = 'pg_namespace'::regclass AND sd.objsubid = 0"""

# Partitioned tables roll their leaves up: size, rows and count come from pg_partition_tree.
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
WHERE {_DATASET_KINDS} AND NOT c.relispartition AND {_USER_SCHEMAS}
ORDER BY c.oid
"""

GP6_RELATIONS_SQL = f"""{_RELATION_COLUMNS},
       NULL::text AS partition_key,
       NULL::bigint AS partitions,
       NULL::bigint AS partition_bytes,
       NULL::bigint AS partition_rows
{_RELATION_JOINS}
WHERE {_DATASET_KINDS}
  AND NOT EXISTS (SELECT 1 FROM pg_partition_rule pr WHERE pr.parchildrelid = c.oid)
  AND {_USER_SCHEMAS}
ORDER BY c.oid
"""

_COLUMNS_SELECT = """
SELECT a.attrelid AS oid,
       a.attname::text AS name,
       format_type(a.atttypid, a.atttypmod) AS native_type,
       a.attnotnull AS not_null,
       pg_get_expr(ad.adbin, ad.adrelid) AS default_value,
       d.description AS comment,
       coalesce(a.attnum = ANY(pk.keys), false) AS partition_key
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_description d
  ON d.objoid = a.attrelid AND d.classoid = 'pg_class'::regclass AND d.objsubid = a.attnum"""

_COLUMNS_WHERE = "WHERE a.attnum > 0 AND NOT a.attisdropped AND"

COLUMNS_SQL = f"""{_COLUMNS_SELECT}
LEFT JOIN (SELECT partrelid, partattrs::int2[] AS keys FROM pg_partitioned_table) pk
  ON pk.partrelid = c.oid
{_COLUMNS_WHERE} {_DATASET_KINDS} AND NOT c.relispartition AND {_USER_SCHEMAS}
ORDER BY a.attrelid, a.attnum
"""

GP6_COLUMNS_SQL = f"""{_COLUMNS_SELECT}
LEFT JOIN (SELECT parrelid, paratts::int2[] AS keys FROM pg_partition
           WHERE parlevel = 0 AND NOT paristemplate) pk
  ON pk.parrelid = c.oid
{_COLUMNS_WHERE} {_DATASET_KINDS}
  AND NOT EXISTS (SELECT 1 FROM pg_partition_rule pr WHERE pr.parchildrelid = c.oid)
  AND {_USER_SCHEMAS}
ORDER BY a.attrelid, a.attnum
"""


def _key_names(keys: str, table: str) -> str:
    return f"""ARRAY(SELECT a.attname::text
             FROM unnest(con.{keys}) WITH ORDINALITY AS k(num, pos)
             JOIN pg_attribute a ON a.attrelid = con.{table} AND a.attnum = k.num
             ORDER BY k.pos)"""


_CONSTRAINTS_SELECT = f"""
SELECT con.conrelid AS oid,
       con.conname::text AS name,
       con.contype::text AS kind,
       {_key_names("conkey", "conrelid")} AS columns,
       tn.nspname::text AS target_schema,
       tc.relname::text AS target_table,
       {_key_names("confkey", "confrelid")} AS target_columns
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class tc ON tc.oid = con.confrelid
LEFT JOIN pg_namespace tn ON tn.oid = tc.relnamespace
WHERE con.contype IN ('p', 'f') AND {_USER_SCHEMAS}"""

# Constraints PostgreSQL clones onto partitions (conparentid <> 0) belong to the parent's.
CONSTRAINTS_SQL = f"""{_CONSTRAINTS_SELECT}
  AND con.conparentid = 0
ORDER BY con.conrelid, con.contype, con.conname
"""

GP6_CONSTRAINTS_SQL = f"""{_CONSTRAINTS_SELECT}
ORDER BY con.conrelid, con.contype, con.conname
"""


class DatabaseRow(NamedTuple):
    version: str
    database: str
    username: str
    comment: str | None


class RelationRow(NamedTuple):
    oid: int
    schema_name: str
    table_name: str
    kind: str
    owner: str | None
    comment: str | None
    schema_comment: str | None
    estimated_rows: int | None
    size_bytes: int | None
    view_definition: str | None
    readable: bool
    partition_key: str | None
    partitions: int | None
    partition_bytes: int | None
    partition_rows: int | None


class ColumnRow(NamedTuple):
    oid: int
    name: str
    native_type: str
    not_null: bool
    default_value: str | None
    comment: str | None
    partition_key: bool


class ConstraintRow(NamedTuple):
    oid: int
    name: str
    kind: str
    columns: list[str]
    target_schema: str | None
    target_table: str | None
    target_columns: list[str]


@dataclass(frozen=True, slots=True)
class QuerySet:
    """The three streams of one server flavor."""

    relations: str
    columns: str
    constraints: str


POSTGRES_QUERIES = QuerySet(RELATIONS_SQL, COLUMNS_SQL, CONSTRAINTS_SQL)
GP6_QUERIES = QuerySet(GP6_RELATIONS_SQL, GP6_COLUMNS_SQL, GP6_CONSTRAINTS_SQL)


def queries_for(flavor: Flavor) -> QuerySet:
    """GP6 has its own catalog for partitions; everything newer partitions the PostgreSQL way."""
    return GP6_QUERIES if flavor.legacy_partitions else POSTGRES_QUERIES
