"""Reading one servicebinding.io binding folder: a file per entry, never beyond the root.

Kubernetes projects a Secret as symlinks (`host -> ..data/host`, `..data -> ..2026_11_30_...`),
so links are followed, but only while they resolve inside the binding root: a `password` linked
to `/etc/shadow` is refused, not read. An entry is a short value, so files are capped at 64 KiB
and must be regular files (a FIFO would block the run). Errors name the folder and the entry,
never what the file holds.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Collection
from pathlib import Path

from catalog_sync.errors import BadInputError

MAX_ENTRY_BYTES = 64 * 1024
_BOM = b"\xef\xbb\xbf"


class BindingError(BadInputError):
    """One binding folder that cannot be used. Names the folder and entry, never a value."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"binding {name!r}: {problem}")
        self.name = name
        self.problem = problem


def visible_entries(folder: Path) -> list[str]:
    """Entry names of a binding folder; hidden ones (Kubernetes' `..data`, `..2026_...`) are the
    projection's machinery, not entries."""
    return sorted(e for e in os.listdir(folder) if not e.startswith("."))


def _inside(path: Path, root: Path) -> bool:
    return path == root or path.is_relative_to(root)


def check_links(root: Path, name: str) -> dict[str, Path]:
    """The folder's visible entries and their real paths, after checking that none resolves
    outside `root` (the folder itself included: a binding folder may be a link, but not out
    of the root). Only links are resolved: a plain entry's real path is its real folder's."""
    real_root = root.resolve()
    folder = root / name
    real_folder = folder.resolve()
    if not _inside(real_folder, real_root):
        raise BindingError(name, "the folder links outside the binding root")
    try:
        entries = visible_entries(folder)
    except OSError as err:
        raise BindingError(name, f"the folder is unreadable ({err.strerror or err})") from err
    found: dict[str, Path] = {}
    for entry in entries:
        path = real_folder / entry
        if path.is_symlink():
            path = path.resolve()
            if not _inside(path, real_root):
                raise BindingError(name, f"entry `{entry}` links outside the binding root")
        found[entry] = path
    return found


def _read_capped(path: Path, name: str, entry: str) -> bytes:
    try:
        # O_NOFOLLOW: the path is already resolved, so a link here was swapped in since.
        # O_NONBLOCK: opening a FIFO must not wait for a writer.
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as err:
        raise BindingError(name, f"entry `{entry}` is unreadable ({err.strerror or err})") from err
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise BindingError(name, f"entry `{entry}` is not a regular file")
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_ENTRY_BYTES:
            chunk = os.read(fd, MAX_ENTRY_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as err:
        raise BindingError(name, f"entry `{entry}` is unreadable ({err.strerror or err})") from err
    finally:
        os.close(fd)
    if size > MAX_ENTRY_BYTES:
        raise BindingError(name, f"entry `{entry}` is larger than {MAX_ENTRY_BYTES // 1024} KiB")
    return b"".join(chunks)


def read_entries(root: Path, name: str, wanted: Collection[str]) -> dict[str, str]:
    """The entries of binding `name` among `wanted`, as stripped text. Every visible entry is
    checked for links leaving the root; only the wanted ones are read, so a binary keystore
    beside them (which a text reader would choke on) does not matter."""
    found: dict[str, str] = {}
    for entry, path in check_links(root, name).items():
        if entry not in wanted:
            continue
        if path.is_dir():
            continue
        data = _read_capped(path, name, entry)
        if data.startswith(_BOM):
            raise BindingError(name, f"entry `{entry}` starts with a byte-order mark")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as err:
            raise BindingError(name, f"entry `{entry}` is not UTF-8 text") from err
        found[entry] = text.strip()
    return found
