"""Worker processes that parse footers: started clean, gone with the run, and a crash costs a file.

- **Started clean.** Workers are forked by multiprocessing's fork server, which is itself a
  fresh interpreter (started with only the fds it needs), so no worker inherits the run lock
  or any other descriptor of the ingest process. Forked straight from the ingest process they
  would share the lock's open file, and outlive a SIGKILLed run holding it.
- **Gone with the run.** Each worker holds the read end of a pipe whose only write end is the
  ingest process's; a thread of the worker waits on it and exits the worker at end-of-file,
  which the kernel delivers as soon as the ingest process dies, SIGKILL included. (Watching
  the parent does not work here: the fork server is the parent, and it only exits once every
  worker has.)
- **A crash costs a file.** A crash inside pyarrow's C++ kills its worker and breaks the pool.
  Every chunk that was in flight is then read again one file at a time in a fresh worker of
  its own pool: the file that kills that worker too is reported, and the others are read.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, TypeVar

logger = logging.getLogger(__name__)

# What the fork server imports once, so a worker starts with pyarrow already loaded.
PRELOAD = ["catalog_sync.sources.lake.footer_worker"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Crashed:
    """The file killed the process reading it, twice (once in a chunk, once alone)."""

    reason: str = "its footer reader process died reading it (a crash inside pyarrow)"


def _exit_with_the_run(alive: Connection) -> None:
    """Worker initializer: exit as soon as the ingest process's end of `alive` closes."""

    def watch() -> None:
        try:
            alive.recv_bytes()  # nothing is ever sent: this returns at end-of-file only
        except (EOFError, OSError):
            pass
        os._exit(1)

    threading.Thread(target=watch, name="run-watch", daemon=True).start()


class WorkerPool(ProcessPoolExecutor):
    """A pool of workers forked by the fork server that end with the ingest process."""

    def __init__(self, processes: int) -> None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        self._alive_reader, self._alive_writer = multiprocessing.Pipe(duplex=False)
        super().__init__(processes, mp_context=context, initializer=_exit_with_the_run,
                         initargs=(self._alive_reader,))

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        super().shutdown(wait=wait, cancel_futures=cancel_futures)
        self._alive_writer.close()  # workers still running exit now
        self._alive_reader.close()


def new_pool(processes: int) -> WorkerPool:
    """A pool of `processes` workers (see the module docstring)."""
    return WorkerPool(processes)


def warm(pool: ProcessPoolExecutor) -> None:
    """Start the pool's workers now (the fork server's start is the slow part, ~0.3 s)."""
    pool.submit(int).result()


def isolated(task: Callable[[Sequence[Any]], list[T]], items: Sequence[Any]) -> list[T | Crashed]:
    """`task` on each item alone, in a one-worker pool: an item that kills the worker is
    `Crashed`, and the next item gets a fresh worker."""
    results: list[T | Crashed] = []
    pool = new_pool(1)
    try:
        for item in items:
            future: Future[list[T]] = pool.submit(task, [item])
            try:
                results.extend(future.result())
            except BrokenProcessPool:
                logger.debug("footer reader process died on %r", item)
                results.append(Crashed())
                pool.shutdown(wait=False, cancel_futures=True)
                pool = new_pool(1)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    return results
