"""Helpers for the sync tests: run `catalog-sync ingest` and read the catalog back."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from catalog_sync.cli.main import app
from catalog_sync.sample.lake import generate_sample_lake
from catalog_sync.store.lite.index import read_entries
from tests.support.backends import Backend

# The real CLI in a separate process: `[sys.executable, "-c", CLI, "ingest", ...]`.
CLI = "from catalog_sync.cli.main import app; app(prog_name='catalog-sync')"


def write_tables(lake: Path, prefix: str, count: int) -> None:
    """`count` small one-file tables named `<prefix>000`, `<prefix>001`..."""
    for i in range(count):
        folder = lake / f"{prefix}{i:03d}"
        folder.mkdir(parents=True)
        table = pa.table({"id": pa.array(range(i, i + 5), pa.int64()), "name": ["a"] * 5})
        pq.write_table(table, folder / "part-00000.parquet")


@dataclass
class Run:
    """One `catalog-sync ingest --json` call: exit code, parsed report (if any), output."""

    exit_code: int
    report: dict[str, Any]
    output: str

    def failure_titles(self) -> list[str]:
        return [f["title"] for f in self.report.get("failures", [])]


Ingest = Callable[..., Run]


@pytest.fixture
def ingest(workdir: Path) -> Ingest:
    """Run the real CLI in-process; `ingest("recipes/lake.yml", "--force")`."""

    def run(*args: str) -> Run:
        result = CliRunner().invoke(app, ["ingest", *args, "--json"])
        try:
            report = json.loads(result.stdout)
        except ValueError:
            report = {}
        return Run(result.exit_code, report, result.output)

    return run


@pytest.fixture
def lake(workdir: Path) -> Path:
    """The sample lake (4 tables) where recipes/lake.yml looks for it."""
    return generate_sample_lake(workdir / "sample-lake")


def removed_by_name(catalog: Path | Backend) -> dict[str, bool]:
    """Dataset name (last path part) -> status.removed, soft-deleted ones included."""
    entries = (catalog.entries(include_removed=True) if isinstance(catalog, Backend)
               else read_entries(catalog, include_removed=True))
    return {e.name.rsplit("/", 1)[-1]: e.removed for e in entries if e.entity_type == "dataset"}


def export(catalog: Path | Backend) -> list[tuple[str, str, Any]]:
    """Every latest aspect, without systemMetadata (run ids and timestamps differ by run)."""
    return (catalog if isinstance(catalog, Backend) else Backend("lite", catalog)).export()
