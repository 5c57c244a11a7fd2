"""A Delta Lake table from its `_delta_log/`, through delta-rs (PyPI `deltalake`), no Spark.

The current snapshot's add actions are the live files (a file the log removed is never
counted), with their partition values and, where the writer recorded statistics, their record
counts. Schema, partition columns, version and last commit come from the log.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.fs as pafs

from catalog_sync.sources.lake.fs import LakeRoot
from catalog_sync.sources.lake.scan import HIVE_NULL
from catalog_sync.sources.lake.table_log import (
    LiveFile,
    StoreOptions,
    TableLog,
    TableLogError,
    filesystem_path,
    table_uri,
)


def _text(value: object) -> str:
    if value is None:
        return HIVE_NULL
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def read_delta(root: LakeRoot, path: str, options: StoreOptions) -> TableLog:
    """The live state of the Delta table in folder `path`; TableLogError when unreadable."""
    from deltalake import DeltaTable  # imported only for lakes that hold Delta tables

    try:
        table = DeltaTable(table_uri(root, path), storage_options=options.delta(root.scheme))
        metadata = table.metadata()
        schema = pa.schema(table.schema().to_arrow())
        actions = pa.table(table.get_add_actions(flatten=True))
        history = table.history(1)
    except Exception as err:  # any failure of the library costs this table only
        raise TableLogError("Delta", options.scrub(str(err) or type(err).__name__)) from err
    keys = tuple(metadata.partition_columns)
    rows = actions.to_pylist()
    files = [
        LiveFile(
            info=pafs.FileInfo(
                filesystem_path(root, path, row["path"]), pafs.FileType.File,
                size=row["size_bytes"], mtime_ns=row["modification_time"] * 1_000_000,
            ),
            partition=tuple((key, _text(row.get(f"partition.{key}"))) for key in keys),
            records=row.get("num_records"),
        )
        for row in rows
    ]
    properties = {"format": "delta", "delta_version": str(table.version())}
    if history and history[0].get("timestamp") is not None:
        stamp = dt.datetime.fromtimestamp(history[0]["timestamp"] / 1000, tz=dt.UTC)
        properties["last_commit"] = stamp.isoformat()
        if history[0].get("operation"):
            properties["last_operation"] = str(history[0]["operation"])
    if metadata.name:
        properties["delta_name"] = metadata.name
    return TableLog(format="delta", subtype="Delta Table", files=files, schema=schema,
                    partition_keys=keys, properties=properties)
