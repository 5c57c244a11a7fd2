"""A column's catalog type -> the DataHub type family, from the catalog's own classification.

`pg_type.typtype` says enum, range, composite; `typcategory` groups the rest (numeric, string,
date/time, array...); only the catch-all category `U` (user-defined, where `uuid`, `json` and
`bytea` live) needs the type's name. So a type is known by what it is, however a schema named
it (`mood`, `us_postal_code`), with no parsing of `format_type()` text. Choices follow DataHub's
own postgres source where it has one (ranges and geometry), except JSON, a document (record),
not bytes.
"""

from __future__ import annotations

from functools import lru_cache

from catalog_sync.model import FieldKind

_BY_TYPTYPE = {"e": FieldKind.ENUM, "c": FieldKind.STRUCT, "r": FieldKind.STRING,
               "m": FieldKind.STRING}

_BY_CATEGORY = {
    "A": FieldKind.ARRAY,
    "B": FieldKind.BOOLEAN,
    "C": FieldKind.STRUCT,
    "E": FieldKind.ENUM,
    "G": FieldKind.BYTES,  # geometric
    "I": FieldKind.STRING,  # inet, cidr
    "N": FieldKind.NUMBER,  # integers, numeric(p,s), floats, money, oid and reg* types
    "R": FieldKind.STRING,  # ranges
    "S": FieldKind.STRING,  # text, varchar, char, name, citext
    "T": FieldKind.TIME,  # interval
    "V": FieldKind.BYTES,  # bit strings
}

_DATETIME = {"date": FieldKind.DATE, "time": FieldKind.TIME, "timetz": FieldKind.TIME}

_BY_NAME = {
    "uuid": FieldKind.STRING,
    "json": FieldKind.STRUCT,
    "jsonb": FieldKind.STRUCT,
    "jsonpath": FieldKind.STRING,
    "xml": FieldKind.STRING,
    "bytea": FieldKind.BYTES,
    "hstore": FieldKind.MAP,
    "tsvector": FieldKind.STRING,
    "tsquery": FieldKind.STRING,
    "macaddr": FieldKind.STRING,
    "macaddr8": FieldKind.STRING,
    "pg_lsn": FieldKind.STRING,
    "char": FieldKind.STRING,  # the one-byte "char", category Z
}


@lru_cache(maxsize=4096)
def field_kind(type_kind: str, category: str, name: str) -> FieldKind:
    """The family of a base type (`typtype`, `typcategory`, `typname`). Cached: a database
    repeats a few dozen types over thousands of columns."""
    if type_kind in _BY_TYPTYPE:
        return _BY_TYPTYPE[type_kind]
    if category == "D":
        return _DATETIME.get(name, FieldKind.TIMESTAMP)
    if category in _BY_CATEGORY:
        return _BY_CATEGORY[category]
    return _BY_NAME.get(name, FieldKind.OTHER)
