"""Reading one parquet file's footer: schema, row counts, codecs and column statistics.

Only the file's tail is read (one read of at most 64 KiB, more only for a bigger footer); data
pages are never touched. The tail is parsed by pyarrow's public `ParquetFile` on a buffer, with
decryption properties whose key service refuses every key: an encrypted file (Parquet modular
encryption, encrypted footer or encrypted columns) is then recognised when pyarrow asks for a
key, before any column metadata is parsed (parsing encrypted column metadata without a key
aborts the process inside pyarrow).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from typing import Any

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq
import pyarrow.parquet.encryption as pqe
import pyarrow.types as pat

from catalog_sync.sources.lake.footer_stats import Convert, Unconvertible, bounds, converters

_MAGIC = b"PAR1"
_ENCRYPTED_MAGIC = b"PARE"  # an encrypted footer
_TAIL = 64 * 1024


class NotParquetError(ValueError):
    """The file is not parquet at all (no `PAR1` magic at either end)."""


class EncryptedFileError(ValueError):
    """Parquet modular encryption: unreadable without its keys."""


# Footer reads fail with these for truncated, empty, corrupt, encrypted and non-parquet files.
FOOTER_ERRORS: tuple[type[BaseException], ...] = (pa.ArrowException, OSError, ValueError)


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
    unconverted: tuple[str, ...] = ()  # columns whose min/max could not be read: left out


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


class _KeyRequested(Exception):
    """Raised by the key service below: pyarrow asked for a key, so the file is encrypted."""


class _NoKeys(pqe.KmsClient):  # type: ignore[misc]
    def __init__(self, _config: pqe.KmsConnectionConfig) -> None:
        super().__init__()

    def wrap_key(self, key_bytes: bytes, master_key_identifier: str) -> bytes:
        raise _KeyRequested(master_key_identifier)

    def unwrap_key(self, wrapped_key: bytes, master_key_identifier: str) -> bytes:
        raise _KeyRequested(master_key_identifier)


@cache
def _no_keys() -> pq.FileDecryptionProperties:
    """Decryption properties that let plaintext files through and refuse every key."""
    factory = pqe.CryptoFactory(_NoKeys)
    return factory.file_decryption_properties(
        pqe.KmsConnectionConfig(), pqe.DecryptionConfiguration()
    )


def _read_at(filesystem: pafs.FileSystem, path: str, size: int, ranges: list[tuple[int, int]]
             ) -> list[bytes]:
    """Bytes at (offset, length) ranges; local files with plain preads (no IO thread pool)."""
    if isinstance(filesystem, pafs.LocalFileSystem):
        handle = os.open(path, os.O_RDONLY)
        try:
            return [os.pread(handle, length, offset) for offset, length in ranges]
        finally:
            os.close(handle)
    with filesystem.open_input_file(path) as stream:
        return [stream.read_at(length, offset) for offset, length in ranges]


def tail_bytes(filesystem: pafs.FileSystem, path: str, size: int) -> bytes:
    """The file's tail holding its whole footer; raises when the file is not (whole) parquet."""
    if not size:
        raise ValueError("zero-byte file")
    start = max(0, size - _TAIL)
    (tail,) = _read_at(filesystem, path, size, [(start, size - start)])
    magic = tail[-4:]
    if magic == _ENCRYPTED_MAGIC:
        raise EncryptedFileError("encrypted footer (Parquet modular encryption), no key")
    if magic != _MAGIC or size < 12:
        (head,) = _read_at(filesystem, path, size, [(0, 4)]) if start else [tail[:4]]
        if head == _MAGIC:
            raise ValueError("truncated or corrupt: no footer magic at the end")
        raise NotParquetError("not a parquet file (no PAR1 magic)")
    length = int.from_bytes(tail[-8:-4], "little")
    if length + 12 > size:
        raise ValueError(f"corrupt: footer length {length} exceeds the file size {size}")
    if length + 8 > len(tail):  # a footer above 64 KiB: read it whole
        (tail,) = _read_at(filesystem, path, size, [(size - length - 12, length + 12)])
    return tail


def _parse(tail: bytes) -> pq.ParquetFile:
    """pyarrow's reader over the tail alone: it reads a footer backwards from the end."""
    try:
        return pq.ParquetFile(
            pa.BufferReader(tail), decryption_properties=_no_keys(), pre_buffer=False
        )
    except _KeyRequested as err:
        raise EncryptedFileError("encrypted columns (Parquet modular encryption), no key") from err


def _leaves(dtype: pa.DataType) -> int:
    """How many Parquet leaf columns an Arrow type is stored as."""
    if isinstance(dtype, pa.BaseExtensionType):
        return _leaves(dtype.storage_type)
    if pat.is_struct(dtype):
        return sum(_leaves(dtype.field(i).type) for i in range(dtype.num_fields))
    if pat.is_map(dtype):
        return _leaves(dtype.key_type) + _leaves(dtype.item_type)
    if pat.is_list(dtype) or pat.is_large_list(dtype) or pat.is_fixed_size_list(dtype):
        return _leaves(dtype.value_type)
    return 1


def _profiled_leaves(schema: pa.Schema, leaf_count: int) -> dict[int, str]:
    """Leaf index -> top-level column name, for top-level columns stored as one plain leaf
    (nested columns are not profiled). Built from the schema's structure, never from dotted
    paths, so a column named `a.b` is a column, not a child."""
    owners: dict[int, str] = {}
    index = 0
    for field in schema:
        width = _leaves(field.type)
        if width == 1 and not pat.is_nested(field.type):
            owners[index] = field.name
        index += width
    return owners if index == leaf_count else {}


_Plan = tuple[dict[int, str], list[Convert | None]]
_PLANS: dict[tuple[str, bytes], _Plan] = {}
_PLAN_LIMIT = 1024


def _plan(metadata: pq.FileMetaData, schema: pa.Schema) -> _Plan:
    """Which leaves are profiled and how their statistics convert, per writer and schema: the
    same for every file a writer wrote with one schema (most of a lake), so worked out once."""
    key = (metadata.created_by or "", schema.serialize().to_pybytes())
    plan = _PLANS.get(key)
    if plan is None:
        if len(_PLANS) >= _PLAN_LIMIT:
            _PLANS.clear()
        plan = _PLANS[key] = (
            _profiled_leaves(schema, metadata.num_columns), converters(metadata)
        )
    return plan


def _column_stats(
    metadata: pq.FileMetaData, plan: _Plan
) -> tuple[frozenset[str], dict[str, ColumnStats], tuple[str, ...]]:
    codecs: set[str] = set()
    owners, convert = plan
    # Every profiled column starts at zero nulls, so a file without row groups still counts.
    nulls: dict[str, int | None] = dict.fromkeys(owners.values(), 0)
    mins: dict[str, Any] = {}
    maxs: dict[str, Any] = {}
    partial: set[str] = set()  # extremes unknown in a row group that has values
    unconverted: set[str] = set()
    for rg_index in range(metadata.num_row_groups):
        row_group = metadata.row_group(rg_index)
        rows = row_group.num_rows
        for col_index in range(row_group.num_columns):
            column = row_group.column(col_index)
            codecs.add(column.compression)
            name = owners.get(col_index)
            if name is None or not rows:
                continue  # an empty row group may carry no statistics, and needs none
            stats = column.statistics
            known = stats is not None and stats.has_null_count
            seen = nulls[name]
            nulls[name] = seen + stats.null_count if known and seen is not None else None
            if known and stats.null_count == rows:
                continue  # all null: no extremes to know
            extremes = None
            to_value = convert[col_index]
            if stats is not None and stats.has_min_max and to_value is not None:
                try:
                    extremes = bounds(stats, to_value)
                except Unconvertible:
                    unconverted.add(name)
            if extremes is None:
                partial.add(name)
                continue
            mins[name] = merge_minmax(mins.get(name), extremes[0], min)
            maxs[name] = merge_minmax(maxs.get(name), extremes[1], max)
    stats_by_name = {
        name: ColumnStats(
            nulls[name],
            None if name in partial else mins.get(name),
            None if name in partial else maxs.get(name),
        )
        for name in nulls
    }
    return frozenset(codecs), stats_by_name, tuple(sorted(unconverted))


def parse_footer(tail: bytes, info: pafs.FileInfo) -> FileFooter:
    """The footer in a file's tail (from `tail_bytes`); raises one of FOOTER_ERRORS."""
    parsed = _parse(tail)
    metadata = parsed.metadata
    schema = parsed.schema_arrow
    codecs, stats, unconverted = _column_stats(metadata, _plan(metadata, schema))
    return FileFooter(
        path=info.path,
        size=info.size or 0,
        mtime_ns=info.mtime_ns if info.mtime_ns is not None else 0,
        rows=metadata.num_rows,
        row_groups=metadata.num_row_groups,
        schema=schema,
        codecs=codecs,
        stats=stats,
        unconverted=unconverted,
    )


def read_footer(filesystem: pafs.FileSystem, info: pafs.FileInfo) -> FileFooter:
    """Footer of `info.path`; raises one of FOOTER_ERRORS when the file is not valid parquet
    (NotParquetError and EncryptedFileError among them)."""
    return parse_footer(tail_bytes(filesystem, info.path, info.size or 0), info)
