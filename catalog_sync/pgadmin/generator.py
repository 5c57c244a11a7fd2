"""From databases with a role to pgAdmin's `servers.json` and the pgpass files behind it.

Everything here is pure: targets in, bytes out. The same targets give the same bytes (servers
sorted by group then name, numbered from 1, fixed key order), so a re-run changes nothing and
a diff shows only real changes.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from catalog_sync.pgadmin.model import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_PORT,
    DEFAULT_SSLMODE,
    PGADMIN_TAG_GROUPS,
    SSL_MODES,
    TAG_COLOUR,
    PgAdminServer,
    PgAdminTag,
    ServerTarget,
    Warn,
    check_sslmode,
)
from catalog_sync.pgadmin.pgpass import pgpass_line, render_pgpass
from catalog_sync.tagging import TagSet

logger = logging.getLogger(__name__)


def _log_warning(context: str, message: str) -> None:
    logger.warning("%s: %s", context, message)


@dataclass(frozen=True, slots=True)
class ServerFile:
    """The servers to import, and for each binding with a password its pgpass lines (secret:
    kept out of the repr, so logging a ServerFile never prints a password)."""

    servers: tuple[PgAdminServer, ...]
    pgpass: Mapping[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    def render(self) -> bytes:
        """pgAdmin's import format: `{"Servers": {"1": {...}, ...}}`, 4-space indented."""
        entries = {str(i): s.to_json() for i, s in enumerate(self.servers, start=1)}
        return (json.dumps({"Servers": entries}, indent=4, ensure_ascii=False) + "\n").encode()

    def pgpass_files(self) -> dict[str, bytes]:
        """File name (`<binding>.pgpass`) -> contents."""
        return {passfile_name(b): render_pgpass(lines) for b, lines in sorted(self.pgpass.items())}


def passfile_name(binding_name: str) -> str:
    return f"{binding_name}.pgpass"


@dataclass(frozen=True, slots=True, kw_only=True)
class ServerSettings:
    """What every server entry shares: how pgAdmin will read the files, and the extras."""

    default_sslmode: str = DEFAULT_SSLMODE
    passfile_dir: str | None = None  # as pgAdmin sees it (server mode: inside user storage)
    server_mode: bool = False
    shared: bool = False
    sslrootcert: str | None = None
    connect_timeout: int | None = DEFAULT_CONNECT_TIMEOUT
    tag_set: TagSet | None = None


def passfile_path(settings: ServerSettings, binding: str) -> str | None:
    """Where pgAdmin finds a binding's pgpass file. In server mode pgAdmin resolves the path
    under the user's storage folder (`<STORAGE_DIR>/<email, @ as _>/` plus the path without
    its leading `/`), so the folder is written there relative to it."""
    if not settings.passfile_dir:
        return None
    path = PurePosixPath(settings.passfile_dir) / passfile_name(binding)
    if settings.server_mode:
        return "/" + str(path).lstrip("/").removeprefix("./")
    return str(path)


def server_tags(tags: Sequence[str], tag_set: TagSet | None) -> tuple[PgAdminTag, ...]:
    """The role and cloud tags (PGADMIN_TAG_GROUPS), coloured as their definitions say."""
    if tag_set is None:
        return ()
    shown = []
    for tag in sorted(set(tags)):
        definition = tag_set.definition_for(tag)
        if definition is not None and definition.group in PGADMIN_TAG_GROUPS:
            shown.append(PgAdminTag(text=tag, color=(definition.colour or TAG_COLOUR).upper()))
    return tuple(shown)


def _server(
    target: ServerTarget, group: str, settings: ServerSettings, warn: Warn
) -> PgAdminServer | None:
    conn = target.connection
    where = f"binding {conn.binding}"
    sslmode = settings.default_sslmode
    if not conn.host:
        warn(where, "no host (neither a `host` entry nor a `uri`); not listed")
        return None
    if not conn.username:
        warn(where, "no username; pgAdmin needs one; not listed")
        return None
    if conn.port is None:
        warn(where, f"no port; using {DEFAULT_PORT}")
    if conn.sslmode and conn.sslmode not in SSL_MODES:
        warn(where, f"sslmode {conn.sslmode!r} is not a libpq mode; using {sslmode!r}")
    has_password = conn.password is not None and bool(conn.password.get_secret_value())
    return PgAdminServer(
        name=target.name,
        group=group,
        host=conn.host,
        port=conn.port if conn.port is not None else DEFAULT_PORT,
        maintenance_db=target.database,
        username=conn.username,
        sslmode=conn.sslmode if conn.sslmode in SSL_MODES else sslmode,
        passfile=passfile_path(settings, conn.binding) if has_password else None,
        sslrootcert=settings.sslrootcert,
        connect_timeout=settings.connect_timeout,
        comment=f"{conn.type} database from service binding {conn.binding} (catalog-sync)",
        tags=server_tags((target.role, *target.tags), settings.tag_set),
        shared=settings.shared,
    )


def build_server_file(
    targets: Sequence[ServerTarget],
    groups: Mapping[str, str],
    settings: ServerSettings | None = None,
    *,
    warn: Warn = _log_warning,
) -> ServerFile:
    """One server per (binding, database) whose role has a group; pgpass lines when the
    settings name a `passfile_dir` and the binding has a password."""
    settings = settings or ServerSettings()
    check_sslmode(settings.default_sslmode, "default sslmode")
    servers: dict[str, PgAdminServer] = {}
    pgpass: dict[str, set[str]] = {}
    for target in targets:
        group = groups.get(target.role)
        if group is None or target.name in servers:
            continue
        server = _server(target, group, settings, warn)
        if server is None:
            continue
        servers[server.name] = server
        password = target.connection.password
        if server.passfile and password is not None:
            line = pgpass_line(server, password.get_secret_value(), target.connection.binding)
            pgpass.setdefault(target.connection.binding, set()).add(line)
    ordered = tuple(sorted(servers.values(), key=lambda s: (s.group, s.name)))
    return ServerFile(
        servers=ordered,
        pgpass={name: tuple(sorted(lines)) for name, lines in sorted(pgpass.items())},
    )
