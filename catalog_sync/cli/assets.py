"""`catalog-sync assets`: what the catalog holds, filtered by tags or a saved view."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from catalog_sync.cli.output import fail, print_json, stdout
from catalog_sync.errors import CatalogSyncError
from catalog_sync.settings import get_settings

# Start-up time of every sub-command: the store and tagging modules are imported only when
# `assets` runs.


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
    from catalog_sync.store import AssetQuery, EntityKind, open_store
    from catalog_sync.tagging import load_tag_set
    from catalog_sync.tagging.views import view_query

    settings = get_settings()
    wanted = frozenset(tag or [])
    try:
        store = open_store(settings)
        if view:
            saved = load_tag_set(settings.tags_dir).view(view)
            query = view_query(saved, (c.name for c in store.tag_counts()), wanted)
        else:
            kind = EntityKind.ALL if containers else EntityKind.DATASET
            query = AssetQuery(all_tags=wanted, kind=kind)
        entries = sorted(store.scan(query), key=lambda e: e.urn) if query is not None else []
        store.close()
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
