"""Progress from inside sources to whoever is watching (the CLI's rich bar), if anyone.

Sources run inside DataHub's Pipeline and cannot take a callback argument, so the CLI installs
a listener for the duration of a run; with none installed, reporting costs nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol


class ProgressListener(Protocol):
    def discovered(self, unit: str, count: int) -> None:
        """`count` more `unit`s (files, tables) are known to be coming."""

    def done(self, unit: str, count: int) -> None:
        """`count` more `unit`s were processed."""


_listener: ContextVar[ProgressListener | None] = ContextVar("progress_listener", default=None)


def discovered(unit: str, count: int = 1) -> None:
    listener = _listener.get()
    if listener is not None:
        listener.discovered(unit, count)


def done(unit: str, count: int = 1) -> None:
    listener = _listener.get()
    if listener is not None:
        listener.done(unit, count)


@contextmanager
def listening(listener: ProgressListener) -> Iterator[None]:
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)
