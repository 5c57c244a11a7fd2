"""An Iceberg table from its `metadata/` folder, through pyiceberg's `StaticTable` (no catalog).

The current metadata file is the one `version-hint.text` names, else the highest-numbered
`*.metadata.json`. The current snapshot's manifests list the live data files and their record
counts (a file no manifest of that snapshot references is never counted); the schema keeps
Iceberg's own types and field ids, and the partition spec is recorded.
"""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.fs as pafs

from catalog_sync.sources.lake.fs import LakeRoot
from catalog_sync.sources.lake.table_log import (
    LiveFile,
    StoreOptions,
    TableLog,
    TableLogError,
    filesystem_path,
    table_uri,
)

_VERSION = re.compile(r"^v?(\d+)(?:-[^.]*)?\.(?:gz\.)?metadata\.json$")


def current_metadata(root: LakeRoot, path: str) -> str:
    """The location of the table's current metadata file."""
    listed = root.filesystem.get_file_info(pafs.FileSelector(f"{path}/metadata"))
    names = {info.base_name: info for info in listed if info.type == pafs.FileType.File}
    if "version-hint.text" in names:
        with root.filesystem.open_input_stream(names["version-hint.text"].path) as hint:
            text = hint.read().decode().strip()
        name = text if text.endswith(".metadata.json") else f"v{text}.metadata.json"
        if name in names:
            return table_uri(root, names[name].path)
    versions = [(int(m[1]), name) for name in names if (m := _VERSION.match(name))]
    if not versions:
        raise FileNotFoundError("no *.metadata.json in metadata/")
    return table_uri(root, names[max(versions)[1]].path)


def _native_types(schema: object) -> tuple[dict[str, str], dict[str, int]]:
    """Column path -> Iceberg type text and field id, nested fields as `parent.child`."""
    from pyiceberg.types import ListType, MapType, NestedField, StructType

    types: dict[str, str] = {}
    ids: dict[str, int] = {}

    def walk(field: NestedField, prefix: str) -> None:
        path = f"{prefix}{field.name}"
        types[path], ids[path] = str(field.field_type), field.field_id
        kind = field.field_type
        if isinstance(kind, ListType):
            kind = kind.element_field.field_type
        if isinstance(kind, StructType):
            for child in kind.fields:
                walk(child, f"{path}.")
        elif isinstance(kind, MapType):
            walk(kind.key_field, f"{path}.")
            walk(kind.value_field, f"{path}.")

    for top in schema.fields:  # type: ignore[attr-defined]
        walk(top, "")
    return types, ids


def read_iceberg(root: LakeRoot, path: str, options: StoreOptions) -> TableLog:
    """The current snapshot of the Iceberg table in folder `path`; TableLogError if unreadable."""
    from pyiceberg.table import StaticTable  # imported only for lakes that hold Iceberg tables

    try:
        location = current_metadata(root, path)
        table = StaticTable.from_metadata(location, properties=options.iceberg(root.scheme))
        snapshot = table.current_snapshot()
        tasks = list(table.scan().plan_files()) if snapshot is not None else []
        iceberg_schema = table.schema()
        schema = iceberg_schema.as_arrow()
        spec = table.spec()
    except Exception as err:  # any failure of the library costs this table only
        raise TableLogError("Iceberg", options.scrub(str(err) or type(err).__name__)) from err
    files = [
        LiveFile(
            info=pafs.FileInfo(filesystem_path(root, path, task.file.file_path),
                               pafs.FileType.File, size=task.file.file_size_in_bytes,
                               mtime_ns=snapshot.timestamp_ms * 1_000_000 if snapshot else 0),
            records=task.file.record_count,
        )
        for task in tasks
    ]
    by_id = {f.field_id: f.name for f in iceberg_schema.fields}
    keys = tuple(dict.fromkeys(by_id[f.source_id] for f in spec.fields if f.source_id in by_id))
    types, ids = _native_types(iceberg_schema)
    properties = {
        "format": "iceberg",
        "format_version": str(table.metadata.format_version),
        "metadata_file": location.rsplit("/", 1)[-1],
        "partition_spec": ", ".join(f"{f.name}={f.transform}({by_id.get(f.source_id, '?')})"
                                    for f in spec.fields),
    }
    if snapshot is not None:
        properties["snapshot_id"] = str(snapshot.snapshot_id)
    return TableLog(format="iceberg", subtype="Iceberg Table", files=files,
                    schema=pa.schema(schema), partition_keys=keys, properties=properties,
                    native_types=types, field_ids=ids)
