"""Catalog types -> DataHub type families (pure mapping, no database): by `typtype` and
`typcategory`, the catalog's own classification, and by name only in the catch-all `U`."""

from __future__ import annotations

import pytest

from catalog_sync.model import FieldKind
from catalog_sync.sources.database.fieldtypes import field_kind


@pytest.mark.parametrize(
    ("typtype", "category", "name", "kind"),
    [
        ("b", "N", "int4", FieldKind.NUMBER),
        ("b", "N", "numeric", FieldKind.NUMBER),
        ("b", "N", "float8", FieldKind.NUMBER),
        ("b", "B", "bool", FieldKind.BOOLEAN),
        ("b", "S", "varchar", FieldKind.STRING),
        ("b", "S", "text", FieldKind.STRING),
        ("b", "U", "uuid", FieldKind.STRING),
        ("b", "D", "timestamptz", FieldKind.TIMESTAMP),
        ("b", "D", "timestamp", FieldKind.TIMESTAMP),
        ("b", "D", "date", FieldKind.DATE),
        ("b", "D", "time", FieldKind.TIME),
        ("b", "T", "interval", FieldKind.TIME),
        ("b", "U", "bytea", FieldKind.BYTES),
        ("b", "U", "jsonb", FieldKind.STRUCT),
        ("b", "U", "json", FieldKind.STRUCT),
        ("b", "A", "_text", FieldKind.ARRAY),
        ("e", "E", "mood", FieldKind.ENUM),
        ("r", "R", "tstzrange", FieldKind.STRING),
        ("m", "R", "int4multirange", FieldKind.STRING),
        ("c", "C", "address", FieldKind.STRUCT),
        ("b", "I", "inet", FieldKind.STRING),
        ("b", "V", "varbit", FieldKind.BYTES),
        ("b", "G", "point", FieldKind.BYTES),
        ("b", "Z", "char", FieldKind.STRING),
        ("b", "U", "geometry", FieldKind.OTHER),  # PostGIS: no family says what it is
        ("p", "P", "record", FieldKind.OTHER),
    ],
)
def test_field_kind(typtype: str, category: str, name: str, kind: FieldKind) -> None:
    assert field_kind(typtype, category, name) is kind
