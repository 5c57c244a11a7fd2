"""One writer at a time per catalog (or per pipeline for GMS): an fcntl lock file.

Ingestion and hand edits of tags (`catalog-sync tags add|remove|apply`) take the same lock on
the embedded catalog, so an edit never interleaves with a run that would overwrite it.

The kernel drops a `flock` when its process dies, SIGKILL included, so a crashed run never
leaves a stale lock behind; the file itself stays and only records who held it last.
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from catalog_sync.errors import CatalogSyncError, RunLockedError
from catalog_sync.sync.paths import safe_name

logger = logging.getLogger(__name__)

_POLL_SECONDS = 0.2


def lock_path(catalog: Path | None, pipeline_name: str, state_dir: Path) -> Path:
    """Beside the embedded catalog (every recipe writing it shares the lock); otherwise one
    lock per pipeline name under `state_dir`, which guards runs on this host only."""
    if catalog is not None:
        return catalog.with_name(f"{catalog.name}.lock")
    return state_dir / f"{safe_name(pipeline_name)}.lock"


def _holder(handle: int) -> str:
    os.lseek(handle, 0, os.SEEK_SET)
    return os.read(handle, 200).decode(errors="replace").strip() or "unknown"


@contextmanager
def run_lock(
    path: Path, *, wait_seconds: float = 0.0, command: str = "catalog-sync ingest"
) -> Iterator[None]:
    """Hold `path` exclusively for the block; wait up to `wait_seconds`, then refuse. The file
    names `command` and this pid, so whoever is refused learns who holds it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as err:
        raise CatalogSyncError(f"cannot create run lock {path}: {err.strerror}") from err
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as err:
                if err.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                    raise
                if time.monotonic() >= deadline:
                    raise RunLockedError(str(path), _holder(handle), wait_seconds) from err
                time.sleep(_POLL_SECONDS)
        os.ftruncate(handle, 0)
        os.write(handle, f"{command}, pid {os.getpid()}\n".encode())
        logger.debug("holding run lock %s", path)
        yield
    finally:
        os.close(handle)  # closing releases the flock
