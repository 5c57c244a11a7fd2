"""Holding a catalog's run lock from another thread, as a concurrent run would."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from catalog_sync.sync.lock import run_lock


@contextmanager
def held_for(lock: Path, seconds: float) -> Iterator[None]:
    """The block starts once another thread holds `lock`; that thread lets go after `seconds`.
    Leaving the block waits for it to finish."""
    held = threading.Event()

    def hold() -> None:
        with run_lock(lock):
            held.set()
            time.sleep(seconds)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(5), f"{lock} was never taken"
        yield
    finally:
        holder.join()
