"""Writing database and lake assets into a catalog backend for discovery, API and pgAdmin tests.

Tests emit the same full aspects the sources do (the contract: customProperties =
`Binding.coordinates()` on the database container and its datasets, plus the
`servicebinding:type:<t>`, `servicebinding:provider:<p>` and role tags) through
catalog_sync.emit, into either backend (tests.support.backends).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from catalog_sync.bindings import Binding
from catalog_sync.emit.containers import container_workunits
from catalog_sync.emit.datasets import dataset_workunits
from catalog_sync.model import Asset, BindingRef, ContainerRef, Field, FieldKind
from tests.support.backends import Backend

# A Greenplum training database and two PostgreSQL inference databases (two providers).
GP = Binding(name="gp-train", type="greenplum", provider="vmware", host="gp.internal", port=5432,
             database="warehouse", sslmode="require")
PG = Binding(name="pg-infer", type="postgresql", provider="aws", host="pg.internal", port=5433,
             database="serving")
PG2 = Binding(name="pg-infer-2", type="postgresql", provider="gcp", host="pg2.internal",
              port=5432, database="serving2")


def sample_catalog(backend: Backend) -> None:
    """GP (2 tables), PG and PG2 (1 table each), and two lake datasets (one `training`)."""
    _, gp = database_assets(GP, ["public.images", "public.labels"], role="training")
    _, pg = database_assets(PG, ["public.features"], role="inference")
    _, pg2 = database_assets(PG2, ["public.features"], role="inference")
    write_catalog(backend, [*gp, *pg, *pg2,
                         lake_asset("lake/cifar10", {"training", "data lake"}),
                         lake_asset("lake/mnist", {"data lake"})])


def binding_tags(binding: Binding, role: str | None) -> set[str]:
    tags = {f"servicebinding:type:{binding.type}"}
    if binding.provider:
        tags.add(f"servicebinding:provider:{binding.provider}")
    if role:
        tags.add(role)
    return tags


def database_assets(
    binding: Binding, tables: Iterable[str], role: str | None = None,
    platform: str = "postgres", extra_tags: Iterable[str] = (),
) -> tuple[ContainerRef, list[Asset]]:
    """The database container and one dataset per `schema.table`, as the database source would."""
    coordinates = binding.coordinates()
    database = binding.database or binding.name
    container = ContainerRef(
        kind="database", name=database, key=(("database", f"{binding.name}.{database}"),),
        properties=tuple(sorted(coordinates.items())), env_as_instance=True,  # as the source
    )
    tags = binding_tags(binding, role) | set(extra_tags)
    assets = [
        Asset(
            platform=platform, name=f"{binding.name}.{database}.{table}", subtype="Table",
            instance=None, fields=(Field("id", "integer", FieldKind.NUMBER, nullable=False),),
            properties=dict(coordinates), containers=(container,),
            binding=BindingRef(binding.name, binding.type, binding.provider),
            tags=frozenset(tags),
        )
        for table in tables
    ]
    return container, assets


def lake_asset(name: str, tags: Iterable[str]) -> Asset:
    return Asset(platform="file", name=name, subtype="Table", tags=frozenset(tags),
                 properties={"file_count": "1"})


def write_catalog(backend: Backend, assets: Iterable[Asset]) -> None:
    """Emit every asset (and its containers, tagged like the asset) into the backend."""
    units = []
    seen: set[str] = set()
    for asset in assets:
        origins = {t: "test" for t in sorted(asset.tags)}
        todo = [c for c in asset.containers if c.name not in seen]
        seen.update(c.name for c in todo)
        units += list(container_workunits(
            todo, platform=asset.platform, instance=asset.instance, env=asset.env,
            tag_origins={c.name: origins for c in todo if c.kind == "database"},
        )) + list(dataset_workunits(asset, origins))
    backend.write(units)


def write_binding(root: Path, name: str, entries: dict[str, str]) -> Path:
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    for key, value in entries.items():
        (folder / key).write_text(value)
    return folder
