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
from urllib.parse import unquote

import pyarrow.fs as pafs

from catalog_sync.sources.lake.fs import LakeRoot

HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"  # the folder value Hive and Spark write for null


@dataclass(frozen=True, slots=True)
class TableFolder:
    """A table's folder and its files (FileInfo carries size and modification time).

    `format` is `parquet` (the files are everything beneath the folder), `delta` or `iceberg`
    (the files are whatever the table's log or metadata says is live; `files` is empty).
    """

    root: LakeRoot
    path: str
    relative: str
    files: list[pafs.FileInfo]
    format: str = "parquet"

    def partition_of(self, file_path: str) -> tuple[tuple[str, str], ...]:
        """The `key=value` folders between the table folder and the file, Hive-unescaped;
        an empty value is Hive's null."""
        inner = file_path[len(self.path) + 1 :].split("/")[:-1]
        pairs = (part.split("=", 1) for part in inner if "=" in part)
        return tuple((unquote(key), unquote(value) or HIVE_NULL) for key, value in pairs)


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
    if recursive or not isinstance(filesystem, pafs.GcsFileSystem):
        return list(filesystem.get_file_info(pafs.FileSelector(path, recursive=recursive)))
    # GCS has no folders: pyarrow's delimiter listing shows only folder marker objects, which
    # many writers never create. A folder's children are derived from its objects' names.
    children: dict[str, pafs.FileInfo] = {}
    for info in filesystem.get_file_info(pafs.FileSelector(path, recursive=True)):
        head, nested, _ = info.path[len(path) + 1 :].partition("/")
        if nested or info.type == pafs.FileType.Directory:
            children.setdefault(head, pafs.FileInfo(f"{path}/{head}", pafs.FileType.Directory))
        else:
            children[head] = info
    return list(children.values())


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
Stray = Callable[[str, list[pafs.FileInfo]], None]


def _format(filesystem: pafs.FileSystem, listed: list[pafs.FileInfo]) -> str | None:
    """`delta` for a folder with `_delta_log/`, `iceberg` for one whose `metadata/` holds
    Iceberg table metadata, else None."""
    dirs = {c.base_name: c.path for c in listed if c.type == pafs.FileType.Directory}
    if "_delta_log" in dirs:
        return "delta"
    if "metadata" in dirs:
        names = [i.base_name for i in _list(filesystem, dirs["metadata"], recursive=False)]
        if "version-hint.text" in names or any(n.endswith(".metadata.json") for n in names):
            return "iceberg"
    return None


class _Walk:
    """Depth-first, name-ordered walk yielding (folder, format) of every table folder."""

    def __init__(self, filesystem: pafs.FileSystem, unlisted: Unlisted | None,
                 stray: Stray | None) -> None:
        self.filesystem = filesystem
        self.unlisted = unlisted
        self.stray = stray

    def tables(self, folder: str) -> Iterator[tuple[str, str]]:
        try:
            listed = _list(self.filesystem, folder, recursive=False)
            table_format = _format(self.filesystem, listed)
        except OSError as err:
            if self.unlisted is None:
                raise
            self.unlisted(folder, err)
            return
        if table_format is not None:
            yield folder, table_format
            return
        children = [c for c in listed if not is_hidden(c.base_name)]
        data = [c for c in children
                if c.type == pafs.FileType.File and looks_like_data(c.base_name)]
        dirs = sorted(c.path for c in children if c.type == pafs.FileType.Directory)
        if any("=" in d.rsplit("/", 1)[-1] for d in dirs) or (data and not dirs):
            yield folder, "parquet"
            return
        found = False
        for child in dirs:
            for table in self.tables(child):
                found = True
                yield table
        if data and not found:
            yield folder, "parquet"  # its subfolders hold no table: they are part of it
        elif data and self.stray is not None:
            self.stray(folder, sorted(data, key=lambda i: i.path))


def find_tables(
    root: LakeRoot,
    include: Sequence[str] = ("*",),
    exclude: Sequence[str] = (),
    unlisted: Unlisted | None = None,
    stray: Stray | None = None,
) -> Iterator[TableFolder]:
    """Table folders under `root`, depth first in name order. A folder is a Delta or Iceberg
    table by its log or metadata; else a parquet table when it holds data files directly or
    has hive partition folders, and everything beneath belongs to it. A folder that holds
    data files beside subfolders that are tables is not one: its files go to `stray(folder,
    files)`. A listing error raises, or goes to `unlisted(folder path, error)` and that folder
    is skipped."""
    filesystem = root.filesystem
    for folder, table_format in _Walk(filesystem, unlisted, stray).tables(root.path):
        relative = folder[len(root.path) + 1 :] or folder.rsplit("/", 1)[-1]
        if not _selected(relative, include, exclude):
            continue
        files: list[pafs.FileInfo] = []
        if table_format == "parquet":
            try:
                files = _table_files(filesystem, folder)
            except OSError as err:
                if unlisted is None:
                    raise
                unlisted(folder, err)
                continue
        yield TableFolder(root, folder, relative, files, table_format)
