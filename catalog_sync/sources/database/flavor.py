"""Telling Greenplum (6, 7) and Apache Cloudberry from PostgreSQL, and Greenplum's extra catalog.

Greenplum speaks the PostgreSQL wire protocol and says what it is only in `version()`:
  GP6        `PostgreSQL 9.4.26 (Greenplum Database 6.25.3 build commit:...) on x86_64...`
  GP7        `PostgreSQL 12.12 (Greenplum Database 7.1.0 build commit:...) on x86_64...`
  Cloudberry `PostgreSQL 14.4 (Apache Cloudberry 1.6.0 build ...)` (earlier: `Cloudberry Database`)
GP6 is PostgreSQL 9.4 underneath: no `relispartition`, no `pg_partition_tree`; its partitions live
in `pg_partition` / `pg_partition_rule` / the `pg_partitions` view. GP7 and Cloudberry partition
the PostgreSQL 12 way, so the PostgreSQL queries serve them, plus the distribution policy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

_GREENPLUM = re.compile(r"\(Greenplum Database (\d+)(?:\.(\d+))?[^)]*\)")
_CLOUDBERRY = re.compile(r"\((?:Apache Cloudberry|Cloudberry Database) (\d+)(?:\.(\d+))?[^)]*\)")
_POSTGRES = re.compile(r"PostgreSQL (\d+)(?:\.(\d+))?")


@dataclass(frozen=True, slots=True)
class Flavor:
    """What server a connection reached: `postgresql`, `greenplum` or `cloudberry`, and versions."""

    kind: str
    version: str
    postgres_major: int

    @property
    def is_greenplum(self) -> bool:
        """Greenplum or its fork Cloudberry: MPP, with a distribution policy per table."""
        return self.kind in ("greenplum", "cloudberry")

    @property
    def legacy_partitions(self) -> bool:
        """GP6-style partitioning (pg_partitions) instead of PostgreSQL's declarative kind."""
        return self.kind == "greenplum" and self.major < 7

    @property
    def major(self) -> int:
        return int(self.version.split(".", 1)[0])

    @property
    def platform(self) -> str:
        """DataHub platform name; Cloudberry is catalogued as Greenplum."""
        return "greenplum" if self.is_greenplum else "postgres"


def _dotted(found: re.Match[str]) -> str:
    return found.group(1) + (f".{found.group(2)}" if found.group(2) else "")


def detect_flavor(version_text: str) -> Flavor:
    """The server flavor from `SELECT version()`."""
    postgres = _POSTGRES.search(version_text)
    postgres_major = int(postgres.group(1)) if postgres else 0
    for kind, pattern in (("greenplum", _GREENPLUM), ("cloudberry", _CLOUDBERRY)):
        found = pattern.search(version_text)
        if found:
            return Flavor(kind, _dotted(found), postgres_major)
    return Flavor("postgresql", _dotted(postgres) if postgres else "0", postgres_major)


SEGMENTS_SQL = """
SELECT count(*) AS segments
FROM gp_segment_configuration
WHERE content >= 0 AND role = 'p'
"""

# One row per table with a policy. `policytype` is 'p' (hash or random) or 'r' (replicated).
DISTRIBUTION_SQL = """
SELECT p.localoid AS oid,
       p.policytype::text AS policy,
       ARRAY(SELECT a.attname::text
             FROM unnest(p.distkey::int2[]) WITH ORDINALITY AS k(num, pos)
             JOIN pg_attribute a ON a.attrelid = p.localoid AND a.attnum = k.num
             ORDER BY k.pos) AS keys
FROM gp_distribution_policy p
"""

# GP6 only: one row per partitioned root, everything rolled up.
GP6_PARTITIONS_SQL = """
SELECT p.schemaname::text AS schema_name,
       p.tablename::text AS table_name,
       count(*) AS partitions,
       string_agg(DISTINCT p.partitiontype::text, ',') AS partition_type,
       CASE WHEN :sizes THEN sum(pg_total_relation_size(pc.oid))::bigint END AS size_bytes,
       sum(greatest(pc.reltuples, 0))::bigint AS estimated_rows,
       (SELECT string_agg(pcol.columnname::text, ', ' ORDER BY pcol.partitionlevel,
                          pcol.position_in_partition_key)
        FROM pg_partition_columns pcol
        WHERE pcol.schemaname = p.schemaname AND pcol.tablename = p.tablename) AS partition_key
FROM pg_partitions p
JOIN pg_class pc
  ON pc.oid = format('%I.%I', p.partitionschemaname, p.partitiontablename)::regclass
GROUP BY p.schemaname, p.tablename
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
    """A row of GP6_PARTITIONS_SQL: one GP6 partitioned root with its partitions rolled up."""

    schema_name: str
    table_name: str
    partitions: int
    partition_type: str | None
    size_bytes: int | None
    estimated_rows: int | None
    partition_key: str | None
