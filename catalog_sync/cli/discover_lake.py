"""The lake half of `catalog-sync resolve` and `project-binding`: tags -> lake datasets -> how
to read them, locally (embedded catalog + binding root) or through a running API."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from catalog_sync.cli.output import console, fail, print_json
from catalog_sync.discovery.formats import Format
from catalog_sync.errors import CatalogSyncError
from catalog_sync.settings import get_settings

if TYPE_CHECKING:
    from catalog_sync.discovery.lake import LakeAccess
    from catalog_sync.store import CatalogStore


def wants_lake_locally(tags: list[str], fmt: Format, type_: str | None, provider: str | None,
                       name: str | None) -> bool:
    """Whether a local resolve is for lake datasets (see discovery.answer)."""
    from catalog_sync.discovery.answer import wants_lake
    from catalog_sync.store import open_store

    try:
        return wants_lake(open_store(get_settings()), tags, fmt, type_, provider, name)
    except CatalogSyncError as err:
        fail(err)


def record_locally(store: CatalogStore, pipeline: str, urns: list[str]) -> None:
    """`--as`: note the reads in the catalog; a failure is a warning, the answer still given."""
    from catalog_sync.usage.aspects import Pipeline
    from catalog_sync.usage.record import record_reads

    warning = record_reads(store, Pipeline.parse(pipeline), urns)
    if warning is not None:
        console.print(f"warning: {warning}", highlight=False)


def local_accesses(tags: list[str], type_: str | None, provider: str | None,
                   name: str | None, one: bool, pipeline: str | None = None
                   ) -> list[LakeAccess]:
    from catalog_sync.discovery.answer import resolve_lake
    from catalog_sync.store import open_store

    settings = get_settings()
    try:
        store = open_store(settings)
        found = resolve_lake(store, tags, type=type_, provider=provider, name=name, one=one,
                             binding_root=settings.binding_root)
        if pipeline is not None:
            record_locally(store, pipeline, [a.dataset.urn for a in found])
        return found
    except CatalogSyncError as err:
        fail(err)


def print_answer(rendered: dict[str, Any] | str) -> None:
    if isinstance(rendered, dict):
        print_json(rendered)
    else:
        sys.stdout.write(rendered if rendered.endswith("\n") else rendered + "\n")


def resolve_lake_locally(tags: list[str], fmt: Format, type_: str | None,
                         provider: str | None, name: str | None, one: bool,
                         pipeline: str | None = None) -> None:
    """Print the lake answer; locally the caller can read the binding root anyway, so
    credentials are included."""
    from catalog_sync.discovery.answer import render_lake

    accesses = local_accesses(tags, type_, provider, name, one, pipeline)
    try:
        print_answer(render_lake(accesses, fmt, secrets=True, one=one))
    except CatalogSyncError as err:
        fail(err)


def project_lake_binding(to: Path, tags: list[str], type_: str | None, provider: str | None,
                         name: str | None, no_password: bool) -> None:
    """Write the one lake dataset's object-storage binding folder."""
    from catalog_sync.discovery.project import project_object_binding

    access = local_accesses(tags, type_, provider, name, one=True)[0]
    try:
        written = project_object_binding(access, to, secrets=not no_password)
    except CatalogSyncError as err:
        fail(err)
    console.print(f"wrote binding {access.dataset.binding or access.dataset.name!r} to {to}: "
                  f"{', '.join(written)}", highlight=False)
