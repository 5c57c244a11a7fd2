"""One resolve for both kinds of asset: which kind a request is for, and the lake answer.

The format decides where it can: `pyarrow`, `fsspec` and `duckdb` are lake shapes, `dsn`,
`sqlalchemy` and `jdbc` database ones; a `--type` of `s3`, `gcs` or `file` asks for the lake.
For `json` and `env` the tags decide: lake datasets only -> the lake answer; database
bindings only (or nothing) -> the database answer as before; both -> an error asking for a
`--type` (`lake` or `database` say just the kind), since a guess would hand a pipeline the
wrong store.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from catalog_sync.bindings import OBJECT_TYPES, normalize_type
from catalog_sync.discovery.errors import AmbiguousMatchError, NotResolvableError
from catalog_sync.discovery.formats import Format
from catalog_sync.discovery.lake import LakeAccess, access_for, is_lake, lake_datasets, select
from catalog_sync.discovery.lake_formats import as_duckdb, as_env, as_fsspec, as_json, as_pyarrow
from catalog_sync.discovery.resolve import database_bindings, describe_request
from catalog_sync.store import AssetQuery, CatalogEntry, CatalogReader, EntityKind

LAKE_FORMATS = frozenset({Format.PYARROW, Format.FSSPEC, Format.DUCKDB})
DATABASE_FORMATS = frozenset({Format.DSN, Format.SQLALCHEMY, Format.JDBC})
# `lake`: any lake dataset, whatever its storage (what `open_dataset` asks for).
LAKE_TYPES = frozenset({*OBJECT_TYPES, "file", "lake"})


def what_it_is(entry: CatalogEntry) -> str:
    """An asset described for an error: its name, URN and kind."""
    kind = f"{entry.platform} {(entry.subtypes or [entry.entity_type])[0]}"
    binding = entry.properties.get("binding_name")
    if is_lake(entry):
        what = f"a lake dataset ({kind})"
    elif binding:
        what = f"a {kind} reached through database binding {binding!r}"
    else:
        what = f"a {kind} with neither a lake location nor a database binding"
    return f"asset {entry.name!r} ({entry.urn}) is {what}"


def _first(reader: CatalogReader, tags: list[str]) -> CatalogEntry | None:
    """The first asset carrying `tags`: a dataset if one does, else a container."""
    if not tags:
        return None
    for kind in (EntityKind.DATASET, EntityKind.CONTAINER):
        query = AssetQuery(all_tags=frozenset(tags), kind=kind, limit=1)
        found = next(iter(reader.scan(query)), None)
        if found is not None:
            return found
    return None


def wants_lake(reader: CatalogReader, tags: Iterable[str], fmt: Format, type: str | None,
               provider: str | None, name: str | None) -> bool:
    """Whether the request is for lake datasets (else for a database binding)."""
    if fmt in LAKE_FORMATS:
        return True
    if fmt in DATABASE_FORMATS:
        return False
    if type is not None:
        return normalize_type(type) in LAKE_TYPES
    tags = sorted(set(tags))
    lake = lake_datasets(reader, tags, provider=provider, name=name)
    databases = database_bindings(reader, tags, provider=provider, name=name)
    if lake and databases:
        raise AmbiguousMatchError(
            f"{describe_request(tags, type, provider, name)} match {len(lake)} lake datasets and "
            f"{len(databases)} database bindings; pass --type (lake, s3, gcs or file for the "
            "datasets; database, or a database type, for the bindings)", [*lake, *databases],
        )
    if not lake and not databases:
        first = _first(reader, tags)
        if first is not None:
            raise NotResolvableError(f"{what_it_is(first)}: nothing to resolve")
    return bool(lake)


def resolve_lake(
    reader: CatalogReader, tags: Iterable[str], *, type: str | None = None,
    provider: str | None = None, name: str | None = None, one: bool = False,
    binding_root: Path | None = None,
) -> list[LakeAccess]:
    """The matching lake datasets joined with their live bindings; exactly one with `one`.
    Tags that land on something else are an error naming that asset and what it is."""
    tags = sorted(set(tags))
    found = lake_datasets(reader, tags, type=type, provider=provider, name=name)
    if not found:
        first = _first(reader, tags)
        if first is not None and not is_lake(first):
            raise NotResolvableError(f"{what_it_is(first)}, not a lake dataset")
    chosen = select(found, describe_request(tags, type, provider, name), one)
    return [access_for(d, binding_root) for d in chosen]


_ITEM = {Format.JSON: as_json, Format.PYARROW: as_pyarrow, Format.FSSPEC: as_fsspec}


def render_lake(accesses: list[LakeAccess], fmt: Format, secrets: bool,
                one: bool = False) -> dict[str, Any] | str:
    """JSON-shaped formats: `{"datasets": [...]}`, or the one object with `one`; `duckdb`
    and `env`: text."""
    if fmt is Format.DUCKDB:
        return as_duckdb(accesses, secrets)
    if fmt is Format.ENV:
        return as_env(accesses, secrets)
    if fmt not in _ITEM:
        raise NotResolvableError(
            f"format {fmt.value!r} is for database bindings; lake datasets resolve to json, "
            "pyarrow, fsspec, duckdb or env")
    items = [_ITEM[fmt](a, secrets) for a in accesses]
    return items[0] if one else {"datasets": items}
