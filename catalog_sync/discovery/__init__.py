"""Discovery: tagged catalog assets resolved through their service bindings into connections.

Public entry points: `database_bindings` (every binding reaching assets with given tags; the
pgAdmin generator uses it), `resolve_one` (exactly one, else an error listing candidates),
`connection_for` (join with the live binding root), `render` (json/dsn/sqlalchemy/jdbc/env)
and `project_binding` (write a servicebinding.io folder).
"""

from __future__ import annotations

from catalog_sync.discovery.errors import (
    AmbiguousMatchError,
    BindingMissingError,
    NoMatchError,
    ResolutionError,
)
from catalog_sync.discovery.resolve import (
    Connection,
    ResolvedBinding,
    connection_for,
    database_bindings,
    resolve_one,
)

__all__ = [
    "AmbiguousMatchError",
    "BindingMissingError",
    "Connection",
    "NoMatchError",
    "ResolutionError",
    "ResolvedBinding",
    "connection_for",
    "database_bindings",
    "resolve_one",
]
