"""Tagged lake datasets -> where they are and how to read them (their object-storage binding).

The catalog holds a lake dataset's location, format, partition keys and its binding's
non-secret coordinates (customProperties `binding_name`, `binding_type`, `binding_provider`,
`endpoint`, `region`: `ObjectBinding.coordinates()`); the credentials come from the binding
root at resolve time, as for databases. Every matching dataset is an answer; `one=True`
demands exactly one, as database resolution always does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from catalog_sync.bindings import OBJECT_TYPES, ObjectBinding, read_object_bindings
from catalog_sync.discovery.errors import AmbiguousMatchError, BindingMissingError, NoMatchError
from catalog_sync.sources.lake.binding_roots import store_options
from catalog_sync.sources.lake.fs import GcsOptions, S3Options
from catalog_sync.sources.lake.table_log import StoreOptions
from catalog_sync.store import AssetQuery, CatalogEntry, CatalogReader, EntityKind

LAKE_PLATFORMS = frozenset({"file", "s3", "gcs"})
FORMATS = frozenset({"parquet", "delta", "iceberg"})


def is_lake(entry: CatalogEntry) -> bool:
    """A dataset the lake source catalogued: a lake platform and a location."""
    return (entry.entity_type == "dataset" and entry.platform in LAKE_PLATFORMS
            and bool(entry.properties.get("location")))


@dataclass(frozen=True, slots=True)
class LakeDataset:
    """A catalogued lake table: where it is, its format and keys, which binding reaches it."""

    urn: str
    name: str
    platform: str
    location: str
    format: str
    partition_keys: tuple[str, ...] = ()
    binding: str | None = None
    type: str | None = None
    provider: str | None = None
    endpoint: str | None = None
    region: str | None = None
    tags: tuple[str, ...] = ()

    @classmethod
    def of(cls, entry: CatalogEntry) -> LakeDataset:
        props = entry.properties
        keys = tuple(k for k in props.get("partition_keys", "").split(",") if k)
        fmt = props.get("format", "parquet")
        return cls(
            urn=entry.urn, name=entry.name, platform=entry.platform,
            location=props["location"], format=fmt if fmt in FORMATS else "parquet",
            partition_keys=keys, binding=props.get("binding_name"),
            type=props.get("binding_type"), provider=props.get("binding_provider"),
            endpoint=props.get("endpoint"), region=props.get("region"),
            tags=tuple(entry.tags),
        )

    def summary(self) -> dict[str, Any]:
        """The candidate shape of 404/409 answers and CLI errors (as `ResolvedBinding`'s)."""
        return {"binding": self.binding or "", "type": self.type or self.platform,
                "provider": self.provider, "host": None, "port": None, "database": None,
                "assets": 1, "urn": self.urn, "location": self.location}


@dataclass(frozen=True, slots=True)
class LakeAccess:
    """A dataset and what reads it: the live binding (credentials) when there is one."""

    dataset: LakeDataset
    live: ObjectBinding | None = field(default=None, repr=False)

    def store(self) -> StoreOptions:
        """Storage options: the live binding's, else the catalog's endpoint and region."""
        if self.live is not None:
            return store_options(self.live)
        if self.dataset.platform == "gcs":
            return StoreOptions(S3Options(), GcsOptions(endpoint_url=self.dataset.endpoint))
        return StoreOptions(S3Options(endpoint_url=self.dataset.endpoint,
                                      region=self.dataset.region), GcsOptions())


def lake_datasets(
    reader: CatalogReader, tags: Iterable[str], type: str | None = None,
    provider: str | None = None, name: str | None = None,
) -> list[LakeDataset]:
    """Lake datasets carrying all `tags`, by URN; `type` is a binding type (`s3`, `gcs`),
    `file` (a local lake) or `lake` (any), `name` a binding name."""
    found = []
    query = AssetQuery(all_tags=frozenset(tags), kind=EntityKind.DATASET)
    for entry in reader.scan(query):
        if not is_lake(entry):
            continue
        dataset = LakeDataset.of(entry)
        if type is not None and type.lower() not in (dataset.type, dataset.platform, "lake"):
            continue
        if provider is not None and dataset.provider != provider:
            continue
        if name is not None and dataset.binding != name:
            continue
        found.append(dataset)
    return sorted(found, key=lambda d: d.urn)


def select(found: list[LakeDataset], asked: str, one: bool) -> list[LakeDataset]:
    """`found`, or NoMatchError when empty, AmbiguousMatchError when `one` and several."""
    if not found:
        raise NoMatchError(f"no lake dataset matches {asked}", [])
    if one and len(found) > 1:
        names = ", ".join(d.name for d in found)
        raise AmbiguousMatchError(
            f"{len(found)} lake datasets match {asked}: {names}; narrow with more tags, "
            "--type, --provider or --binding", found,
        )
    return found


def access_for(dataset: LakeDataset, binding_root: Path | None) -> LakeAccess:
    """Join a dataset with its live binding (credentials), if it has one and a root is
    given; BindingMissingError when the root lacks the binding the catalog names."""
    if dataset.binding is None or binding_root is None:
        return LakeAccess(dataset)
    kind = dataset.type if dataset.type in OBJECT_TYPES else "s3"
    found = read_object_bindings(binding_root, names={dataset.binding},
                                 types_by_name={dataset.binding: kind})
    if not found:
        raise BindingMissingError(
            f"binding {dataset.binding!r} named by the catalog is not under {binding_root}",
            [dataset],
        )
    return LakeAccess(dataset, found[0])
