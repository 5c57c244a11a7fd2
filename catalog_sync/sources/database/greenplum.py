"""Greenplum's extra catalog: primary segments, distribution policies and (GP6) partitions.

`gp_distribution_policy` has one row per table: `policytype` 'p' (hash, or random with an empty
`distkey`) or 'r' (replicated). GP6 keeps partitions in `pg_partition` (a row per partitioning
level, `parrelid` the root) and `pg_partition_rule` (a row per child at any level, its
`parparentrule` the rule of the partition it subdivides); only leaves hold data, so only rules
no other rule subdivides count. Both streams are in root-oid order, merged
with the relations like every other stream.
"""

from __future__ import annotations

from typing import NamedTuple

SEGMENTS_SQL = """
SELECT count(*) AS segments
FROM gp_segment_configuration
WHERE content >= 0 AND role = 'p'
"""

DISTRIBUTION_SQL = """
SELECT p.localoid AS oid,
       p.policytype::text AS policy,
       ARRAY(SELECT a.attname::text
             FROM unnest(p.distkey::int2[]) WITH ORDINALITY AS k(num, pos)
             JOIN pg_attribute a ON a.attrelid = p.localoid AND a.attnum = k.num
             ORDER BY k.pos) AS keys
FROM gp_distribution_policy p
ORDER BY p.localoid
"""

GP6_PARTITIONS_SQL = """
SELECT pp.parrelid AS oid,
       count(*) AS partitions,
       (SELECT string_agg(CASE l.parkind WHEN 'r' THEN 'range' WHEN 'l' THEN 'list'
                                         ELSE l.parkind::text END, ', ' ORDER BY l.parlevel)
        FROM pg_partition l
        WHERE l.parrelid = pp.parrelid AND NOT l.paristemplate) AS partition_type,
       CASE WHEN :sizes THEN sum(pg_total_relation_size(pr.parchildrelid))::bigint
       END AS size_bytes,
       sum(greatest(pc.reltuples, 0))::bigint AS estimated_rows,
       (SELECT string_agg(a.attname::text, ', ' ORDER BY l.parlevel, k.pos)
        FROM pg_partition l,
             unnest(l.paratts::int2[]) WITH ORDINALITY AS k(num, pos),
             pg_attribute a
        WHERE l.parrelid = pp.parrelid AND NOT l.paristemplate
          AND a.attrelid = l.parrelid AND a.attnum = k.num) AS partition_key
FROM pg_partition_rule pr
JOIN pg_partition pp ON pp.oid = pr.paroid
JOIN pg_class pc ON pc.oid = pr.parchildrelid
WHERE NOT EXISTS (SELECT 1 FROM pg_partition_rule sub WHERE sub.parparentrule = pr.oid)
GROUP BY pp.parrelid
ORDER BY pp.parrelid
"""


class Distribution(NamedTuple):
    """A row of DISTRIBUTION_SQL."""

    oid: int
    policy: str
    keys: list[str]

    def describe(self) -> str:
        """As Greenplum's DDL says it: `HASH(a, b)`, `RANDOMLY` or `REPLICATED`."""
        if self.policy == "r":
            return "REPLICATED"
        if not self.keys:
            return "RANDOMLY"
        return f"HASH({', '.join(self.keys)})"


class LegacyPartitions(NamedTuple):
    """A row of GP6_PARTITIONS_SQL: one GP6 partitioned root with its leaves rolled up."""

    oid: int
    partitions: int
    partition_type: str | None
    size_bytes: int | None
    estimated_rows: int | None
    partition_key: str | None
