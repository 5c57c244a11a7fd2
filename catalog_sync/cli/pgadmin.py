"""`catalog-sync pgadmin`: pgAdmin's server-import file and pgpass files, from the catalog or
straight from a binding root."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from catalog_sync.cli.output import console, fail
from catalog_sync.errors import CatalogSyncError
from catalog_sync.settings import get_settings

# Start-up time of every sub-command: catalog_sync.pgadmin and the catalog (DataHub's modules)
# are imported only when `pgadmin` runs. Hence this copy of catalog_sync.pgadmin.model's
# DEFAULT_SSLMODE, which --help shows: keep the two equal.
DEFAULT_SSLMODE = "prefer"


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
    options = ExportOptions(
        suffix=suffix, groups=tuple(group or ()), default_sslmode=sslmode,
        passfile_dir=str(passfile_dir.resolve()) if passfile_dir else None,
    )
    root = binding_root or settings.binding_root
    try:
        check_target(out)  # before any binding is read: one line, nothing else printed
        if from_bindings:
            result = export_from_bindings(options, root, settings.tags_dir, _warn)
        else:
            result = export_from_catalog(options, open_store(settings), root, _warn)
        written = write_server_file(result, out, passfile_dir)
    except CatalogSyncError as err:
        fail(err)
    groups = sorted({s.group for s in result.servers})
    console.print(
        f"wrote {out}: {len(result.servers)} servers in {len(groups)} groups "
        f"({', '.join(groups)}); {len(written) - 1} pgpass files",
        highlight=False, soft_wrap=True,
    )
