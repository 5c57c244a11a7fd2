"""Printing for the CLI: JSON for machines, rich tables for people, one-line errors."""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

import typer
from rich.console import Console

from catalog_sync.errors import CatalogSyncError

console = Console(stderr=True)
stdout = Console()


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n")


def fail(err: CatalogSyncError) -> NoReturn:
    """One line on stderr naming what is wrong, then the error's exit code."""
    console.print(f"[bold red]error:[/] {err}", highlight=False, soft_wrap=True)
    raise typer.Exit(err.exit_code)
