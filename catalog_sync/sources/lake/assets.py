"""A table folder and its rolled-up footers -> one `Asset`."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import pyarrow.types as pat
from datahub.metadata.urns import DatasetUrn

from catalog_sync.model import (
    Asset,
    BindingRef,
    ContainerRef,
    Field,
    FieldKind,
    FieldStats,
    Profile,
)
from catalog_sync.sources.lake.arrow_fields import arrow_fields
from catalog_sync.sources.lake.footer_stats import Nanoseconds
from catalog_sync.sources.lake.fs import LakeRoot
from catalog_sync.sources.lake.rollup import TableRollup
from catalog_sync.sources.lake.scan import TableFolder
from catalog_sync.sources.lake.table_log import TableLog

_MAX_STAT_CHARS = 100


def stat_text(value: Any) -> str | None:
    """A statistic as DataHub's profile wants it (a string); binary values are not shown."""
    if value is None or isinstance(value, bytes | bytearray):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime | dt.date | dt.time | Nanoseconds):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | int | float):
        return str(value)
    text = str(value)
    return text if len(text) <= _MAX_STAT_CHARS else None


def _folder(root_uri_of: Any, path: str) -> ContainerRef:
    name = path.rsplit("/", 1)[-1] or "/"
    return ContainerRef("folder", name, (("folder_abs_path", root_uri_of(path)),))


def _containers(folder: TableFolder) -> tuple[ContainerRef, ...]:
    """Bucket (object stores), then every folder from the lake root down to the table's parent."""
    root = folder.root
    refs: list[ContainerRef] = []
    if root.bucket:
        refs.append(ContainerRef("bucket", root.bucket, (("bucket_name", root.bucket),)))
        current = root.bucket
    else:
        if folder.path == root.path:
            return ()
        current = root.path
        refs.append(_folder(root.uri_of, current))
    for part in folder.path[len(current) :].strip("/").split("/")[:-1]:
        current = f"{current}/{part}"
        refs.append(_folder(root.uri_of, current))
    return tuple(refs)


def _fields(rollup: TableRollup) -> tuple[Field, ...]:
    """The union of the files' schemas, drift described; partition keys flagged."""
    missing = rollup.missing_fields()
    conflicts = rollup.type_conflicts()
    keys = rollup.partition_keys
    fields: list[Field] = []
    for name, seen in rollup.fields.items():
        notes = []
        if name in missing:
            notes.append(f"present in {missing[name]} of {rollup.files} files")
        if name in conflicts:
            notes.append(f"type differs across files: {', '.join(conflicts[name])}")
        flat = list(arrow_fields(seen.field))
        # A column some files lack reads as null there, whatever its declared nullability.
        flat[0] = replace(
            flat[0],
            nullable=flat[0].nullable or name in missing,
            description="; ".join(notes) or None,
            is_partition_key=name in keys,
        )
        fields += flat
    for key, is_int in keys.items():
        if key in rollup.fields:
            continue
        fields.append(
            Field(
                path=key,
                native_type="int64" if is_int else "string",
                kind=FieldKind.NUMBER if is_int else FieldKind.STRING,
                nullable=rollup.partition_stats(key)[0] > 0,  # Hive's null folder, or none
                is_partition_key=True,
            )
        )
    return tuple(fields)


def _log_fields(log: TableLog) -> tuple[Field, ...]:
    """The schema the table's log declares, in the format's own types and ids."""
    fields: list[Field] = []
    for top in log.schema:
        for field in arrow_fields(top, native_types=log.native_types):
            fields.append(replace(
                field, field_id=log.field_ids.get(field.path),
                is_partition_key=field.path == top.name and top.name in log.partition_keys,
            ))
    return tuple(fields)


def _profile(rollup: TableRollup, columns: list[str], timestamp_ms: int) -> Profile:
    """Per top-level column: partition keys from their folder (or log) values, which are
    what a reader of the table sees; other columns from the footers' statistics."""
    stats: list[FieldStats] = []
    for name in columns:
        if name in rollup.partition_keys:
            key_nulls, key_low, key_high = rollup.partition_stats(name)
            stats.append(FieldStats(name, key_nulls, stat_text(key_low), stat_text(key_high)))
            continue
        seen = rollup.fields.get(name)
        if seen is None or pat.is_nested(seen.field.type):
            continue
        rolled = rollup.column_stats(name)
        if rolled is None:
            continue
        null_count, low, high = rolled
        stats.append(FieldStats(name, null_count, stat_text(low), stat_text(high)))
    return Profile(
        row_count=rollup.rows,
        column_count=len(columns),
        timestamp_ms=timestamp_ms,
        size_bytes=rollup.bytes,
        fields=tuple(stats),
    )


def _properties(folder: TableFolder, rollup: TableRollup, log: TableLog | None
                ) -> dict[str, str]:
    location = folder.root.uri_of(folder.path)
    properties = {
        "location": location,
        "format": "parquet",
        "row_count": str(rollup.rows),
        "file_count": str(rollup.files),
        "row_group_count": str(rollup.row_groups),
        "total_bytes": str(rollup.bytes),
        "compression": ",".join(sorted(rollup.codecs)),
        "last_modified": rollup.newest_mtime.isoformat(),
        "partition_count": str(len(rollup.partitions)),
    }
    keys = log.partition_keys if log is not None else tuple(rollup.partition_keys)
    if keys:
        properties["partition_keys"] = ",".join(keys)
    if rollup.bad_files:
        properties["unreadable_files"] = str(rollup.bad_files)
    if log is not None:
        properties.update(log.properties)
        return properties  # the log defines the schema: files that differ are no drift
    missing = rollup.missing_fields()
    if missing:
        properties["schema_drift_missing_fields"] = ", ".join(
            f"{name} ({count}/{rollup.files} files)" for name, count in missing.items()
        )
    conflicts = rollup.type_conflicts()
    if conflicts:
        properties["schema_drift_type_conflicts"] = "; ".join(
            f"{name}: {' vs '.join(types)}" for name, types in conflicts.items()
        )
    return properties


def table_asset(folder: TableFolder, rollup: TableRollup, *, env: str, instance: str | None,
                profile: bool, log: TableLog | None = None) -> Asset:
    """The asset of one table folder (a Delta or Iceberg table when `log` is given)."""
    root = folder.root
    fields = _fields(rollup) if log is None else _log_fields(log)
    if log is None:
        columns = [*rollup.fields, *(k for k in rollup.partition_keys if k not in rollup.fields)]
    else:
        columns = list(log.schema.names)
    subtype = log.subtype if log is not None else "Table"
    timestamp_ms = rollup.newest_mtime_ns // 1_000_000
    facts = {
        "source": "lake",
        "platform": root.platform,
        "subtype": subtype,
        "scheme": root.scheme,
        "path": folder.path,
        "table": folder.path.rsplit("/", 1)[-1],
    }
    if root.bucket:
        facts["bucket"] = root.bucket
    properties = _properties(folder, rollup, log)
    coordinates = dict(root.binding)
    binding = None
    if coordinates:
        # The binding that reaches the table, as for databases: tag rules match on it,
        # resolution reads the live binding by this name.
        properties.update(coordinates)
        facts.update({k: v for k, v in coordinates.items() if k.startswith("binding_")})
        binding = BindingRef(coordinates["binding_name"], coordinates["binding_type"],
                             coordinates.get("binding_provider"))
    return Asset(
        platform=root.platform,
        name=_dataset_name(root, folder.path),
        subtype=subtype,
        env=env,
        instance=instance,
        display_name=folder.path.rsplit("/", 1)[-1],
        location=root.uri_of(folder.path),
        fields=fields,
        properties=properties,
        containers=_containers(folder),
        binding=binding,
        profile=_profile(rollup, columns, timestamp_ms) if profile else None,
        facts=facts,
    )


def _dataset_name(root: LakeRoot, path: str) -> str:
    return path.lstrip("/") if root.bucket else path


def catalogued_under(
    root: LakeRoot, folder_path: str, urns: Iterable[str], *, env: str, instance: str | None
) -> list[Asset]:
    """The tables among `urns` that lie under `folder_path` (or are that folder), as bare assets
    (name and folder chain, nothing read): what a folder that cannot be listed still holds."""
    prefix = _dataset_name(root, folder_path)
    own = f"{instance}." if instance else ""
    found = []
    for urn in urns:
        if not urn.startswith("urn:li:dataset:"):
            continue
        parsed = DatasetUrn.from_string(urn)
        name = parsed.name
        if (
            parsed.get_data_platform_urn().platform_name != root.platform
            or parsed.env.upper() != env.upper()
            or not name.startswith(own)
        ):
            continue
        name = name[len(own):]
        if name != prefix and not name.startswith(f"{prefix}/"):
            continue
        table = TableFolder(root, folder_path + name[len(prefix):], "", [])
        found.append(Asset(platform=root.platform, name=name, subtype="Table", env=env,
                           instance=instance, containers=_containers(table)))
    return found
