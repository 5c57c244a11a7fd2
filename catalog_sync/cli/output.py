"""Printing for the CLI: JSON for machines, rich tables for people, one-line errors.

`--json` and `--debug` are global (see catalog_sync.cli.group): wherever they were typed, the
root command records them here once per invocation, and everything below reads them.
"""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

import typer
from rich.console import Console

from catalog_sync.errors import CatalogSyncError

console = Console(stderr=True)
stdout = Console()

_flags = {"json": False, "debug": False}


def set_global_flags(*, json_output: bool, debug: bool) -> None:
    """Called by the root command at every invocation (so a test's runs never leak)."""
    _flags.update(json=json_output, debug=debug)


def json_requested(local: bool = False) -> bool:
    """True when `--json` was given, before or after the sub-command; `local` is a command's
    own `--json` parameter (kept for its help text)."""
    if local:
        _flags["json"] = True
    return _flags["json"]


def debug_requested() -> bool:
    return _flags["debug"]


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n")


def error_object(message: str, kind: str, exit_code: int) -> dict[str, Any]:
    """The `--json` shape of an error that ended a command."""
    return {"error": {"type": kind, "message": message, "exit_code": exit_code}}


def print_error(message: str, kind: str, exit_code: int) -> None:
    """One line on stderr; with `--json` also the error as a JSON object on stdout."""
    console.print(f"[bold red]error:[/] {rich_escape(message)}", highlight=False, soft_wrap=True)
    if json_requested():
        print_json(error_object(message, kind, exit_code))


def fail(err: CatalogSyncError) -> NoReturn:
    """One line on stderr naming what is wrong (and JSON with `--json`), then the error's
    exit code."""
    print_error(str(err), type(err).__name__, err.exit_code)
    raise typer.Exit(err.exit_code)


def rich_escape(text: str) -> str:
    """User text (paths, values) printed through rich markup: `[x]` stays literal."""
    from rich.markup import escape

    return escape(text)
