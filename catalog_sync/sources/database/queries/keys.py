"""Primary keys, unique constraints and foreign keys, in dataset-oid order.

Keys declared on a partition belong to the partitioned table's dataset: each row carries the
root's oid (`oid`) and says whether it was declared on the root itself (`on_root`); the source
deduplicates the copies partitions declare (pagila declares every foreign key of `payment` on
its partitions only). A foreign key to a partition points at that partition's root too.
Constraints PostgreSQL clones onto partitions (`conparentid` <> 0) are the root's own already.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from catalog_sync.sources.database.queries.common import USER_SCHEMAS, gp6_root_of, root_of


def _key_names(keys: str, table: str) -> str:
    return f"""ARRAY(SELECT a.attname::text
             FROM unnest(con.{keys}) WITH ORDINALITY AS k(num, pos)
             JOIN pg_attribute a ON a.attrelid = con.{table} AND a.attnum = k.num
             ORDER BY k.pos)"""


def _keys_sql(root: Callable[[str], str], where: str) -> str:
    return f"""
SELECT {root("con.conrelid")} AS oid,
       con.conname::text AS name,
       con.contype::text AS kind,
       con.conrelid = {root("con.conrelid")} AS on_root,
       {_key_names("conkey", "conrelid")} AS columns,
       tn.nspname::text AS target_schema,
       tc.relname::text AS target_table,
       {_key_names("confkey", "confrelid")} AS target_columns
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class tc ON con.contype = 'f' AND tc.oid = {root("con.confrelid")}
LEFT JOIN pg_namespace tn ON tn.oid = tc.relnamespace
WHERE con.contype IN ('p', 'u', 'f') AND {where} AND {USER_SCHEMAS}
ORDER BY 1, con.contype, 4 DESC, con.conname
"""


KEYS_SQL = _keys_sql(root_of, "con.conparentid = 0")
GP6_KEYS_SQL = _keys_sql(gp6_root_of, "true")


class KeyRow(NamedTuple):
    oid: int
    name: str
    kind: str
    on_root: bool
    columns: list[str]
    target_schema: str | None
    target_table: str | None
    target_columns: list[str]
