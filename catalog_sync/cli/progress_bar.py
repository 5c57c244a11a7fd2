"""A rich progress bar that listens to sources' progress (see catalog_sync.progress)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from catalog_sync.progress import listening


class _RichListener:
    def __init__(self, bar: Progress) -> None:
        self.bar = bar
        self.tasks: dict[str, TaskID] = {}

    def _task(self, unit: str) -> TaskID:
        if unit not in self.tasks:
            self.tasks[unit] = self.bar.add_task(unit, total=0)
        return self.tasks[unit]

    def discovered(self, unit: str, count: int) -> None:
        task = self._task(unit)
        total = self.bar.tasks[task].total or 0
        self.bar.update(task, total=total + count)

    def done(self, unit: str, count: int) -> None:
        self.bar.advance(self._task(unit), count)


@contextmanager
def progress_bar(console: Console, enabled: bool) -> Iterator[None]:
    """Show progress on a terminal; do nothing when disabled or not a terminal."""
    if not enabled or not console.is_terminal:
        yield
        return
    bar = Progress(
        TextColumn("{task.description:>8}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=console, transient=False,
    )
    with bar, listening(_RichListener(bar)):
        yield
