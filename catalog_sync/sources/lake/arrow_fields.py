"""Arrow types -> the internal `Field` records, nested fields flattened to dotted paths.

Type families follow DataHub's own parquet mapping (`schema_inference/parquet.py`): temporal
types (intervals included) are time, maps have their `key` and `value` broken out as children
(as structs have theirs). Extension types take the family of what they mean (UUID and JSON are
strings, bool8 a boolean), else of their storage. A column whose own name holds a dot stays one
column: structure, not the dots in a path, says what is nested.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyarrow as pa
import pyarrow.types as pat

from catalog_sync.model import Field, FieldKind

_EXTENSIONS = {"arrow.uuid": FieldKind.STRING, "arrow.json": FieldKind.STRING,
               "arrow.bool8": FieldKind.BOOLEAN}
_CHECKS: list[tuple[object, FieldKind]] = [
    (pat.is_boolean, FieldKind.BOOLEAN),
    (pat.is_integer, FieldKind.NUMBER),
    (pat.is_floating, FieldKind.NUMBER),
    (pat.is_decimal, FieldKind.NUMBER),
    (pat.is_duration, FieldKind.NUMBER),
    (pat.is_string, FieldKind.STRING),
    (pat.is_large_string, FieldKind.STRING),
    (pat.is_string_view, FieldKind.STRING),
    (pat.is_binary, FieldKind.BYTES),
    (pat.is_large_binary, FieldKind.BYTES),
    (pat.is_binary_view, FieldKind.BYTES),
    (pat.is_fixed_size_binary, FieldKind.BYTES),
    (pat.is_date, FieldKind.DATE),
    (pat.is_time, FieldKind.TIME),
    (pat.is_timestamp, FieldKind.TIMESTAMP),
    (pat.is_interval, FieldKind.TIME),
    (pat.is_map, FieldKind.MAP),
    (pat.is_list, FieldKind.ARRAY),
    (pat.is_large_list, FieldKind.ARRAY),
    (pat.is_fixed_size_list, FieldKind.ARRAY),
    (pat.is_list_view, FieldKind.ARRAY),
    (pat.is_large_list_view, FieldKind.ARRAY),
    (pat.is_struct, FieldKind.STRUCT),
    (pat.is_null, FieldKind.NULL),
]


def field_kind(dtype: pa.DataType) -> FieldKind:
    """The logical family of an Arrow type; dictionaries take their value type's family."""
    if isinstance(dtype, pa.BaseExtensionType):
        return _EXTENSIONS.get(dtype.extension_name) or field_kind(dtype.storage_type)
    if pat.is_dictionary(dtype):
        return field_kind(dtype.value_type)
    if pat.is_run_end_encoded(dtype):
        return field_kind(dtype.value_type)
    for check, kind in _CHECKS:
        if check(dtype):  # type: ignore[operator]
            return kind
    return FieldKind.OTHER


def _children(dtype: pa.DataType) -> list[pa.Field]:
    if isinstance(dtype, pa.BaseExtensionType):
        return []
    if pat.is_struct(dtype):
        return [dtype.field(i) for i in range(dtype.num_fields)]
    if pat.is_map(dtype):
        return [dtype.key_field.with_name("key"), dtype.item_field.with_name("value")]
    if pat.is_list(dtype) or pat.is_large_list(dtype) or pat.is_fixed_size_list(dtype):
        return _children(dtype.value_type)
    return []


def arrow_fields(
    field: pa.Field,
    prefix: str = "",
    description: str | None = None,
    nullable: bool = True,
    native_types: Mapping[str, str] | None = None,
) -> Iterable[Field]:
    """The field and, for structs and maps (also inside lists), its children as
    `parent.child`. `native_types` replaces the Arrow type text of a path (Iceberg's own)."""
    path = f"{prefix}{field.name}"
    yield Field(
        path=path,
        native_type=(native_types or {}).get(path, str(field.type)),
        kind=field_kind(field.type),
        nullable=field.nullable and nullable,
        description=description,
    )
    for child in _children(field.type):
        yield from arrow_fields(child, prefix=f"{path}.", native_types=native_types)
