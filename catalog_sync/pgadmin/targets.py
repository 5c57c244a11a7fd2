"""Which databases pgAdmin should list, and in which role: straight from a binding root (the
same tag rules as ingestion, applied to the binding's facts) or from the catalog's tagged
database assets resolved through their bindings (catalog_sync.discovery)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from catalog_sync.bindings import Binding, BindingError, read_bindings
from catalog_sync.discovery import (
    BindingMissingError,
    Connection,
    ResolvedBinding,
    connection_for,
    database_bindings,
)
from catalog_sync.pgadmin.model import (
    DEFAULT_MAINTENANCE_DB,
    PG_WIRE_TYPES,
    ServerTarget,
    Warn,
)
from catalog_sync.store import CatalogReader
from catalog_sync.tagging import TagSet, decide_tags


def pick_role(tags: Iterable[str], roles: Sequence[str], where: str, warn: Warn) -> str | None:
    """The first role (in group order) the tags hold; more than one is warned about."""
    held_tags = set(tags)
    held = [role for role in roles if role in held_tags]
    if len(held) > 1:
        warn(where, f"has several roles with a group ({', '.join(held)}); listed under {held[0]}")
    return held[0] if held else None


def _target(conn: Connection, role: str, warn: Warn, tags: Iterable[str] = ()) -> ServerTarget:
    database = conn.database
    if not database:
        warn(f"binding {conn.binding}", f"no database; using {DEFAULT_MAINTENANCE_DB!r}")
        database = DEFAULT_MAINTENANCE_DB
    return ServerTarget(connection=conn, database=database, role=role,
                        tags=tuple(sorted(set(tags))))


def _connection(binding: Binding) -> Connection:
    return Connection(
        binding=binding.name, type=binding.type, provider=binding.provider, host=binding.host,
        port=binding.port, database=binding.database, username=binding.username,
        password=binding.password, sslmode=binding.sslmode,
    )


def targets_from_bindings(
    root: Path, tag_set: TagSet, roles: Sequence[str], warn: Warn
) -> list[ServerTarget]:
    """Every PostgreSQL-wire binding whose facts the tag rules give a role with a group."""
    found: list[ServerTarget] = []
    def skip(err: BindingError) -> None:  # one bad folder is left out, the others listed
        warn(f"binding {err.name}", f"{err.problem}; not listed")

    for binding in read_bindings(root, types=set(PG_WIRE_TYPES), warn=warn, on_error=skip):
        tags = decide_tags(binding.coordinates(), tag_set).tags
        role = pick_role(sorted(tags), roles, f"binding {binding.name}", warn)
        if role is not None:
            found.append(_target(_connection(binding), role, warn, tags))
    return found


def targets_from_catalog(
    reader: CatalogReader, binding_root: Path, roles: Sequence[str], warn: Warn
) -> list[ServerTarget]:
    """Bindings reaching assets tagged with each role, joined with the live binding root
    (user and password come only from there)."""
    by_binding: dict[str, ResolvedBinding] = {}
    for wanted in roles:
        for resolved in database_bindings(reader, [wanted]):
            if resolved.type in PG_WIRE_TYPES:
                by_binding.setdefault(resolved.name, resolved)
    found: list[ServerTarget] = []
    for name, resolved in sorted(by_binding.items()):
        role = pick_role(resolved.tags, roles, f"catalog binding {name}", warn)
        if role is None:
            continue
        try:
            conn = connection_for(resolved, binding_root)
        except BindingMissingError as err:
            warn(f"catalog binding {name}", f"{err}; not listed")
            continue
        found.append(_target(conn, role, warn, resolved.tags))
    return found
