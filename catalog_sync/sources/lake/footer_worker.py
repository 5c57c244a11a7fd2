"""What a footer worker process runs, and what it sends back: plain values that pickle fast.

Local files are read and parsed in the worker. Object-store tails are fetched by threads of
the ingest process (latency, and the credentials stay there) and only parsed in a worker, so
parsing is isolated for every store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow.fs as pafs

from catalog_sync.sources.lake import footer
from catalog_sync.sources.lake.footer_cache import Wire, to_wire

Item = tuple[str, int, int | None]  # path, size, mtime_ns

UNREADABLE = "Unreadable parquet file"
NOT_PARQUET = "Not a parquet file"
ENCRYPTED = "Encrypted parquet file"
CRASHED = "Footer reader crashed"


@dataclass(frozen=True, slots=True)
class Skipped:
    """Why a file gave no footer: `title` is the warning's title, `reason` its message."""

    title: str
    reason: str


Result = Wire | Skipped


def skipped(err: BaseException) -> Skipped:
    reason = str(err) or type(err).__name__
    if isinstance(err, footer.NotParquetError):
        return Skipped(NOT_PARQUET, reason)
    if isinstance(err, footer.EncryptedFileError):
        return Skipped(ENCRYPTED, reason)
    return Skipped(UNREADABLE, reason)


def _info(item: Item) -> pafs.FileInfo:
    path, size, mtime_ns = item
    return pafs.FileInfo(path, pafs.FileType.File, size=size, mtime_ns=mtime_ns)


def read_local(items: Sequence[Item], for_cache: bool) -> list[Result]:
    """Read and parse local files (in a worker)."""
    local = pafs.LocalFileSystem()
    results: list[Result] = []
    for item in items:
        try:
            results.append(to_wire(footer.read_footer(local, _info(item)), for_cache=for_cache))
        except footer.FOOTER_ERRORS as err:
            results.append(skipped(err))
    return results


def fetch_tail(filesystem: pafs.FileSystem, item: Item) -> bytes | Skipped:
    """An object-store file's tail (in a thread of the ingest process)."""
    try:
        return footer.tail_bytes(filesystem, item[0], item[1])
    except footer.FOOTER_ERRORS as err:
        return skipped(err)


def parse_tails(items: Sequence[tuple[Item, bytes]], for_cache: bool) -> list[Result]:
    """Parse fetched tails (in a worker)."""
    results: list[Result] = []
    for item, tail in items:
        try:
            results.append(to_wire(footer.parse_footer(tail, _info(item)), for_cache=for_cache))
        except footer.FOOTER_ERRORS as err:
            results.append(skipped(err))
    return results
