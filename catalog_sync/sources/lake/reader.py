"""Reading footers many at a time and across tables, results in order, with bounded look-ahead.

Parsing is CPU work under the GIL and can crash inside pyarrow, so it always happens in worker
processes (catalog_sync.sources.lake.workers); local files are read there too, in chunks.
Object stores are latency-bound: their tails are fetched by threads here, then parsed in the
workers. A table's results come back in file order.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import partial
from typing import Any, Generic, TypeVar

import pyarrow.fs as pafs

from catalog_sync.sources.lake import workers
from catalog_sync.sources.lake.footer_worker import (
    CRASHED,
    Item,
    Result,
    Skipped,
    fetch_tail,
    parse_tails,
    read_local,
)

Tag = TypeVar("Tag")

CHUNK = 64  # files per worker task
LOOK_AHEAD_FILES = 2048  # files submitted and not yet consumed, at most (memory stays flat)
LOOK_AHEAD_TABLES = 64


def default_processes() -> int:
    return max(1, min(len(os.sched_getaffinity(0)), 8))


@dataclass(slots=True)
class _Part:
    """Some of a table's files in flight: a worker chunk (local) or fetches (object store)."""

    items: list[Item]
    chunk: Future[list[Result]] | None = None
    pool: ProcessPoolExecutor | None = None
    tails: list[Future[bytes | Skipped]] | None = None


class FooterReader(Generic[Tag]):
    """`stream(jobs)` reads each job's files and yields `(tag, results)` in job order."""

    def __init__(self, *, processes: int, threads: int, for_cache: bool) -> None:
        self.processes = max(1, processes)
        self.threads = threads
        self.for_cache = for_cache  # results carry their statistics as cache JSON too
        self._pool: ProcessPoolExecutor | None = None
        self._pool_error: BaseException | None = None
        self._starting: threading.Thread | None = None
        self._thread_pool: ThreadPoolExecutor | None = None

    def __enter__(self) -> FooterReader[Tag]:
        # The workers start while the lake is being listed.
        self._starting = threading.Thread(target=self._start_pool, name="footer-pool-start")
        self._starting.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._starting is not None:
            self._starting.join()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        if self._thread_pool is not None:
            self._thread_pool.shutdown(wait=True, cancel_futures=True)

    def _start_pool(self) -> None:
        try:
            pool = workers.new_pool(self.processes)
            workers.warm(pool)
            self._pool = pool
        except (OSError, BrokenProcessPool) as err:
            self._pool_error = err

    def _processes(self) -> ProcessPoolExecutor:
        if self._starting is not None:
            self._starting.join()
            self._starting = None
        if self._pool_error is not None:
            raise self._pool_error
        if self._pool is None:
            self._pool = workers.new_pool(self.processes)
        return self._pool

    def _submit_chunk(self, task: Any, chunk: Sequence[Any]) -> tuple[Future[Any], Any]:
        pool = self._processes()
        try:
            return pool.submit(task, chunk, self.for_cache), pool
        except BrokenProcessPool:  # broken by an earlier crash: a fresh pool
            self._drop(pool)
            pool = self._processes()
            return pool.submit(task, chunk, self.for_cache), pool

    def _drop(self, pool: ProcessPoolExecutor | None) -> None:
        if pool is not None and pool is self._pool:
            pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def _submit(self, filesystem: pafs.FileSystem, items: list[Item]) -> list[_Part]:
        if isinstance(filesystem, pafs.LocalFileSystem):
            parts = []
            for start in range(0, len(items), CHUNK):
                chunk = items[start : start + CHUNK]
                future, pool = self._submit_chunk(read_local, chunk)
                parts.append(_Part(chunk, chunk=future, pool=pool))
            return parts
        if self._thread_pool is None:
            self._thread_pool = ThreadPoolExecutor(self.threads, "footer")
        fetches = [self._thread_pool.submit(fetch_tail, filesystem, item) for item in items]
        return [_Part(items, tails=fetches)]

    def _chunk_results(self, task: Any, chunk: Sequence[Any], future: Future[list[Result]],
                       pool: ProcessPoolExecutor | None) -> list[Result]:
        """A chunk's results; when its worker died, each of its files read again alone."""
        try:
            return future.result()
        except BrokenProcessPool:
            self._drop(pool)
            again = workers.isolated(partial(task, for_cache=self.for_cache), chunk)
            return [Skipped(CRASHED, r.reason) if isinstance(r, workers.Crashed) else r
                    for r in again]

    def _results(self, part: _Part) -> list[Result]:
        if part.chunk is not None:
            return self._chunk_results(read_local, part.items, part.chunk, part.pool)
        tails = [f.result() for f in part.tails or []]
        fetched = [(item, tail) for item, tail in zip(part.items, tails, strict=True)
                   if isinstance(tail, bytes)]
        submitted = []
        for start in range(0, len(fetched), CHUNK):
            chunk = fetched[start : start + CHUNK]
            submitted.append((chunk, *self._submit_chunk(parse_tails, chunk)))
        parsed = iter([r for chunk, future, pool in submitted
                       for r in self._chunk_results(parse_tails, chunk, future, pool)])
        return [next(parsed) if isinstance(tail, bytes) else tail for tail in tails]

    def stream(
        self, jobs: Iterable[tuple[Tag, pafs.FileSystem, list[Item]]]
    ) -> Iterator[tuple[Tag, list[Result]]]:
        window: deque[tuple[Tag, int, list[_Part]]] = deque()
        pending = 0

        def collect() -> tuple[Tag, list[Result]]:
            nonlocal pending
            tag, count, parts = window.popleft()
            pending -= count
            return tag, [result for part in parts for result in self._results(part)]

        for tag, filesystem, items in jobs:
            window.append((tag, len(items), self._submit(filesystem, items) if items else []))
            pending += len(items)
            while window and (pending > LOOK_AHEAD_FILES or len(window) > LOOK_AHEAD_TABLES):
                yield collect()
        while window:
            yield collect()
