"""`catalog-sync resolve` and `catalog-sync project-binding`: tags -> one binding -> connection,
or tags -> lake datasets -> how to read them (`cli.discover_lake`), locally (embedded catalog
+ binding root) or through a running API (`--api`, `--token`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from catalog_sync.cli.discover_lake import (
    print_answer,
    project_lake_binding,
    record_locally,
    resolve_lake_locally,
    wants_lake_locally,
)
from catalog_sync.cli.output import console, fail, print_json
from catalog_sync.discovery.formats import Format
from catalog_sync.errors import CatalogSyncError
from catalog_sync.settings import get_settings

# Start-up time of every sub-command: the catalog, client and discovery modules (DataHub's) are
# imported only by the command that needs them. Format stays above: typer reads the `--format`
# parameter's type when it builds the CLI, though catalog_sync.discovery.formats is not light.
if TYPE_CHECKING:
    from catalog_sync.discovery import Connection, PasswordStatus

Tags = Annotated[list[str] | None, typer.Option("--tag", "-t", help="Asset tag (repeat: all of).")]
TypeOpt = Annotated[str | None, typer.Option(
    "--type", help="Binding type, e.g. greenplum; s3, gcs or file for lake datasets.")]
AsPipeline = Annotated[str | None, typer.Option(
    "--as", help="Record in the catalog that this pipeline (NAMESPACE/NAME) read the "
    "datasets (via --api: token scope usage:write).")]
One = Annotated[bool, typer.Option(
    "--one", help="Lake datasets: demand exactly one (databases always resolve to one).")]
Provider = Annotated[str | None, typer.Option("--provider", help="Binding provider.")]
Name = Annotated[str | None, typer.Option("--binding", help="A binding name instead of tags.")]
ApiUrl = Annotated[str | None, typer.Option(
    "--api", envvar="CATALOG_SYNC_API_URL", help="Ask a running discovery API instead.")]
Token = Annotated[str | None, typer.Option(
    "--token", envvar="CATALOG_SYNC_API_TOKEN", help="API token (with --api).", show_default=False)]
NoPassword = Annotated[bool, typer.Option(
    "--no-password", help="Accept a connection without its password (and leave it out).")]


def _connection(tags: list[str] | None, type_: str | None, provider: str | None,
                name: str | None, api: str | None, token: str | None,
                no_password: bool, pipeline: str | None = None) -> Connection:
    """The one connection asked for, with its password unless `no_password`; on failure
    (none, several, no password without --no-password) the error, then exit."""
    conn, given = _resolved(tags, type_, provider, name, api, token, pipeline)
    if no_password:
        from dataclasses import replace

        console.print(f"password left out ({given.reason or '--no-password'})", highlight=False)
        return replace(conn, password=None)
    if not given.included:
        from catalog_sync.discovery import NoCredentialsError

        fail(NoCredentialsError(conn.binding, given.reason or "unknown"))
    return conn


def _resolved(tags: list[str] | None, type_: str | None, provider: str | None,
              name: str | None, api: str | None, token: str | None,
              pipeline: str | None = None) -> tuple[Connection, PasswordStatus]:
    from catalog_sync.client import CatalogClient
    from catalog_sync.discovery import (
        ResolutionError,
        connection_for,
        password_status,
        resolve_one,
    )
    from catalog_sync.store import open_store

    try:
        if api:
            with CatalogClient(url=api, token=token) as client:
                return client.connection_and_status(tags=tags or [], type=type_,
                                                    provider=provider, binding=name,
                                                    pipeline=pipeline)
        settings = get_settings()
        store = open_store(settings)
        found = resolve_one(store, tags or [], type=type_, provider=provider, name=name)
        if pipeline is not None:
            record_locally(store, pipeline, list(found.assets))
        conn = connection_for(found, settings.binding_root)
        return conn, password_status(conn, secrets=True, binding_root=settings.binding_root)
    except CatalogSyncError as err:
        if isinstance(err, ResolutionError):
            for c in err.candidate_summaries():
                where = c.get("location") or f"host={c['host']} database={c['database']}"
                console.print(f"  candidate {c['binding'] or '-'}: type={c['type']} "
                              f"provider={c['provider'] or '-'} {where} ({c['assets']} assets)",
                              highlight=False)
        fail(err)


def resolve(
    tag: Tags = None, type_: TypeOpt = None, provider: Provider = None, binding: Name = None,
    format_: Annotated[Format, typer.Option("--format", "-f")] = Format.JSON,
    api: ApiUrl = None, token: Token = None, no_password: NoPassword = False, one: One = False,
    as_: AsPipeline = None,
) -> None:
    """Print the connection of the one database binding reached by assets with these tags
    (without any: every database binding in the catalog is a candidate), or how to read the
    lake datasets they land on (formats json, pyarrow, fsspec, duckdb, env)."""
    from catalog_sync.discovery.formats import render

    if api:
        if _lake_via_api(tag or [], format_, type_, provider, binding, api, token, one, as_):
            return
    elif wants_lake_locally(tag or [], format_, type_, provider, binding):
        resolve_lake_locally(tag or [], format_, type_, provider, binding, one, as_)
        return

    conn = _connection(tag, type_, provider, binding, api, token, no_password, as_)
    try:
        # Locally the caller can read the binding root anyway; via the API the token decides.
        # A connection without its password was refused above unless --no-password.
        rendered = render(conn, format_, secrets=not no_password)
    except CatalogSyncError as err:
        fail(err)
    if isinstance(rendered, dict):
        print_json(rendered)
    else:
        sys.stdout.write(rendered if rendered.endswith("\n") else rendered + "\n")


def project_binding(
    to: Annotated[Path, typer.Option("--to", help="The binding folder to write.")],
    tag: Tags = None, type_: TypeOpt = None, provider: Provider = None, binding: Name = None,
    api: ApiUrl = None, token: Token = None, no_password: NoPassword = False,
) -> None:
    """Write the resolved binding as a servicebinding.io folder (files mode 0600): a
    database's, or the object storage of the one lake dataset the tags land on (locally)."""
    from catalog_sync.discovery.project import project_binding as write_binding_folder

    if not api and wants_lake_locally(tag or [], Format.JSON, type_, provider, binding):
        project_lake_binding(to, tag or [], type_, provider, binding, no_password)
        return

    conn = _connection(tag, type_, provider, binding, api, token, no_password)
    try:
        written = write_binding_folder(conn, to)
    except CatalogSyncError as err:
        fail(err)
    console.print(f"wrote binding {conn.binding!r} to {to}: {', '.join(written)}",
                  highlight=False)


def _lake_via_api(tags: list[str], fmt: Format, type_: str | None, provider: str | None,
                  name: str | None, api: str, token: str | None, one: bool,
                  pipeline: str | None) -> bool:
    """Ask the API; print and return True when it answered for lake datasets (the database
    flow, with its password checks, goes on otherwise)."""
    from catalog_sync.client import CatalogClient

    try:
        with CatalogClient(url=api, token=token) as client:
            kind, rendered = client.resolve_any(tags=tags, type=type_, provider=provider,
                                                binding=name, format=fmt.value, one=one,
                                                pipeline=pipeline)
    except CatalogSyncError as err:
        fail(err)
    if kind != "lake":
        return False
    print_answer(rendered)
    return True
