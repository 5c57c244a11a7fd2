"""Arrow types -> the internal `Field` records, nested fields flattened to dotted paths."""

from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa
import pyarrow.types as pat

from catalog_sync.model import Field, FieldKind


def field_kind(dtype: pa.DataType) -> FieldKind:
    """The logical family of an Arrow type; dictionaries take their value type's family."""
    if pat.is_dictionary(dtype):
        return field_kind(dtype.value_type)
    checks: list[tuple[object, FieldKind]] = [
        (pat.is_boolean, FieldKind.BOOLEAN),
        (pat.is_integer, FieldKind.NUMBER),
        (pat.is_floating, FieldKind.NUMBER),
        (pat.is_decimal, FieldKind.NUMBER),
        (pat.is_duration, FieldKind.NUMBER),
        (pat.is_string, FieldKind.STRING),
        (pat.is_large_string, FieldKind.STRING),
        (pat.is_binary, FieldKind.BYTES),
        (pat.is_large_binary, FieldKind.BYTES),
        (pat.is_fixed_size_binary, FieldKind.BYTES),
        (pat.is_date, FieldKind.DATE),
        (pat.is_time, FieldKind.TIME),
        (pat.is_timestamp, FieldKind.TIMESTAMP),
        (pat.is_map, FieldKind.MAP),
        (pat.is_list, FieldKind.ARRAY),
        (pat.is_large_list, FieldKind.ARRAY),
        (pat.is_fixed_size_list, FieldKind.ARRAY),
        (pat.is_struct, FieldKind.STRUCT),
        (pat.is_null, FieldKind.NULL),
    ]
    for check, kind in checks:
        if check(dtype):  # type: ignore[operator]
            return kind
    return FieldKind.OTHER


def _children(dtype: pa.DataType) -> list[pa.Field]:
    if pat.is_struct(dtype):
        return [dtype.field(i) for i in range(dtype.num_fields)]
    if pat.is_list(dtype) or pat.is_large_list(dtype) or pat.is_fixed_size_list(dtype):
        return _children(dtype.value_type)
    return []


def arrow_fields(
    field: pa.Field, prefix: str = "", description: str | None = None, nullable: bool = True
) -> Iterable[Field]:
    """The field and, for structs (also inside lists), its children as `parent.child`."""
    path = f"{prefix}{field.name}"
    yield Field(
        path=path,
        native_type=str(field.type),
        kind=field_kind(field.type),
        nullable=field.nullable and nullable,
        description=description,
    )
    for child in _children(field.type):
        yield from arrow_fields(child, prefix=f"{path}.")
