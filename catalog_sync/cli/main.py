"""The `catalog-sync` command: one sub-command per module in this package."""

from __future__ import annotations

import logging
import os

import typer

from catalog_sync.cli import sample, tags, token
from catalog_sync.cli.assets import assets
from catalog_sync.cli.discover import project_binding, resolve
from catalog_sync.cli.doctor import doctor
from catalog_sync.cli.ingest import ingest
from catalog_sync.cli.pgadmin import pgadmin
from catalog_sync.cli.serve import serve

app = typer.Typer(
    name="catalog-sync",
    help="Keep DataHub true to the lake and the service-bound databases; resolve tags to connections.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def main(
    debug: bool = typer.Option(False, "--debug", help="Debug logging on stderr."),
) -> None:
    """Configure logging once for every sub-command."""
    level = logging.DEBUG if debug else getattr(logging, os.environ.get("CATALOG_SYNC_LOG_LEVEL", "WARNING"))
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    if not debug:
        logging.getLogger("datahub").setLevel(logging.ERROR)
        # Per-record tracebacks and report echoes drown the run report, which lists them all.
        for name in ("datahub.ingestion.run.sink_callback", "datahub.ingestion.api.source"):
            logging.getLogger(name).setLevel(logging.CRITICAL)


app.command()(ingest)
app.command()(assets)
app.command()(doctor)
app.command()(pgadmin)
app.add_typer(sample.app, name="sample")
app.command()(resolve)
app.command("project-binding")(project_binding)
app.command()(serve)
app.add_typer(token.app, name="token")
app.add_typer(tags.app, name="tags")
