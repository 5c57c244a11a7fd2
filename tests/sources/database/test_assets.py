"""Native PostgreSQL types -> DataHub type families (pure mapping, no database)."""

from __future__ import annotations

import pytest

from catalog_sync.model import FieldKind
from catalog_sync.sources.database.assets import field_kind


@pytest.mark.parametrize(
    ("native", "kind"),
    [
        ("integer", FieldKind.NUMBER),
        ("numeric(12,2)", FieldKind.NUMBER),
        ("double precision", FieldKind.NUMBER),
        ("boolean", FieldKind.BOOLEAN),
        ("character varying(200)", FieldKind.STRING),
        ("text", FieldKind.STRING),
        ("uuid", FieldKind.STRING),
        ("timestamp with time zone", FieldKind.TIMESTAMP),
        ("timestamp(3) without time zone", FieldKind.TIMESTAMP),
        ("date", FieldKind.DATE),
        ("time without time zone", FieldKind.TIME),
        ("interval", FieldKind.TIME),
        ("bytea", FieldKind.BYTES),
        ("jsonb", FieldKind.MAP),
        ("text[]", FieldKind.ARRAY),
        ("integer[][]", FieldKind.ARRAY),
        ("geometry(Point,4326)", FieldKind.OTHER),
        ("doubled", FieldKind.OTHER),  # a prefix of a known name is not that type
    ],
)
def test_field_kind(native: str, kind: FieldKind) -> None:
    assert field_kind(native) is kind
