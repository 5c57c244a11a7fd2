"""`catalog-sync pgadmin`: pgAdmin's server-import file and pgpass files, from the catalog or
straight from a binding root."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from catalog_sync.cli.output import console, fail
from catalog_sync.cli.render import plural
from catalog_sync.errors import BadInputError, CatalogSyncError
from catalog_sync.settings import get_settings

# Start-up time of every sub-command: catalog_sync.pgadmin and the catalog (DataHub's modules)
# are imported only when `pgadmin` runs. Hence these copies of catalog_sync.pgadmin.model's
# DEFAULT_SSLMODE and DEFAULT_CONNECT_TIMEOUT, which --help shows: keep them equal.
DEFAULT_SSLMODE = "prefer"
DEFAULT_CONNECT_TIMEOUT = 10


def _warn(context: str, message: str) -> None:
    console.print(f"[yellow]warning:[/] {context}: {message}", highlight=False, soft_wrap=True)


def pgadmin(
    suffix: Annotated[
        str, typer.Option("--suffix", help="Ends every group name (e.g. the namespace).")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="servers.json to write.")] = Path(
        "servers.json"
    ),
    passfile_dir: Annotated[
        Path | None,
        typer.Option("--passfile-dir", help="Write one pgpass file (0600) per binding here; "
                     "each server's PassFile points at it."),
    ] = None,
    group: Annotated[
        list[str] | None,
        typer.Option("--group", "-g", help="ROLE=GROUP NAME, `{suffix}` allowed (repeat). "
                     "Defaults: training, inference."),
    ] = None,
    from_bindings: Annotated[
        bool, typer.Option("--from-bindings", help="Read the binding root, not the catalog; "
                           "roles come from the tag rules.")
    ] = False,
    binding_root: Annotated[
        Path | None, typer.Option("--binding-root", help="Default: $SERVICE_BINDING_ROOT.")
    ] = None,
    sslmode: Annotated[
        str, typer.Option("--sslmode", help="SSL mode for bindings that set none.")
    ] = DEFAULT_SSLMODE,
    server_mode: Annotated[
        str | None,
        typer.Option("--server-mode", metavar="EMAIL", help="For pgAdmin in server mode: "
                     "--passfile-dir is a folder inside this user's storage "
                     "(<STORAGE_DIR>/<EMAIL, @ as _>/), and PassFile paths are relative to it."),
    ] = None,
    shared: Annotated[
        bool, typer.Option("--shared", help="Mark the servers Shared (server mode: every "
                           "pgAdmin user sees them).")
    ] = False,
    sslrootcert: Annotated[
        str | None, typer.Option("--sslrootcert", metavar="PATH",
                                 help="Root certificate file, as pgAdmin sees it.")
    ] = None,
    connect_timeout: Annotated[
        int, typer.Option("--connect-timeout", min=0, metavar="SECONDS",
                          help="libpq connect_timeout for every server (0: wait forever).")
    ] = DEFAULT_CONNECT_TIMEOUT,
) -> None:
    """Generate pgAdmin's servers.json (one group per role) and pgpass files."""
    from catalog_sync.pgadmin import (
        ExportOptions,
        export_from_bindings,
        export_from_catalog,
        write_server_file,
    )
    from catalog_sync.pgadmin.atomic import check_target
    from catalog_sync.store import open_store

    settings = get_settings()
    root = binding_root or settings.binding_root
    try:
        options = ExportOptions(
            suffix=suffix, groups=tuple(group or ()), default_sslmode=sslmode,
            passfile_dir=pgadmin_passfile_dir(passfile_dir, server_mode),
            server_mode=server_mode, shared=shared, sslrootcert=sslrootcert,
            connect_timeout=connect_timeout,
        )
        check_target(out)  # before any binding is read: one line, nothing else printed
        if from_bindings:
            result = export_from_bindings(options, root, settings.tags_dir, _warn)
        else:
            result = export_from_catalog(options, open_store(settings), root, _warn,
                                         settings.tags_dir)
        written = write_server_file(result, out, passfile_dir)
    except CatalogSyncError as err:
        fail(err)
    groups = sorted({s.group for s in result.servers})
    console.print(
        f"wrote {out}: {plural(len(result.servers), 'server')} in "
        f"{plural(len(groups), 'group')} ({', '.join(groups)}); "
        f"{plural(len(written) - 1, 'pgpass file')}",
        highlight=False, soft_wrap=True,
    )
    if server_mode and passfile_dir and len(written) > 1:
        console.print(f"copy {passfile_dir} to <STORAGE_DIR>/{server_mode.replace('@', '_')}/"
                      f"{passfile_dir} (pgAdmin's storage for {server_mode})", highlight=False,
                      soft_wrap=True)


def pgadmin_passfile_dir(passfile_dir: Path | None, server_mode: str | None) -> str | None:
    """The pgpass folder as pgAdmin will see it: absolute in desktop mode; in server mode the
    same relative path inside the user's storage folder (so it must be given relative)."""
    if passfile_dir is None:
        return None
    if server_mode is None:
        return str(passfile_dir.resolve())
    if passfile_dir.is_absolute() or ".." in passfile_dir.parts:
        raise BadInputError(f"--passfile-dir {passfile_dir}: with --server-mode give a relative "
                            "folder; it is written here and read by pgAdmin at the same place "
                            "inside the user's storage folder")
    return passfile_dir.as_posix()
