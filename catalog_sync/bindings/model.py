"""One service binding as a typed record. Secrets are `SecretStr` and never printed."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from pydantic import SecretStr

from catalog_sync.bindings.entries import normalise
from catalog_sync.errors import BadInputError

# `postgres` and `postgresql` are one type; everything else is taken as written (lower case).
_TYPE_ALIASES = {"postgres": "postgresql", "pg": "postgresql"}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$")


@functools.lru_cache(maxsize=256)
def normalize_type(value: str) -> str:
    """`Postgres` -> `postgresql`; other types lower-cased as they are (cached: resolution
    normalises every candidate asset's type on each request)."""
    lowered = value.strip().lower()
    return _TYPE_ALIASES.get(lowered, lowered)


def validate_binding_name(name: str) -> str:
    """Binding names are single folder names: no `/`, no `..`, nothing hidden."""
    if not _NAME.match(name) or ".." in name:
        raise BadInputError(f"invalid binding name {name!r}: use letters, digits, '.', '_', '-'")
    return name


@dataclass(frozen=True, slots=True)
class Binding:
    """A database binding, its entries under the spec's names (see `entries.normalise`)."""

    name: str
    type: str
    provider: str | None = None
    host: str | None = None
    port: int | None = None
    database: str | None = None
    username: str | None = None
    password: SecretStr | None = field(default=None, repr=False)
    sslmode: str | None = None

    @classmethod
    def parse(cls, name: str, entries: dict[str, str]) -> tuple[Binding, list[str]]:
        """Build from a binding folder's entries (`type` required); also returns what the
        entries disagree on. Raises BindingError naming the entry at fault."""
        values, conflicts = normalise(name, entries)
        password = values.get("password")
        binding = cls(
            name=name,
            type=normalize_type(entries["type"]),
            provider=(entries.get("provider") or "").strip() or None,
            host=values.get("host"),
            port=int(values["port"]) if "port" in values else None,
            database=values.get("database"),
            username=values.get("username"),
            password=SecretStr(password) if password else None,
            sslmode=values.get("sslmode"),
        )
        return binding, conflicts

    @classmethod
    def from_entries(cls, name: str, entries: dict[str, str]) -> Binding:
        """`parse` without the disagreements, for callers that hold the entries already."""
        return cls.parse(name, entries)[0]

    def coordinates(self) -> dict[str, str]:
        """Non-secret facts, safe for the catalog: name, type, provider, host, port, db, ssl."""
        facts = {
            "binding_name": self.name,
            "binding_type": self.type,
            "binding_provider": self.provider,
            "host": self.host,
            "port": str(self.port) if self.port is not None else None,
            "database": self.database,
            "sslmode": self.sslmode,
        }
        return {k: v for k, v in facts.items() if v}
