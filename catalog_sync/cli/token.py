"""`catalog-sync token create|list|revoke`: API tokens; only their hashes are stored."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from catalog_sync.auth import TokenStore
from catalog_sync.cli.output import console, fail, print_json, stdout
from catalog_sync.errors import CatalogSyncError
from catalog_sync.settings import get_settings

app = typer.Typer(help="API tokens (stored as hashes in CATALOG_SYNC_TOKENS_FILE).",
                  no_args_is_help=True)


def _store() -> TokenStore:
    return TokenStore(get_settings().tokens_path)


@app.command()
def create(
    scope: Annotated[list[str], typer.Option(
        "--scope", help="catalog:read, bindings:secrets, usage:write, tags:write (repeat).")],
    name: Annotated[str | None, typer.Option("--name", help="A label for list/revoke.")] = None,
) -> None:
    """Create a token and print it once; it cannot be shown again."""
    try:
        record, token = _store().create(scope, name)
    except CatalogSyncError as err:
        fail(err)
    console.print(f"token {record.name} ({record.id}) scopes {', '.join(record.scopes)}; "
                  "store it now, it is not kept", highlight=False)
    typer.echo(token)


@app.command("list")
def list_tokens(json_output: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Tokens by id, name, scopes and creation time (never the token)."""
    try:
        records = _store().list()
    except CatalogSyncError as err:
        fail(err)
    if json_output:
        print_json([r.public() for r in records])
        return
    table = Table(show_edge=False)
    for column in ("id", "name", "scopes", "created"):
        table.add_column(column)
    for r in records:
        table.add_row(r.id, r.name, ", ".join(r.scopes), r.created)
    stdout.print(table)


@app.command()
def revoke(token: Annotated[str, typer.Argument(help="Token id or name.")]) -> None:
    """Remove a token; a running server refuses it from its next request."""
    try:
        record = _store().revoke(token)
    except CatalogSyncError as err:
        fail(err)
    console.print(f"revoked {record.name} ({record.id})", highlight=False)
