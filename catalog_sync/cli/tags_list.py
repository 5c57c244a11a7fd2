"""`catalog-sync tags list`: every tag definition with how many assets carry it.

A family (`servicebinding:type:*`) counts all its tags and lists each one found; tags on assets
that no definition covers are listed last, as undefined, since they are usually typos or tags a
tool other than catalog-sync added.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from catalog_sync.cli.output import console, fail, json_requested, print_json, stdout
from catalog_sync.cli.render import fitted_table, human_count, plural
from catalog_sync.errors import CatalogSyncError, CatalogUnavailableError
from catalog_sync.settings import get_settings


def tag_listing(definitions: list[Any], counts: dict[str, int]) -> list[dict[str, Any]]:
    """One row per definition (families with their members), then undefined tags in use."""
    rows: list[dict[str, Any]] = []
    covered: set[str] = set()
    for d in definitions:
        members = sorted(t for t in counts if d.covers(t)) if "*" in d.name else []
        names = members if "*" in d.name else [d.name]
        covered.update(names)
        rows.append({
            "name": d.name, "group": d.group, "colour": d.colour, "description": d.description,
            "count": sum(counts.get(n, 0) for n in names),
            **({"tags": [{"name": m, "count": counts[m]} for m in members]}
               if "*" in d.name else {}),
        })
    for name in sorted(set(counts) - covered):
        rows.append({"name": name, "group": None, "colour": None, "count": counts[name],
                     "description": "(no definition in the tags folder)", "undefined": True})
    return rows


def list_tags(
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
) -> None:
    """Tag definitions with the number of live datasets and containers carrying each."""
    from catalog_sync.store import open_store
    from catalog_sync.tagging import load_tag_set

    settings = get_settings()
    try:
        tag_set = load_tag_set(settings.tags_dir)
        try:
            counts = {c.name: c.count for c in open_store(settings).tag_counts()}
        except CatalogUnavailableError as err:
            console.print(f"[dim]{err}; counts are 0[/]", highlight=False, soft_wrap=True)
            counts = {}
    except CatalogSyncError as err:
        fail(err)
    rows = tag_listing(list(tag_set.definitions), counts)
    if json_requested(json_output):
        print_json(rows)
        return
    lines = []
    for row in rows:
        lines.append((row["name"], row["group"] or "", human_count(row["count"]),
                      row["description"] or ""))
        lines += [(f"  {m['name']}", "", human_count(m["count"]), "") for m in row.get("tags", [])]
    stdout.print(fitted_table(("tag", "group", "assets", "description"), lines,
                              numeric=("assets",)))
    stdout.print(f"{plural(len(tag_set.definitions), 'definition')} in {settings.tags_dir} "
                 f"({settings.tags_dir_origin})", highlight=False, soft_wrap=True)
