"""`catalog-sync assets`: what the catalog holds, filtered by tags or a saved view."""

from __future__ import annotations

from typing import Annotated

import typer

from catalog_sync.cli.output import fail, print_json, stdout
from catalog_sync.errors import CatalogSyncError
from catalog_sync.settings import get_settings

# Start-up time of every sub-command: the store and tagging modules are imported only when
# `assets` runs.


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
    from catalog_sync.cli.render import print_assets
    from catalog_sync.store import AssetQuery, EntityKind, open_store
    from catalog_sync.tagging import load_tag_set
    from catalog_sync.tagging.known import check_known_tags
    from catalog_sync.tagging.views import view_query

    settings = get_settings()
    wanted = frozenset(tag or [])
    try:
        store = open_store(settings)
        in_use = [c.name for c in store.tag_counts()]
        tag_set = load_tag_set(settings.tags_dir) if view or wanted else None
        if tag_set is not None:
            check_known_tags(wanted, tag_set, in_use)
        if tag_set is not None and view:
            query = view_query(tag_set.view(view), in_use, wanted)
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
    print_assets(entries, stdout)
