"""View lineage from PostgreSQL's own dependency catalog: no SQL parsing.

A view (or materialized view) is a `_RETURN` rule in `pg_rewrite`; the rule's `pg_depend` rows
name every relation it reads and, with `refobjsubid`, every column. One row per (view, upstream
dataset), in view-oid order; a partition read directly counts as its root. The catalog records
which columns a view reads, not which of its own columns each one feeds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from catalog_sync.sources.database.queries.common import (
    gp6_root_of,
    root_of,
    user_schemas,
)


def _lineage_sql(root: Callable[[str], str]) -> str:
    return f"""
SELECT r.ev_class AS oid,
       un.nspname::text AS upstream_schema,
       uc.relname::text AS upstream_table,
       array_remove(array_agg(a.attname::text ORDER BY d.refobjid, a.attnum), NULL) AS columns
FROM pg_rewrite r
JOIN pg_class v ON v.oid = r.ev_class AND v.relkind IN ('v', 'm')
JOIN pg_namespace n ON n.oid = v.relnamespace
JOIN pg_depend d
  ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
 AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> r.ev_class
JOIN pg_class uc ON uc.oid = {root("d.refobjid")}
JOIN pg_namespace un ON un.oid = uc.relnamespace
LEFT JOIN pg_attribute a
  ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid AND d.refobjsubid > 0
WHERE r.rulename = '_RETURN'
  AND uc.relkind IN ('r', 'v', 'm', 'f', 'p')
  AND {user_schemas("n")}
  AND {user_schemas("un")}
GROUP BY r.ev_class, un.nspname, uc.relname
ORDER BY r.ev_class, 2, 3
"""


LINEAGE_SQL = _lineage_sql(root_of)
GP6_LINEAGE_SQL = _lineage_sql(gp6_root_of)


class LineageRow(NamedTuple):
    oid: int
    upstream_schema: str
    upstream_table: str
    columns: list[str]
