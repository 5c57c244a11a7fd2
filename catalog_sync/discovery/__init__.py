"""Discovery: tagged catalog assets resolved through their service bindings into connections.

Public entry points: `database_bindings` (every binding reaching assets with given tags; the
pgAdmin generator uses it), `resolve_one` (exactly one, else an error listing candidates),
`connection_for` (join with the live binding root), `render` (json/dsn/sqlalchemy/jdbc/env)
and `project_binding` (write a servicebinding.io folder). Lake datasets: `answer.resolve_lake`
and `answer.render_lake` (json/pyarrow/fsspec/duckdb/env), `open.open_lake_dataset`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from catalog_sync.discovery.credentials import (
        NoCredentialsError,
        PasswordStatus,
        password_status,
    )
    from catalog_sync.discovery.errors import (
        AmbiguousMatchError,
        BindingMissingError,
        NoMatchError,
        NotResolvableError,
        ResolutionError,
    )
    from catalog_sync.discovery.resolve import (
        Connection,
        ResolvedBinding,
        connection_for,
        database_bindings,
        resolve_one,
    )

# Loaded on first use: `catalog-sync resolve --format` needs `formats.Format` at start-up, and
# `resolve` brings in the catalog readers and DataHub (most of the CLI's start-up time).
_WHERE = {
    "AmbiguousMatchError": "errors", "BindingMissingError": "errors", "NoMatchError": "errors",
    "NotResolvableError": "errors",
    "ResolutionError": "errors", "Connection": "resolve", "ResolvedBinding": "resolve",
    "connection_for": "resolve", "database_bindings": "resolve", "resolve_one": "resolve",
    "NoCredentialsError": "credentials", "PasswordStatus": "credentials",
    "password_status": "credentials",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)


__all__ = [
    "AmbiguousMatchError",
    "BindingMissingError",
    "Connection",
    "NoCredentialsError",
    "NoMatchError",
    "NotResolvableError",
    "PasswordStatus",
    "ResolutionError",
    "ResolvedBinding",
    "connection_for",
    "database_bindings",
    "password_status",
    "resolve_one",
]
