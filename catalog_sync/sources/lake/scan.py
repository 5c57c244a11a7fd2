"""Walking a lake root into table folders, streaming: one table's file list at a time.

A folder is a table when it holds data files directly (see `looks_like_data`) or has hive
partition folders (`key=value/`); everything beneath a table folder belongs to it. Names
starting with `.` or `_` (`_SUCCESS`, `.crc`) are bookkeeping and skipped. A folder that cannot
be listed is handed to `unlisted` (when given) and the walk goes on with the rest.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import pyarrow.fs as pafs

from catalog_sync.sources.lake.fs import LakeRoot


@dataclass(frozen=True, slots=True)
class TableFolder:
    """A table's folder and its files (FileInfo carries size and modification time)."""

    root: LakeRoot
    path: str
    relative: str
    files: list[pafs.FileInfo]

    def partition_of(self, file_path: str) -> tuple[tuple[str, str], ...]:
        """The `key=value` folders between the table folder and the file."""
        inner = file_path[len(self.path) + 1 :].split("/")[:-1]
        return tuple(tuple(p.split("=", 1)) for p in inner if "=" in p)  # type: ignore[misc]


DATA_SUFFIXES = (".parquet", ".parq", ".pq")


def is_hidden(name: str) -> bool:
    return name.startswith((".", "_"))


def looks_like_data(name: str) -> bool:
    """Parquet by name, or no extension at all (Hive writes `000000_0`). Only such files make a
    folder a table, so a README beside the tables does not swallow them into one dataset; inside
    a table every file is read, and a stray one is reported."""
    lowered = name.lower()
    return lowered.endswith(DATA_SUFFIXES) or "." not in lowered


def _selected(relative: str, include: Sequence[str], exclude: Sequence[str]) -> bool:
    included = any(fnmatch.fnmatchcase(relative, g) for g in include)
    return included and not any(fnmatch.fnmatchcase(relative, g) for g in exclude)


def _list(filesystem: pafs.FileSystem, path: str, recursive: bool) -> list[pafs.FileInfo]:
    return list(filesystem.get_file_info(pafs.FileSelector(path, recursive=recursive)))


def _table_files(filesystem: pafs.FileSystem, path: str) -> list[pafs.FileInfo]:
    infos = _list(filesystem, path, recursive=True)
    prefix = len(path) + 1
    return sorted(
        (
            i
            for i in infos
            if i.type == pafs.FileType.File
            and not any(is_hidden(part) for part in i.path[prefix:].split("/"))
        ),
        key=lambda i: i.path,
    )


Unlisted = Callable[[str, OSError], None]


def find_tables(
    root: LakeRoot,
    include: Sequence[str] = ("*",),
    exclude: Sequence[str] = (),
    unlisted: Unlisted | None = None,
) -> Iterator[TableFolder]:
    """Table folders under `root`, depth first in name order. A listing error raises, or goes
    to `unlisted(folder path, error)` and that folder is skipped."""
    filesystem = root.filesystem
    stack = [root.path]
    while stack:
        folder = stack.pop()
        try:
            listed = _list(filesystem, folder, recursive=False)
        except OSError as err:
            if unlisted is None:
                raise
            unlisted(folder, err)
            continue
        children = [c for c in listed if not is_hidden(c.base_name)]
        has_files = any(
            c.type == pafs.FileType.File and looks_like_data(c.base_name) for c in children
        )
        dirs = sorted(c.path for c in children if c.type == pafs.FileType.Directory)
        if has_files or any("=" in d.rsplit("/", 1)[-1] for d in dirs):
            relative = folder[len(root.path) + 1 :] or folder.rsplit("/", 1)[-1]
            if _selected(relative, include, exclude):
                try:
                    files = _table_files(filesystem, folder)
                except OSError as err:
                    if unlisted is None:
                        raise
                    unlisted(folder, err)
                    continue
                yield TableFolder(root, folder, relative, files)
            continue
        stack.extend(reversed(dirs))
