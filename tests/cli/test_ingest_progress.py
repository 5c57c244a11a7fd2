"""The progress bar over files that `catalog-sync ingest` shows on a terminal."""

from __future__ import annotations

import io
from pathlib import Path

import pyarrow as pa
from rich.console import Console

from catalog_sync.cli.progress_bar import progress_bar
from catalog_sync.ingest.run import run_recipes
from catalog_sync.settings import get_settings
from tests.support.lake import write_parquet, write_recipe


def _recipe(workdir: Path) -> Path:
    for name in ("a/1.parquet", "a/2.parquet", "b/k=1/1.parquet"):
        write_parquet(workdir / "lake", name, pa.table({"x": [1]}))
    return write_recipe(workdir / "r.yml", {"paths": [str(workdir / "lake")]})


def test_progress_bar_counts_every_file_on_a_terminal(workdir: Path) -> None:
    recipe = _recipe(workdir)
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=100)
    with progress_bar(console, enabled=True):
        report = run_recipes([recipe], get_settings())
    assert report.as_dict()["files"] == 3
    shown = screen.getvalue()
    assert "files" in shown and "3/3" in shown


def test_no_progress_bar_off_a_terminal(workdir: Path) -> None:
    recipe = _recipe(workdir)
    screen = io.StringIO()
    with progress_bar(Console(file=screen, force_terminal=False), enabled=True):
        run_recipes([recipe], get_settings())
    assert screen.getvalue() == ""
