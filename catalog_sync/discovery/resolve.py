"""Tagged database assets -> the service bindings that reach them -> one connection.

The catalog holds only non-secret coordinates (customProperties `binding_name`, `binding_type`,
`binding_provider`, `host`, `port`, `database`, `sslmode`, exactly `Binding.coordinates()`);
user and password come from the binding root at resolve time, so secrets never pass through
the catalog.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from catalog_sync.bindings import (
    OBJECT_TYPES,
    Binding,
    normalize_type,
    read_bindings,
    validate_binding_name,
)
from catalog_sync.discovery.errors import AmbiguousMatchError, BindingMissingError, NoMatchError
from catalog_sync.store import AssetQuery, CatalogEntry, CatalogReader, EntityKind

# `--type database`: a database binding of any type (as `lake` asks for any lake dataset), for
# tags that also land on lake datasets.
ANY_DATABASE = "database"


@dataclass(frozen=True, slots=True)
class ResolvedBinding:
    """A binding named by tagged catalog assets, with the coordinates the catalog records."""

    name: str
    type: str
    provider: str | None = None
    host: str | None = None
    port: int | None = None
    database: str | None = None
    sslmode: str | None = None
    tags: tuple[str, ...] = ()
    assets: tuple[str, ...] = ()

    def summary(self) -> dict[str, Any]:
        """The candidate shape shown in 404/409 answers and CLI errors."""
        return {
            "binding": self.name, "type": self.type, "provider": self.provider,
            "host": self.host, "port": self.port, "database": self.database,
            "assets": len(self.assets),
        }


@dataclass(frozen=True, slots=True)
class Connection:
    """Everything needed to connect; the password stays a SecretStr until a renderer asks."""

    binding: str
    type: str
    provider: str | None = None
    host: str | None = None
    port: int | None = None
    database: str | None = None
    username: str | None = None
    password: SecretStr | None = field(default=None, repr=False)
    sslmode: str | None = None


def _entries(reader: CatalogReader, tags: Iterable[str]) -> Iterator[CatalogEntry]:
    return reader.scan(AssetQuery(all_tags=frozenset(tags), kind=EntityKind.ALL))


def _port(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def database_bindings(
    reader: CatalogReader,
    tags: Iterable[str],
    type: str | None = None,
    provider: str | None = None,
    name: str | None = None,
) -> list[ResolvedBinding]:
    """Bindings reaching datasets/containers that carry all `tags`, by binding name.

    Assets without a database `binding_name` (lake datasets) are skipped; `type` accepts
    `postgres` for `postgresql`. Tags and assets are the union over the matched assets.
    """
    if name is not None:
        validate_binding_name(name)
    wanted_type = normalize_type(type) if type else None
    if wanted_type == ANY_DATABASE:
        wanted_type = None  # a database binding, whatever its type
    grouped: dict[str, tuple[dict[str, str], set[str], list[str]]] = {}
    for entry in _entries(reader, tags):
        props = entry.properties
        binding = props.get("binding_name")
        if not binding or (name is not None and binding != name):
            continue
        if normalize_type(props.get("binding_type", "")) in OBJECT_TYPES:
            continue  # a lake dataset's object-storage binding (discovery.lake)
        if wanted_type and normalize_type(props.get("binding_type", "")) != wanted_type:
            continue
        if provider and props.get("binding_provider") != provider:
            continue
        _, tag_union, urns = grouped.setdefault(binding, (props, set(), []))
        tag_union.update(entry.tags)
        urns.append(entry.urn)
    return [
        ResolvedBinding(
            name=binding,
            type=normalize_type(props.get("binding_type", "")),
            provider=props.get("binding_provider"),
            host=props.get("host"),
            port=_port(props.get("port")),
            database=props.get("database"),
            sslmode=props.get("sslmode"),
            tags=tuple(sorted(tag_union)),
            assets=tuple(urns),
        )
        for binding, (props, tag_union, urns) in sorted(grouped.items())
    ]


def describe_request(tags: Iterable[str], type_: str | None, provider: str | None,
              name: str | None) -> str:
    parts = [f"tags {sorted(tags)}" if tags else "any tags"]
    parts += [f"{k} {v!r}" for k, v in (("type", type_), ("provider", provider),
                                           ("binding", name)) if v]
    return ", ".join(parts)


def resolve_one(
    reader: CatalogReader,
    tags: Iterable[str],
    type: str | None = None,
    provider: str | None = None,
    name: str | None = None,
) -> ResolvedBinding:
    """Exactly one binding, or NoMatchError / AmbiguousMatchError listing the candidates."""
    tags = sorted(set(tags))
    found = database_bindings(reader, tags, type=type, provider=provider, name=name)
    asked = describe_request(tags, type, provider, name)
    if not found:
        # Show what the tags alone would have matched, so a wrong type/provider is visible.
        near = database_bindings(reader, tags) if (type or provider or name) and tags else []
        raise NoMatchError(f"no database binding matches {asked}", near)
    if len(found) > 1:
        names = ", ".join(b.name for b in found)
        raise AmbiguousMatchError(
            f"{len(found)} database bindings match {asked}: {names}; narrow with "
            "--type, --provider or --binding", found,
        )
    return found[0]


def connection_for(resolved: ResolvedBinding, binding_root: Path | None) -> Connection:
    """Join catalog coordinates with the live binding (its entries win; user and password
    come only from there). Without a binding root, the catalog's coordinates alone."""
    live: Binding | None = None
    if binding_root is not None:
        # The catalog knows the binding's type: it stands in for a folder without one (an
        # operator's secret mounted as a binding, catalogued with `binding_types_by_name`).
        found = read_bindings(binding_root, names={resolved.name},
                              types_by_name={resolved.name: resolved.type})
        if not found:
            raise BindingMissingError(
                f"binding {resolved.name!r} named by the catalog is not under {binding_root}",
                [resolved],
            )
        live = found[0]
    return Connection(
        binding=resolved.name,
        type=resolved.type,
        provider=(live.provider if live else None) or resolved.provider,
        host=(live.host if live else None) or resolved.host,
        port=(live.port if live else None) or resolved.port,
        database=(live.database if live else None) or resolved.database,
        username=live.username if live else None,
        password=live.password if live else None,
        sslmode=(live.sslmode if live else None) or resolved.sslmode,
    )
