"""Which server answered: PostgreSQL, Greenplum 6/7, Apache Cloudberry or Greengage.

Greenplum speaks the PostgreSQL wire protocol and says what it is only in `version()`:
  GP6        `PostgreSQL 9.4.26 (Greenplum Database 6.25.3 build commit:...) on x86_64...`
  GP7        `PostgreSQL 12.12 (Greenplum Database 7.1.0 build commit:... Open Source) on ...`
  Cloudberry `PostgreSQL 14.4 (Apache Cloudberry 2.0.0-incubating build 1) on ...`, earlier
             `(Cloudberry Database 1.6.0 build dev)`
  Greengage  `PostgreSQL 9.4.26 (Greengage Database 6.27.0 build commit:...) on ...` (GP6's fork)
The version names the server; which partition catalog to read is decided by the catalog itself
(`pg_partition_rule` exists: GP6-style), since forks and patched builds move it independently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# (kind, pattern): the first that matches names the server.
_MPP = (
    ("greenplum", re.compile(r"\(Greenplum Database (\d+)(?:\.(\d+))?[^)]*\)")),
    ("cloudberry", re.compile(r"\((?:Apache Cloudberry|Cloudberry Database) (\d+)(?:\.(\d+))?")),
    ("greengage", re.compile(r"\(Greengage Database (\d+)(?:\.(\d+))?[^)]*\)")),
)
_POSTGRES = re.compile(r"PostgreSQL (\d+)(?:\.(\d+))?")


@dataclass(frozen=True, slots=True)
class Flavor:
    """What a connection reached: kind (`postgresql`, `greenplum`, `cloudberry`, `greengage`),
    its own version and the PostgreSQL major version underneath."""

    kind: str
    version: str
    postgres_major: int

    @property
    def is_greenplum(self) -> bool:
        """Greenplum or a fork of it: MPP, with segments and a distribution policy per table."""
        return self.kind != "postgresql"

    @property
    def platform(self) -> str:
        """DataHub platform name; the forks are catalogued as Greenplum."""
        return "greenplum" if self.is_greenplum else "postgres"


def _dotted(found: re.Match[str]) -> str:
    return found.group(1) + (f".{found.group(2)}" if found.group(2) else "")


def detect_flavor(version_text: str) -> Flavor:
    """The server flavor from `SELECT version()`."""
    postgres = _POSTGRES.search(version_text)
    postgres_major = int(postgres.group(1)) if postgres else 0
    for kind, pattern in _MPP:
        found = pattern.search(version_text)
        if found:
            return Flavor(kind, _dotted(found), postgres_major)
    return Flavor("postgresql", _dotted(postgres) if postgres else "0", postgres_major)
