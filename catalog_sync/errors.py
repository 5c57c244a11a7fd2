"""One exception hierarchy: each error keeps its fields and builds its own one-line message."""

from __future__ import annotations

import errno
import os
import sqlite3
import tempfile
from pathlib import Path


class CatalogSyncError(Exception):
    """Base of every error catalog-sync raises on purpose; `exit_code` is what the CLI returns."""

    exit_code: int = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class BadInputError(CatalogSyncError):
    """Input the user can fix (recipe, tag rules, paths, flags): exit code 2, nothing written."""

    exit_code = 2


class RecipeError(BadInputError):
    """A recipe that cannot be run; names the file and the key or value at fault."""

    def __init__(self, recipe: str, problem: str) -> None:
        super().__init__(f"{recipe}: {problem}")
        self.recipe = recipe
        self.problem = problem


class TagRulesError(BadInputError):
    """A tags/ file that cannot be loaded; names the file (and line where known)."""

    def __init__(self, path: str, problem: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {problem}")
        self.path = path
        self.line = line
        self.problem = problem


class CatalogUnavailableError(CatalogSyncError):
    """The catalog store cannot be opened or read."""

    def __init__(self, location: str, reason: str) -> None:
        super().__init__(f"catalog {location} is not readable: {reason}")
        self.location = location
        self.reason = reason


class CatalogLayoutError(CatalogUnavailableError):
    """The embedded catalog's tables are not laid out as the DataHub Lite this release was
    tested with writes them: an upgrade or downgrade of acryl-datahub."""

    def __init__(self, location: str, missing: str, datahub_version: str) -> None:
        super().__init__(
            location,
            f"DataHub Lite table layout not recognised ({missing} missing; acryl-datahub "
            f"{datahub_version} installed, catalog-sync supports the range in its pyproject)",
        )
        self.missing = missing


class CatalogContractError(CatalogUnavailableError):
    """DataHub GMS answered in a shape this release does not know (a newer or older DataHub):
    names the field, so the answer is never taken for an empty or partial one."""

    def __init__(self, location: str, field: str, problem: str = "missing or malformed") -> None:
        super().__init__(location, f"unexpected answer from DataHub GMS: {field} {problem}")
        self.field = field


class EntityNotFoundError(CatalogSyncError):
    """A tag edit named an entity the catalog does not hold."""

    def __init__(self, urn: str, location: str) -> None:
        super().__init__(f"{urn}: not in the catalog ({location})")
        self.urn = urn


class RunLockedError(CatalogSyncError):
    """Another ingestion or tag edit holds the catalog's (or pipeline's) run lock."""

    def __init__(self, lock: str, holder: str, waited: float) -> None:
        after = f" after waiting {waited:g}s" if waited else ""
        super().__init__(
            f"the catalog is in use by another catalog-sync command ({holder}, lock {lock}); "
            f"refusing to start{after} — retry later or pass --wait SECONDS"
        )
        self.lock = lock
        self.holder = holder


class SinkUnavailableError(CatalogSyncError):
    """The catalog to write to (DataHub GMS) cannot be reached or keeps failing: exit 1."""

    def __init__(self, sink: str, reason: str) -> None:
        super().__init__(f"sink {sink} unavailable: {reason}")
        self.sink = sink
        self.reason = reason


class DiskFullError(CatalogSyncError):
    """A write failed for lack of space: the run stopped before committing anything it would
    remove, so the catalog keeps what it held (exit 1)."""

    def __init__(self, target: str) -> None:
        super().__init__(
            f"no space left on the device writing {target}: the run stopped; nothing was lost "
            "(the catalog keeps what it held, no stale-removal state was committed); free "
            "space and run again"
        )
        self.target = target


def out_of_space(folder: Path, probe_bytes: int = 64 * 1024) -> bool:
    """True when `folder`'s file system cannot take a small write now. Asked after a run that
    failed: DataHub's pipeline turns the write error into a report line, not an exception."""
    try:
        with tempfile.TemporaryFile(dir=folder) as probe:
            probe.write(b"\0" * probe_bytes)
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as err:
        return err.errno in (errno.ENOSPC, errno.EDQUOT)
    return False


def no_space_left(err: BaseException) -> bool:
    """A write failed because the disk is full (the OS's ENOSPC, or SQLite's SQLITE_FULL),
    anywhere in the exception's chain."""
    seen: BaseException | None = err
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno == errno.ENOSPC:
            return True
        if isinstance(seen, sqlite3.Error) and seen.sqlite_errorcode == sqlite3.SQLITE_FULL:
            return True
        seen = seen.__cause__ or seen.__context__
    return False
