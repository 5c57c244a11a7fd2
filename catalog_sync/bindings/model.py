"""One service binding as a typed record. Secrets are `SecretStr` and never printed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

from pydantic import SecretStr

from catalog_sync.errors import BadInputError

# `postgres` and `postgresql` are one type; everything else is taken as written (lower case).
_TYPE_ALIASES = {"postgres": "postgresql", "pg": "postgresql"}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$")

# Entries that are secret by the spec's conventions; never copied into the catalog.
SECRET_ENTRIES = frozenset(
    {"password", "uri", "url", "jdbc-url", "jdbcurl", "token", "private-key", "privatekey",
     "client-key", "secret", "certificates", "ca.crt", "tls.key", "key", "api-key"}
)


def normalize_type(value: str) -> str:
    """`Postgres` -> `postgresql`; other types lower-cased as they are."""
    lowered = value.strip().lower()
    return _TYPE_ALIASES.get(lowered, lowered)


def validate_binding_name(name: str) -> str:
    """Binding names are single folder names: no `/`, no `..`, nothing hidden."""
    if not _NAME.match(name) or ".." in name:
        raise BadInputError(f"invalid binding name {name!r}: use letters, digits, '.', '_', '-'")
    return name


@dataclass(frozen=True, slots=True)
class Binding:
    """A database binding. Entries given explicitly win over what the `uri` says."""

    name: str
    type: str
    provider: str | None = None
    host: str | None = None
    port: int | None = None
    database: str | None = None
    username: str | None = None
    password: SecretStr | None = field(default=None, repr=False)
    sslmode: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_entries(cls, name: str, entries: dict[str, str]) -> Binding:
        """Build from a binding folder's files; `uri` fills whatever the entries leave out."""
        from_uri = _parse_uri(entries.get("uri") or entries.get("url") or "")
        port_text = entries.get("port") or from_uri.get("port")
        try:
            port = int(port_text) if port_text else None
        except ValueError as err:
            raise BadInputError(f"binding {name!r}: port {port_text!r} is not a number") from err
        password = entries.get("password") or from_uri.get("password")
        known = {"type", "provider", "host", "port", "database", "username", "user", "password",
                 "sslmode", "uri", "url"}
        return cls(
            name=name,
            type=normalize_type(entries["type"]),
            provider=(entries.get("provider") or "").strip() or None,
            host=entries.get("host") or from_uri.get("host"),
            port=port,
            database=entries.get("database") or entries.get("dbname") or from_uri.get("database"),
            username=entries.get("username") or entries.get("user") or from_uri.get("username"),
            password=SecretStr(password) if password else None,
            sslmode=entries.get("sslmode") or from_uri.get("sslmode"),
            extra={
                k: v for k, v in sorted(entries.items())
                if k not in known and k.lower() not in SECRET_ENTRIES
            },
        )

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


def _parse_uri(uri: str) -> dict[str, str]:
    """`postgresql://user:pw@host:5432/db?sslmode=require` -> its parts (empty if no uri)."""
    if not uri:
        return {}
    parts = urlsplit(uri.strip())
    query = parse_qs(parts.query)
    found = {
        "host": parts.hostname or "",
        "port": str(parts.port) if parts.port else "",
        "database": unquote(parts.path.lstrip("/")),
        "username": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "sslmode": (query.get("sslmode") or [""])[0],
    }
    return {k: v for k, v in found.items() if v}
