"""`catalog-sync tags`: lint the rules, plan and apply them to the catalog, edit tags by hand."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from catalog_sync.cli.output import console, fail, print_json, stdout
from catalog_sync.cli.render import plural
from catalog_sync.errors import CatalogSyncError
from catalog_sync.settings import get_settings

# Start-up time of every sub-command: the catalog and tagging modules (DataHub's) are imported
# only by the command that needs them.
if TYPE_CHECKING:
    from catalog_sync.store import CatalogStore
    from catalog_sync.tagging import TagSet
    from catalog_sync.tagging.edits import ManualEdit
    from catalog_sync.tagging.plan import TagPlan

app = typer.Typer(
    help="Tags as code: lint tags/, plan and apply the rules, add or remove tags by hand.",
    no_args_is_help=True,
)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]
# Edits take the catalog's run lock, like `catalog-sync ingest` (catalog_sync.sync.lock).
WaitOption = Annotated[
    float,
    typer.Option(
        "--wait", min=0, metavar="SECONDS",
        help="Wait this long for an ingestion or edit holding the catalog lock (default: refuse).",
    ),
]


def _policy() -> tuple[TagSet, CatalogStore]:
    from catalog_sync.store import open_store
    from catalog_sync.tagging import load_tag_set

    settings = get_settings()
    return load_tag_set(settings.tags_dir), open_store(settings)


def _print_plan(plan: TagPlan) -> None:
    for change in plan.changes:
        stdout.print(f"~ {change.entity.entity_type} {change.entity.name}", highlight=False)
        stdout.print(f"  [dim]{change.entity.urn}[/]", highlight=False)
        for tag in change.added:
            stdout.print(f"  [green]+ {tag}[/] [dim](rule {change.origins[tag]})[/]",
                         highlight=False)
        for tag in change.removed:
            stdout.print(f"  [red]- {tag}[/]", highlight=False)
    added = sum(len(c.added) for c in plan.changes)
    removed = sum(len(c.removed) for c in plan.changes)
    changing = [c for c in plan.changes if c.added or c.removed]
    if not changing:
        stdout.print("No changes: the catalog's tags match the rules.", highlight=False)
    else:
        stdout.print(f"{plural(len(changing), 'asset')} would change: "
                     f"{plural(added, 'tag')} added, {removed} removed.", highlight=False)
    if plan.without_facts:
        one = plan.without_facts == 1
        stdout.print(f"[dim]{plural(plan.without_facts, 'entity', 'entities')} "
                     f"{'has' if one else 'have'} no recorded facts (folders, or entities from "
                     f"other tools) and {'is' if one else 'are'} left alone.[/]",
                     highlight=False, soft_wrap=True)


def _print_conflicts(plan: TagPlan) -> None:
    for change in plan.conflicts:
        for message in change.conflicts:
            console.print(f"[bold red]conflict:[/] {change.entity.name} ({change.entity.urn}): "
                          f"{message}", highlight=False, soft_wrap=True)


@app.command("lint")
def lint(
    folder: Annotated[
        Path | None, typer.Argument(help="Tags folder (default $CATALOG_SYNC_TAGS_DIR or ./tags).")
    ] = None,
) -> None:
    """Report unknown tags, rules that never match, exclusive-group conflicts, invalid names."""
    from catalog_sync.tagging.lint import lint_folder

    try:
        problems = lint_folder(folder or get_settings().tags_dir)
    except CatalogSyncError as err:
        fail(err)
    for problem in problems:
        stdout.print(str(problem), highlight=False, soft_wrap=True)
    if problems:
        console.print(plural(len(problems), "problem"), highlight=False)
        raise typer.Exit(1)
    console.print("tags/ is clean", highlight=False)


@app.command("plan")
def plan(json_output: JsonFlag = False) -> None:
    """What the rules would change in the catalog: per asset, tags added and removed."""
    from catalog_sync.tagging.edits import tagged_entities
    from catalog_sync.tagging.plan import plan_changes

    try:
        tag_set, store = _policy()
        result = plan_changes(tagged_entities(store), tag_set)
    except CatalogSyncError as err:
        fail(err)
    if json_output:
        print_json(result.as_dict())
    else:
        _print_plan(result)
    _print_conflicts(result)
    if result.conflicts:
        raise typer.Exit(1)


@app.command("apply")
def apply(json_output: JsonFlag = False, wait: WaitOption = 0.0) -> None:
    """Write exactly the plan's changes; refuse everything if the rules conflict."""
    from catalog_sync.tagging.edits import apply_plan, tagged_entities
    from catalog_sync.tagging.plan import plan_changes

    try:
        tag_set, store = _policy()
        with store.editing("catalog-sync tags apply", wait):
            result = plan_changes(tagged_entities(store), tag_set)
            if result.conflicts:
                _print_conflicts(result)
            written = apply_plan(store, result)
    except CatalogSyncError as err:
        fail(err)
    if json_output:
        print_json({**result.as_dict(), "written": written})
    else:
        _print_plan(result)
        console.print(f"{written} assets updated in {store.location}", highlight=False)


def _report(edit: ManualEdit, verb: str) -> None:
    done = f"{verb} {edit.tag!r} on {edit.urn}" if edit.changed else f"nothing to do: {edit.tag!r}"
    console.print(done + (f" ({edit.note})" if edit.note else ""), highlight=False, soft_wrap=True)


@app.command("add")
def add(
    urn: Annotated[str, typer.Argument(help="Dataset or container URN.")],
    tag: Annotated[str, typer.Argument(help="Tag name, e.g. training.")],
    wait: WaitOption = 0.0,
) -> None:
    """Add a tag by hand; recorded as manual, so no rule change or re-ingestion removes it."""
    from catalog_sync.tagging.edits import add_manual_tag

    try:
        tag_set, store = _policy()
        with store.editing("catalog-sync tags add", wait):
            edit = add_manual_tag(store, tag_set, urn, tag)
        _report(edit, "added")
    except CatalogSyncError as err:
        fail(err)


@app.command("remove")
def remove(
    urn: Annotated[str, typer.Argument(help="Dataset or container URN.")],
    tag: Annotated[str, typer.Argument(help="Tag name.")],
    wait: WaitOption = 0.0,
) -> None:
    """Remove a tag from one asset, whoever added it."""
    from catalog_sync.store import open_store
    from catalog_sync.tagging.edits import remove_tag

    try:
        store = open_store(get_settings())
        with store.editing("catalog-sync tags remove", wait):
            edit = remove_tag(store, urn, tag)
        _report(edit, "removed")
    except CatalogSyncError as err:
        fail(err)
