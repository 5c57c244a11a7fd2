"""`catalog-sync assets`: what the catalog holds, filtered by tags."""

from __future__ import annotations

from typing import Annotated

import typer

from catalog_sync.cli.output import fail, print_json, stdout
from catalog_sync.errors import CatalogSyncError
from catalog_sync.settings import get_settings

# Start-up time of every sub-command: the catalog reader and tagging modules are imported only
# when `assets` runs.


def assets(
    ctx: typer.Context,
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
    """Datasets in the catalog carrying all the given tags (`assets show URN`: one asset)."""
    if ctx.invoked_subcommand:  # `assets show ...`
        return
    from catalog_sync.catalog.lite_reader import read_entries
    from catalog_sync.cli.render import print_assets
    from catalog_sync.tagging import load_tag_set
    from catalog_sync.tagging.known import check_known_tags

    wanted = set(tag or [])
    try:
        tag_set = load_tag_set(get_settings().tags_dir) if view or wanted else None
        saved = tag_set.view(view) if tag_set and view else None
        everything = list(read_entries(get_settings().catalog))
        if tag_set is not None:
            check_known_tags(wanted, tag_set, (t for e in everything for t in e.tags))
        entries = [
            e for e in everything
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
    print_assets(entries, stdout)
