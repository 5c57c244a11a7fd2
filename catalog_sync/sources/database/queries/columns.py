"""Columns of every dataset, in (relation oid, attnum) order, with what their types are made of.

A column's type is resolved through its domain chain: the base type gives the native type and
the type family (`typtype`, `typcategory`, the catalog's own classification, so an enum or a
range is known as one whatever it is called), and a NOT NULL anywhere on the chain makes the
column non-nullable. Generated and identity columns say so instead of showing a default.
"""

from __future__ import annotations

from typing import NamedTuple

from catalog_sync.sources.database.queries.common import (
    DATASET_KINDS,
    GP6_NOT_A_PARTITION,
    USER_SCHEMAS,
)

# Each domain -> its first non-domain base, the innermost type modifier, NOT NULL on the way.
_DOMAINS = """
WITH RECURSIVE domain_chain AS (
    SELECT t.oid AS domain_oid, t.typbasetype AS base_oid, t.typtypmod AS base_typmod,
           t.typnotnull AS not_null
    FROM pg_type t
    WHERE t.typtype = 'd'
  UNION ALL
    SELECT dc.domain_oid, b.typbasetype,
           CASE WHEN dc.base_typmod <> -1 THEN dc.base_typmod ELSE b.typtypmod END,
           dc.not_null OR b.typnotnull
    FROM domain_chain dc
    JOIN pg_type b ON b.oid = dc.base_oid AND b.typtype = 'd'
),
domains AS (
    SELECT dc.* FROM domain_chain dc
    JOIN pg_type b ON b.oid = dc.base_oid
    WHERE b.typtype <> 'd'
)"""


def _select(generated: str) -> str:
    return f"""{_DOMAINS}
SELECT a.attrelid AS oid,
       a.attname::text AS name,
       format_type(coalesce(dom.base_oid, a.atttypid),
                   CASE WHEN dom.domain_oid IS NULL THEN a.atttypmod ELSE dom.base_typmod END
                  ) AS native_type,
       bt.typtype::text AS type_kind,
       bt.typcategory::text AS type_category,
       bt.typname::text AS type_name,
       CASE WHEN bt.typcategory = 'A' THEN format_type(bt.typelem, NULL) END AS element_type,
       a.attnotnull OR coalesce(dom.not_null, false) AS not_null,
       {generated},
       CASE WHEN dom.domain_oid IS NOT NULL THEN format_type(a.atttypid, NULL) END AS domain,
       CASE WHEN bt.typtype = 'e' THEN ARRAY(
         SELECT e.enumlabel::text FROM pg_enum e
         WHERE e.enumtypid = bt.oid ORDER BY e.enumsortorder) END AS enum_labels,
       d.description AS comment,
       coalesce(a.attnum = ANY(pk.keys), false) AS partition_key
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN domains dom ON dom.domain_oid = a.atttypid
JOIN pg_type bt ON bt.oid = coalesce(dom.base_oid, a.atttypid)
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_description d
  ON d.objoid = a.attrelid AND d.classoid = 'pg_class'::regclass AND d.objsubid = a.attnum"""


_WHERE = "WHERE a.attnum > 0 AND NOT a.attisdropped AND"

COLUMNS_SQL = f"""{_select('''CASE WHEN a.attgenerated <> 's'
            THEN pg_get_expr(ad.adbin, ad.adrelid) END AS default_value,
       CASE WHEN a.attgenerated = 's'
            THEN pg_get_expr(ad.adbin, ad.adrelid) END AS generated,
       CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by default' END AS identity''')}
LEFT JOIN (SELECT partrelid, partattrs::int2[] AS keys FROM pg_partitioned_table) pk
  ON pk.partrelid = c.oid
{_WHERE} {DATASET_KINDS} AND NOT c.relispartition AND {USER_SCHEMAS}
ORDER BY a.attrelid, a.attnum
"""

# PostgreSQL 9.4 has neither generated nor identity columns; partition keys of every level.
GP6_COLUMNS_SQL = f"""{_select('''pg_get_expr(ad.adbin, ad.adrelid) AS default_value,
       NULL::text AS generated,
       NULL::text AS identity''')}
LEFT JOIN (SELECT pp.parrelid, array_agg(k.num) AS keys
           FROM pg_partition pp, unnest(pp.paratts::int2[]) AS k(num)
           WHERE NOT pp.paristemplate
           GROUP BY pp.parrelid) pk
  ON pk.parrelid = c.oid
{_WHERE} {DATASET_KINDS} AND {GP6_NOT_A_PARTITION} AND {USER_SCHEMAS}
ORDER BY a.attrelid, a.attnum
"""


class ColumnRow(NamedTuple):
    oid: int
    name: str
    native_type: str
    type_kind: str
    type_category: str
    type_name: str
    element_type: str | None
    not_null: bool
    default_value: str | None
    generated: str | None
    identity: str | None
    domain: str | None
    enum_labels: list[str] | None
    comment: str | None
    partition_key: bool
