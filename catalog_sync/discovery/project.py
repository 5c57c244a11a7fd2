"""Projecting a Connection, or a lake dataset's object storage, into a servicebinding.io
folder another workload can mount.

One file per entry (`type`, `provider`, `host`, `port`, `database`, `username`, `password`,
`sslmode`; for object storage `type`, `provider`, `bucket`, `prefix`, `endpoint`, `region`,
`access-key-id`, `secret-access-key`, ...), each mode 0600 in a 0700 folder, each written to a
temporary name then renamed so a reader never sees half a value.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from catalog_sync.discovery.resolve import Connection
from catalog_sync.errors import BadInputError

if TYPE_CHECKING:
    from catalog_sync.discovery.lake import LakeAccess

ENTRIES = ("type", "provider", "host", "port", "database", "username", "password", "sslmode")
OBJECT_ENTRIES = ("type", "provider", "bucket", "prefix", "endpoint", "region", "project-id",
                  "access-key-id", "secret-access-key", "session-token", "service-account-key",
                  "access-token")


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
    return write_binding_folder(folder, binding_entries(conn, secrets), ENTRIES)


def object_binding_entries(access: LakeAccess, secrets: bool) -> dict[str, str]:
    """The dataset's binding, narrowed to the dataset: its bucket, its folder as `prefix`."""
    from catalog_sync.discovery.lake_formats import coordinates, fs_path

    d = access.dataset
    if d.platform == "file":
        raise BadInputError(f"lake dataset {d.name!r} is on local disk: no object-storage "
                            "binding to project")
    bucket, _, prefix = fs_path(d.location).partition("/")
    found = coordinates(access, secrets)
    values = {"type": d.type or ("gcs" if d.platform == "gcs" else "s3"),
              "provider": d.provider, "bucket": bucket, "prefix": prefix,
              **{k.replace("_", "-"): v for k, v in found.items()}}
    return {k: v for k, v in values.items() if v}


def project_object_binding(access: LakeAccess, folder: Path, *, secrets: bool = True
                           ) -> list[str]:
    """Write `folder` as an object-storage binding to the dataset's table folder."""
    return write_binding_folder(folder, object_binding_entries(access, secrets),
                                OBJECT_ENTRIES)


def write_binding_folder(folder: Path, entries: dict[str, str], known: tuple[str, ...]
                         ) -> list[str]:
    """`entries` as files of `folder`; the `known` ones this projection lacks are removed."""
    if folder.exists():
        if not folder.is_dir():
            raise BadInputError(f"{folder}: exists and is not a folder")
        if any(folder.iterdir()) and not (folder / "type").is_file():
            raise BadInputError(f"{folder}: not empty and not a binding folder (no `type` file)")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    for name, value in entries.items():
        _write_private(folder / name, value)
    for stale in set(known) - set(entries):
        (folder / stale).unlink(missing_ok=True)
    return sorted(entries)
