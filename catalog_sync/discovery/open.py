"""A resolved lake dataset opened as a `pyarrow.dataset.Dataset` over exactly the catalogued
table: a parquet folder with hive partitioning on the catalogued keys; a Delta table through
delta-rs' own dataset (its live files only); an Iceberg table over the data files of its
current snapshot (pyiceberg's plan, as the lake source reads them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from catalog_sync.bindings import ObjectBinding
from catalog_sync.discovery.lake import LakeAccess, LakeDataset
from catalog_sync.errors import CatalogSyncError
from catalog_sync.sources.lake.fs import resolve_root
from catalog_sync.sources.lake.table_log import TableLogError, table_uri

if TYPE_CHECKING:
    import pyarrow.dataset as ds


class DatasetUnreadableError(CatalogSyncError):
    """The catalogued table cannot be opened as the catalog describes it (names it)."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"lake dataset {name!r}: {reason}")
        self.name = name


def access_from_json(body: dict[str, Any]) -> LakeAccess:
    """The `json` answer of resolve (what the API gives) as a LakeAccess, credentials kept
    as SecretStr; without them the reader's own environment (AWS_*, IRSA) stands in."""
    binding = body.get("binding") or {}
    options = body.get("storage_options") or {}
    dataset = LakeDataset(
        urn=body["urn"], name=body["name"], platform=_platform(body["location"]),
        location=body["location"], format=body["format"],
        partition_keys=tuple(body.get("partition_keys") or ()), binding=binding.get("name"),
        type=binding.get("type"), provider=binding.get("provider"),
        endpoint=options.get("endpoint"), region=options.get("region"),
    )
    if not binding or not body.get("credentials_included"):
        return LakeAccess(dataset)

    def secret(key: str) -> SecretStr | None:
        return SecretStr(options[key]) if options.get(key) else None

    bucket = body["location"].split("://", 1)[-1].split("/", 1)[0]
    live = ObjectBinding(
        name=binding["name"], type=binding.get("type") or "s3", bucket=bucket,
        provider=binding.get("provider"), endpoint=options.get("endpoint"),
        region=options.get("region"), project_id=options.get("project_id"),
        access_key_id=secret("access_key_id"), secret_access_key=secret("secret_access_key"),
        session_token=secret("session_token"),
        service_account_key=secret("service_account_key"),
        access_token=secret("access_token"),
    )
    return LakeAccess(dataset, live)


def _platform(location: str) -> str:
    scheme = location.split("://", 1)[0] if "://" in location else "file"
    return {"s3": "s3", "s3a": "s3", "gs": "gcs", "gcs": "gcs"}.get(scheme, "file")


def open_lake_dataset(access: LakeAccess) -> ds.Dataset:
    """The dataset over the catalogued table's live files."""
    import pyarrow.dataset as ds

    d = access.dataset
    store = access.store()
    root = resolve_root(d.location, store.s3, store.gcs)
    try:
        if d.format == "delta":
            from deltalake import DeltaTable

            try:
                table = DeltaTable(table_uri(root, root.path),
                                   storage_options=store.delta(root.scheme))
                return table.to_pyarrow_dataset()
            except Exception as err:  # delta-rs raises its own kinds; the reason is kept
                raise DatasetUnreadableError(
                    d.name, store.scrub(str(err) or type(err).__name__)) from err
        if d.format == "iceberg":
            from catalog_sync.sources.lake.iceberg import read_iceberg

            log = read_iceberg(root, root.path, store)
            return ds.dataset([f.info.path for f in log.files], schema=log.schema,
                              filesystem=root.filesystem, format="parquet")
        dataset = ds.dataset(root.path, filesystem=root.filesystem, format="parquet",
                             partitioning="hive" if d.partition_keys else None)
    except TableLogError as err:
        raise DatasetUnreadableError(d.name, err.reason) from err
    except (OSError, ValueError) as err:
        raise DatasetUnreadableError(d.name, store.scrub(str(err) or type(err).__name__)) from err
    missing = [k for k in d.partition_keys if k not in dataset.schema.names]
    if missing:
        raise DatasetUnreadableError(
            d.name, f"the catalogued partition keys {', '.join(missing)} are not in its folders "
            "(re-ingest it)")
    return dataset
