"""`catalog-sync doctor`: show what the settings point at and whether each is reachable."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.text import Text

from catalog_sync.cli.output import print_json, stdout
from catalog_sync.cli.render import fitted_table
from catalog_sync.settings import get_settings

# Start-up time of every sub-command: catalog_sync.doctor (httpx, the catalog reader, DataHub's
# modules) is imported only when `doctor` runs. Hence this copy of its DEFAULT_TIMEOUT, which
# --help shows: keep the two equal.
DEFAULT_TIMEOUT = 3.0


def doctor(
    json_output: Annotated[bool, typer.Option("--json", help="Print the checks as JSON.")] = False,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.1, help="Seconds to wait for DataHub GMS.")
    ] = DEFAULT_TIMEOUT,
) -> None:
    """Check the catalog (embedded file or GMS), binding root, token file and tags in use."""
    from catalog_sync.doctor import Status, diagnose

    styles = {Status.OK: "green", Status.WARN: "yellow", Status.FAIL: "bold red"}
    diagnosis = diagnose(get_settings(), timeout=timeout)
    if json_output:
        print_json(diagnosis.as_dict())
    else:
        stdout.print(fitted_table(
            ("check", "status", "in use", "detail"),
            [(c.name, Text(c.status.value, style=styles[c.status]), c.target, c.detail)
             for c in diagnosis.checks], paths=("in use",)))
        stdout.print("all required checks passed" if diagnosis.ok else
                     "some required checks failed", highlight=False)
    raise typer.Exit(diagnosis.exit_code)
