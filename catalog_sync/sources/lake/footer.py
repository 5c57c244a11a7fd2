"""Reading one parquet file's footer: schema, row counts, codecs and column statistics.

Only the footer is read (pyarrow fetches the file tail); data pages are never touched.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

try:  # FileMetaData's own unpickler: parses footer bytes we read ourselves
    from pyarrow._parquet import _reconstruct_filemetadata
except ImportError:  # pragma: no cover - such a pyarrow takes the general path
    _reconstruct_filemetadata = None

# Footer reads fail with these for truncated, empty, corrupt and non-parquet files.
FOOTER_ERRORS: tuple[type[BaseException], ...] = (pa.ArrowException, OSError, ValueError)
_MAGIC = b"PAR1"


@dataclass(frozen=True, slots=True)
class ColumnStats:
    """One top-level column's statistics over a file's row groups; None when unknown."""

    null_count: int | None
    min_value: Any
    max_value: Any


@dataclass(frozen=True, slots=True)
class FileFooter:
    """What a footer says about one file."""

    path: str
    size: int
    mtime_ns: int
    rows: int
    row_groups: int
    schema: pa.Schema
    codecs: frozenset[str]
    stats: dict[str, ColumnStats]


def merge_minmax(current: Any, new: Any, pick: Any) -> Any:
    """`pick` (min or max) of two statistics, either possibly unknown; values that cannot be
    compared (a type conflict across files) keep the first."""
    if current is None:
        return new
    if new is None:
        return current
    try:
        return pick(current, new)
    except TypeError:
        return current


def _column_stats(metadata: pq.FileMetaData) -> tuple[frozenset[str], dict[str, ColumnStats]]:
    codecs: set[str] = set()
    # Every top-level leaf starts at zero nulls, so a file without row groups still counts.
    nulls: dict[str, int | None] = {
        path: 0
        for path in (metadata.schema.column(i).path for i in range(metadata.num_columns))
        if "." not in path  # nested leaves are not profiled
    }
    mins: dict[str, Any] = {}
    maxs: dict[str, Any] = {}
    partial: set[str] = set()  # min/max missing from a row group that has values
    for rg_index in range(metadata.num_row_groups):
        row_group = metadata.row_group(rg_index)
        for col_index in range(row_group.num_columns):
            column = row_group.column(col_index)
            codecs.add(column.compression)
            path = column.path_in_schema
            if (path not in nulls and "." in path) or not row_group.num_rows:
                continue  # an empty row group may carry no statistics, and needs none
            stats = column.statistics
            known = stats is not None and stats.has_null_count
            seen = nulls.get(path, 0)
            nulls[path] = seen + stats.null_count if known and seen is not None else None
            if stats is not None and stats.has_min_max:
                mins[path] = merge_minmax(mins.get(path), stats.min, min)
                maxs[path] = merge_minmax(maxs.get(path), stats.max, max)
            elif not (known and stats.null_count == row_group.num_rows):
                partial.add(path)  # not an all-null row group: the extremes are unknown
    return frozenset(codecs), {
        path: ColumnStats(
            nulls[path],
            None if path in partial else mins.get(path),
            None if path in partial else maxs.get(path),
        )
        for path in nulls
    }


def _local_metadata(path: str, size: int) -> pq.FileMetaData | None:
    """A local file's footer from two plain reads, or None for pyarrow's general path (which
    then also names what is wrong with the file). pyarrow's reader goes through its IO thread
    pool, which on small files costs more than parsing the footer."""
    if _reconstruct_filemetadata is None or size < 12:
        return None
    handle = os.open(path, os.O_RDONLY)
    try:
        tail = os.pread(handle, 8, size - 8)
        length = int.from_bytes(tail[:4], "little")
        if tail[4:] != _MAGIC or length + 12 > size:
            return None
        footer = os.pread(handle, length, size - 8 - length)
    finally:
        os.close(handle)
    if len(footer) != length:
        return None
    try:
        metadata: pq.FileMetaData = _reconstruct_filemetadata(pa.py_buffer(footer))
    except FOOTER_ERRORS:
        return None
    return metadata


def read_footer(filesystem: pafs.FileSystem, info: pafs.FileInfo) -> FileFooter:
    """Footer of `info.path`; raises one of FOOTER_ERRORS when the file is not valid parquet."""
    if not info.size:
        raise ValueError("zero-byte file")
    metadata = None
    if isinstance(filesystem, pafs.LocalFileSystem):
        metadata = _local_metadata(info.path, info.size)
    if metadata is None:
        with filesystem.open_input_file(info.path) as handle:
            # ParquetFile's own reader, without the nested-path index ParquetFile builds for
            # reading data: a third of the cost of a small file's footer.
            reader = pq.ParquetReader()
            reader.open(handle)
            metadata = reader.metadata
    schema = metadata.schema.to_arrow_schema()
    codecs, stats = _column_stats(metadata)
    mtime_ns = info.mtime_ns if info.mtime_ns is not None else 0
    return FileFooter(
        path=info.path,
        size=info.size,
        mtime_ns=mtime_ns,
        rows=metadata.num_rows,
        row_groups=metadata.num_row_groups,
        schema=schema,
        codecs=codecs,
        stats=stats,
    )
