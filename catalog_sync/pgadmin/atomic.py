"""Writing a set of files all-or-nothing: every file is staged beside its target first, then
each staged file replaces its target with `os.replace`, so no reader sees half a file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from catalog_sync.errors import BadInputError


class OutputPathError(BadInputError):
    """A target that cannot be written; names the path and why."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"cannot write {path}: {reason}")
        self.path = path


@dataclass(frozen=True, slots=True)
class OutputFile:
    path: Path
    data: bytes
    mode: int = 0o644


def check_target(path: Path) -> Path:
    """Refuse early what can never be written: a folder, or a file in a missing folder."""
    if path.is_dir():
        raise OutputPathError(path, "is a directory")
    if not path.parent.is_dir():
        raise OutputPathError(path, f"folder {path.parent} does not exist")
    return path


def _stage(item: OutputFile) -> Path:
    """A temp file in the target's folder (same file system, so the replace is atomic)."""
    parent = check_target(item.path).parent
    try:
        fd, name = tempfile.mkstemp(dir=parent, prefix=f".{item.path.name}.", suffix=".tmp")
    except OSError as err:
        raise OutputPathError(item.path, err.strerror or str(err)) from err
    staged = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), item.mode)  # before the data: secrets never sit at 0644
            handle.write(item.data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as err:
        staged.unlink(missing_ok=True)
        raise OutputPathError(item.path, err.strerror or str(err)) from err
    return staged


def write_all(files: Sequence[OutputFile]) -> None:
    """Stage every file, then replace; if any staging fails, nothing is replaced."""
    staged: list[tuple[Path, Path]] = []
    try:
        for item in files:
            staged.append((_stage(item), item.path))
    except OutputPathError:
        for temp, _ in staged:
            with contextlib.suppress(OSError):
                temp.unlink()
        raise
    for temp, target in staged:
        try:
            os.replace(temp, target)
        except OSError as err:
            for left, _ in staged:
                with contextlib.suppress(OSError):
                    left.unlink()
            raise OutputPathError(target, err.strerror or str(err)) from err


def ensure_private_dir(path: Path) -> Path:
    """Create a pgpass folder (0700) when missing; an existing one is left as it is."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as err:
        raise OutputPathError(path, err.strerror or str(err)) from err
    if not path.is_dir():
        raise OutputPathError(path, "is not a folder")
    return path
