"""pgAdmin 4 server-import files (`servers.json`) and pgpass files for the databases the
catalog (or a binding root) gives a role: one server group per role, one server per database.

Entry points: `export_from_bindings` / `export_from_catalog` (options -> ServerFile) and
`write_server_file` (all-or-nothing write); `ServerFile.render()` is the byte-stable JSON.
"""

from __future__ import annotations

from catalog_sync.pgadmin.export import (
    ExportOptions,
    export_from_bindings,
    export_from_catalog,
    write_server_file,
)
from catalog_sync.pgadmin.generator import ServerFile, build_server_file
from catalog_sync.pgadmin.model import (
    DEFAULT_GROUPS,
    DEFAULT_SSLMODE,
    NoServersError,
    PgAdminServer,
    ServerTarget,
)

__all__ = [
    "DEFAULT_GROUPS",
    "DEFAULT_SSLMODE",
    "ExportOptions",
    "NoServersError",
    "PgAdminServer",
    "ServerFile",
    "ServerTarget",
    "build_server_file",
    "export_from_bindings",
    "export_from_catalog",
    "write_server_file",
]
