"""`catalog-sync assets show URN`: one asset in full (catalog_sync.details.AssetDetails, the
object `/v1/assets/{urn}` returns): schema with keys, nullability, defaults and comments,
profile, lineage, view SQL, tags with who added each, binding coordinates."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from catalog_sync.cli.output import fail, json_requested, print_json, stdout
from catalog_sync.cli.render import fitted_table, human_bytes, human_count, plural
from catalog_sync.errors import CatalogSyncError
from catalog_sync.settings import get_settings

if TYPE_CHECKING:
    from catalog_sync.details import AssetDetails


class AssetNotFoundError(CatalogSyncError):
    """No live dataset or container with that URN (exit 1)."""

    def __init__(self, urn: str, where: str) -> None:
        super().__init__(f"no asset {urn!r} in {where} (list them with `catalog-sync assets "
                         "--containers --json`)")
        self.urn = urn


def show(
    urn: Annotated[str, typer.Argument(help="Dataset or container URN.")],
    json_output: Annotated[bool, typer.Option("--json", help="Print the details as JSON.")] = False,
) -> None:
    """One asset in full: schema, keys, defaults, profile, lineage, view SQL, tags and who
    added them, binding."""
    from catalog_sync.details import AssetDetails
    from catalog_sync.store import open_store

    try:
        store = open_store(get_settings())
        entry = store.get(urn)
        if entry is None:
            raise AssetNotFoundError(urn, f"the catalog ({store.kind})")
        uses = store.usage_of(urn) if entry.entity_type == "dataset" else []
    except CatalogSyncError as err:
        fail(err)
    details = AssetDetails.of(entry, uses)
    if json_requested(json_output):
        print_json(details.model_dump(mode="json"))
        return
    print_details(details, stdout)


def _line(console: Console, text: str) -> None:
    console.print(text, highlight=False, soft_wrap=True, markup=False)


def print_details(d: AssetDetails, console: Console) -> None:
    _line(console, f"{d.name}  ({d.type}, {d.platform}{', ' if d.subtypes else ''}"
          f"{', '.join(d.subtypes)})")
    _line(console, d.urn)
    if d.description:
        _line(console, d.description)
    if d.binding:
        b = d.binding
        where = f"{b.host or '?'}:{b.port or '?'}/{b.database or '?'}"
        _line(console, f"binding: {b.name} ({b.type or '?'}, provider {b.provider or '-'}) "
              f"{where} sslmode={b.sslmode or '-'}")
    _line(console, f"\n{plural(len(d.tag_associations), 'tag')}")
    for t in d.tag_associations:
        who = {"catalog-sync": f"rule {t.rule}" if t.rule else "catalog-sync",
               "manual": "added by hand"}.get(t.added_by or "", "added outside catalog-sync")
        _line(console, f"  {t.name}  ({who})")
    if d.fields:
        _line(console, f"\nschema: {plural(len(d.fields), 'column')}")
        console.print(fitted_table(
            ("column", "type", "null", "key", "default", "comment"),
            [(f.path, f.native_type or "", "yes" if f.nullable else "no",
              "PK" if f.primary_key else ("partition" if f.partition_key else ""),
              f.default or "", f.description or "") for f in d.fields]))
    for fk in d.foreign_keys:
        _line(console, f"  foreign key {fk.name}: ({', '.join(fk.columns)}) -> {fk.target} "
              f"({', '.join(fk.target_columns)})")
    if d.profile:
        p = d.profile
        when = (dt.datetime.fromtimestamp(p.timestamp_ms / 1000, dt.UTC).strftime("%Y-%m-%d %H:%M")
                if p.timestamp_ms else "?")
        _line(console, f"\nprofile: {human_count(p.rows)} rows, {human_count(p.columns)} columns"
              f"{', ' + human_bytes(p.size_bytes) if p.size_bytes is not None else ''}, data "
              f"as of {when} UTC")
        if p.fields:
            console.print(fitted_table(
                ("column", "nulls", "min", "max"),
                [(f.path, human_count(f.null_count), f.min or "", f.max or "")
                 for f in p.fields], numeric=("nulls",)))
    if d.upstreams:
        _line(console, "\nlineage (reads from):")
        for u in d.upstreams:
            _line(console, f"  {u.dataset}" + (f" ({u.type})" if u.type else ""))
    if d.view:
        kind = "materialized view" if d.view.materialized else "view"
        _line(console, f"\n{kind} SQL:")
        _line(console, "  " + d.view.definition.strip().replace("\n", "\n  "))
    if d.read_by:
        _line(console, "\nread by (pipelines):")
        for r in d.read_by:
            _line(console, f"  {r.pipeline}  last read {r.last_read_utc()} UTC  ({r.job})")
    shown = {k: v for k, v in d.properties.items() if not k.startswith("catalog_sync.")}
    if shown:
        _line(console, "\nproperties:")
        for key, value in sorted(shown.items()):
            _line(console, f"  {key} = {value}")
