"""Reading footers many at a time and across tables, results in order, with bounded look-ahead.

Parsing a local footer is CPU work under the GIL, so local files go to worker processes once a
lake is big enough to pay for them; object stores are latency-bound, so their files go to
threads. Results come back as plain values (footer_cache.Wire) that pickle fast.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any, Generic, TypeVar

import pyarrow.fs as pafs

from catalog_sync.sources.lake import footer
from catalog_sync.sources.lake.footer_cache import Wire, to_wire

# One file's outcome: its footer as a worker sends it back, or why it is unreadable.
Result = Wire | str
Item = tuple[str, int, int | None]  # path, size, mtime_ns

Tag = TypeVar("Tag")

PROCESS_THRESHOLD = 512  # local files seen before worker processes start paying off
CHUNK = 64  # local files per process task
LOOK_AHEAD_FILES = 2048  # files submitted and not yet consumed, at most (memory stays flat)
LOOK_AHEAD_TABLES = 64


def read_one(filesystem: pafs.FileSystem, item: Item, for_cache: bool) -> Result:
    path, size, mtime_ns = item
    info = pafs.FileInfo(path, pafs.FileType.File, size=size, mtime_ns=mtime_ns)
    try:
        read = footer.read_footer(filesystem, info)
    except footer.FOOTER_ERRORS as err:
        return str(err) or type(err).__name__
    return to_wire(read, for_cache=for_cache)


def _read_chunk(filesystem: pafs.FileSystem, items: list[Item], for_cache: bool) -> list[Result]:
    return [read_one(filesystem, item, for_cache) for item in items]


def default_processes() -> int:
    return max(1, min(len(os.sched_getaffinity(0)), 8))


class FooterReader(Generic[Tag]):
    """`stream(jobs)` reads each job's files and yields `(tag, results)` in job order."""

    def __init__(self, *, processes: int, threads: int, for_cache: bool) -> None:
        self.processes = processes
        self.threads = threads
        self.for_cache = for_cache  # results carry their statistics as cache JSON too
        self._local_seen = 0
        self._process_pool: ProcessPoolExecutor | None = None
        self._thread_pool: ThreadPoolExecutor | None = None

    def __enter__(self) -> FooterReader[Tag]:
        return self

    def __exit__(self, *exc: object) -> None:
        for pool in (self._process_pool, self._thread_pool):
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)

    def _pool(self, local: bool) -> Executor | None:
        if not local:
            if self._thread_pool is None:
                self._thread_pool = ThreadPoolExecutor(self.threads, "footer")
            return self._thread_pool
        if self.processes <= 1 or self._local_seen <= PROCESS_THRESHOLD:
            return None
        if self._process_pool is None:
            # fork: workers start in milliseconds and need nothing re-imported
            context = multiprocessing.get_context("fork")
            self._process_pool = ProcessPoolExecutor(self.processes, mp_context=context)
        return self._process_pool

    def _submit(self, filesystem: pafs.FileSystem, items: list[Item]) -> list[Future[Any]]:
        local = isinstance(filesystem, pafs.LocalFileSystem)
        if local:
            self._local_seen += len(items)
        pool = self._pool(local)
        if pool is None:
            done: Future[Any] = Future()
            done.set_result(_read_chunk(filesystem, items, self.for_cache))
            return [done]
        if not local:
            return [pool.submit(read_one, filesystem, item, self.for_cache) for item in items]
        return [pool.submit(_read_chunk, filesystem, items[i : i + CHUNK], self.for_cache)
                for i in range(0, len(items), CHUNK)]

    def stream(
        self, jobs: Iterable[tuple[Tag, pafs.FileSystem, list[Item]]]
    ) -> Iterator[tuple[Tag, list[Result]]]:
        window: deque[tuple[Tag, int, list[Future[Any]]]] = deque()
        pending = 0

        def collect() -> tuple[Tag, list[Result]]:
            nonlocal pending
            tag, count, futures = window.popleft()
            pending -= count
            results: list[Result] = []
            for future in futures:
                got = future.result()
                results.extend(got if isinstance(got, list) else [got])
            return tag, results

        for tag, filesystem, items in jobs:
            window.append((tag, len(items), self._submit(filesystem, items) if items else []))
            pending += len(items)
            while window and (pending > LOOK_AHEAD_FILES or len(window) > LOOK_AHEAD_TABLES):
                yield collect()
        while window:
            yield collect()
