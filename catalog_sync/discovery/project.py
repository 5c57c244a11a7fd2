"""Projecting a Connection into a servicebinding.io folder another workload can mount.

One file per entry (`type`, `provider`, `host`, `port`, `database`, `username`, `password`,
`sslmode`), each mode 0600 in a 0700 folder, each written to a temporary name then renamed so a
reader never sees half a value.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from catalog_sync.discovery.resolve import Connection
from catalog_sync.errors import BadInputError

ENTRIES = ("type", "provider", "host", "port", "database", "username", "password", "sslmode")


def binding_entries(conn: Connection, secrets: bool) -> dict[str, str]:
    values = {
        "type": conn.type, "provider": conn.provider, "host": conn.host,
        "port": str(conn.port) if conn.port else None, "database": conn.database,
        "username": conn.username,
        "password": conn.password.get_secret_value() if secrets and conn.password else None,
        "sslmode": conn.sslmode,
    }
    return {k: v for k, v in values.items() if v}


def _write_private(path: Path, value: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(value)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def project_binding(conn: Connection, folder: Path, *, secrets: bool = True) -> list[str]:
    """Write `folder` as a binding; entries this projection lacks are removed. Refuses a
    non-empty folder that is not a binding (no `type` file), so nothing else is clobbered."""
    if folder.exists():
        if not folder.is_dir():
            raise BadInputError(f"{folder}: exists and is not a folder")
        if any(folder.iterdir()) and not (folder / "type").is_file():
            raise BadInputError(f"{folder}: not empty and not a binding folder (no `type` file)")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    entries = binding_entries(conn, secrets)
    for name, value in entries.items():
        _write_private(folder / name, value)
    for stale in set(ENTRIES) - set(entries):
        (folder / stale).unlink(missing_ok=True)
    return sorted(entries)
