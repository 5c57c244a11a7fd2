"""`catalog-sync assets`: what the catalog holds, filtered by tags."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from catalog_sync.cli.output import fail, print_json, stdout
from catalog_sync.errors import CatalogSyncError
from catalog_sync.settings import get_settings

# Start-up time of every sub-command: the catalog reader and tagging modules are imported only
# when `assets` runs.


def assets(
    tag: Annotated[
        list[str] | None, typer.Option("--tag", "-t", help="Only assets with this tag (repeat: all of).")
    ] = None,
    containers: Annotated[
        bool, typer.Option("--containers", help="Include containers (databases, schemas, folders).")
    ] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print a JSON list.")] = False,
    view: Annotated[
        str | None,
        typer.Option("--view", help="Only assets in this saved view (tags/views.yml)."),
    ] = None,
) -> None:
    """Datasets in the catalog carrying all the given tags."""
    from catalog_sync.catalog.lite_reader import read_entries
    from catalog_sync.tagging import load_tag_set

    wanted = set(tag or [])
    try:
        saved = load_tag_set(get_settings().tags_dir).view(view) if view else None
        entries = [
            e for e in read_entries(get_settings().catalog)
            if wanted <= set(e.tags)
            and (
                saved.covers(set(e.tags)) and e.entity_type in saved.entity_types
                if saved else containers or e.entity_type == "dataset"
            )
        ]
    except CatalogSyncError as err:
        fail(err)
    if json_output:
        print_json([e.summary() for e in entries])
        return
    table = Table(show_edge=False)
    for column in ("name", "platform", "type", "tags", "rows", "files"):
        # Names are long paths or URNs: fold them rather than cut them off.
        table.add_column(column, overflow="fold", min_width=4)
    for e in entries:
        table.add_row(
            e.name, e.platform, ", ".join(e.subtypes), ", ".join(e.tags),
            e.properties.get("row_count", ""), e.properties.get("file_count", ""),
        )
    stdout.print(table)
    stdout.print(f"{len(entries)} assets", highlight=False)
