"""`catalog-sync doctor`: show what the settings point at and whether each is reachable."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from catalog_sync.cli.output import print_json, stdout
from catalog_sync.doctor import DEFAULT_TIMEOUT, Status, diagnose
from catalog_sync.settings import get_settings

_STYLE = {Status.OK: "green", Status.WARN: "yellow", Status.FAIL: "bold red"}


def doctor(
    json_output: Annotated[bool, typer.Option("--json", help="Print the checks as JSON.")] = False,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.1, help="Seconds to wait for DataHub GMS.")
    ] = DEFAULT_TIMEOUT,
) -> None:
    """Check the catalog (embedded file or GMS), binding root, token file and tags in use."""
    diagnosis = diagnose(get_settings(), timeout=timeout)
    if json_output:
        print_json(diagnosis.as_dict())
    else:
        table = Table(show_edge=False)
        for column in ("check", "status", "in use", "detail"):
            table.add_column(column)
        for c in diagnosis.checks:
            style = _STYLE[c.status]
            table.add_row(c.name, f"[{style}]{c.status}[/]", c.target, c.detail)
        stdout.print(table)
        stdout.print("all required checks passed" if diagnosis.ok else
                     "some required checks failed", highlight=False)
    raise typer.Exit(diagnosis.exit_code)
