"""The `catalog-sync` command: one sub-command per module in this package."""

from __future__ import annotations

import logging
import os

import typer

from catalog_sync.cli import sample, tags, token
from catalog_sync.cli.asset_show import show as show_asset
from catalog_sync.cli.assets import assets
from catalog_sync.cli.discover import project_binding, resolve
from catalog_sync.cli.doctor import doctor
from catalog_sync.cli.group import CliGroup
from catalog_sync.cli.ingest import ingest
from catalog_sync.cli.output import set_global_flags
from catalog_sync.cli.pgadmin import pgadmin
from catalog_sync.cli.serve import serve
from catalog_sync.cli.tags_list import list_tags

app = typer.Typer(
    name="catalog-sync",
    help="Keep DataHub true to the lake and the service-bound databases; resolve tags to connections.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    cls=CliGroup,
    # Plain help: typer's rich help shows `<bool>` beside every flag, and boxes that wrap at
    # 80 columns; click's layout shows a flag as a flag.
    rich_markup_mode=None,
)


@app.callback()
def main(
    debug: bool = typer.Option(
        False, "--debug", help="Debug logging on stderr, tracebacks for errors (anywhere on the "
        "line)."),
    json_output: bool = typer.Option(
        False, "--json", help="Machine-readable output, errors included (anywhere on the line)."),
) -> None:
    """Configure logging and the global flags once for every sub-command."""
    set_global_flags(json_output=json_output, debug=debug)
    level = logging.DEBUG if debug else getattr(logging, os.environ.get("CATALOG_SYNC_LOG_LEVEL", "WARNING"))
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    if not debug:
        logging.getLogger("datahub").setLevel(logging.ERROR)
        # Per-record tracebacks and report echoes drown the run report, which lists them all.
        # The pipeline's own "uncaught exception" traceback too: the run ends in one line.
        for name in ("datahub.ingestion.run.sink_callback", "datahub.ingestion.api.source",
                     "datahub.ingestion.run.pipeline"):
            logging.getLogger(name).setLevel(logging.CRITICAL)


app.command()(ingest)
# `assets` lists (the group's own callback); `assets show URN` shows one.
assets_app = typer.Typer(invoke_without_command=True)
assets_app.callback()(assets)
assets_app.command("show")(show_asset)
app.add_typer(assets_app, name="assets")
app.command()(doctor)
app.command()(pgadmin)
app.add_typer(sample.app, name="sample")
app.command()(resolve)
app.command("project-binding")(project_binding)
app.command()(serve)
app.add_typer(token.app, name="token")
tags.app.command("list")(list_tags)
app.add_typer(tags.app, name="tags")
