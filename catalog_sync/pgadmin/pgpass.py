"""pgpass files: `host:port:database:username:password` lines, one file per binding."""

from __future__ import annotations

from collections.abc import Iterable

from catalog_sync.errors import BadInputError
from catalog_sync.pgadmin.model import PgAdminServer

PGPASS_MODE = 0o600


def escape(field: str) -> str:
    """libpq reads `\\:` as a literal colon and `\\\\` as a backslash; nothing else is special."""
    return field.replace("\\", "\\\\").replace(":", "\\:")


def pgpass_line(server: PgAdminServer, password: str, binding_name: str) -> str:
    """One line for the server's host, port, maintenance database and user.

    A line break cannot be escaped in pgpass, so a password holding one is refused (the
    message names the binding, never the password).
    """
    if "\n" in password or "\r" in password:
        raise BadInputError(f"binding {binding_name!r}: password holds a line break, "
                            "which a pgpass file cannot carry")
    fields = (server.host, str(server.port), server.maintenance_db, server.username, password)
    return ":".join(escape(f) for f in fields)


def render_pgpass(lines: Iterable[str]) -> bytes:
    """Sorted and de-duplicated, so the same bindings give the same bytes."""
    return "".join(f"{line}\n" for line in sorted(set(lines))).encode()
