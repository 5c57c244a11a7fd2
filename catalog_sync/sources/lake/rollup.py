"""Folding a table's file footers into one summary: union schema, drift, totals, statistics.

Footers are folded one at a time, so memory grows with the schema, not the file count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from catalog_sync.sources.lake.footer import FileFooter, merge_minmax
from catalog_sync.sources.lake.scan import HIVE_NULL


@dataclass
class _FieldSeen:
    field: pa.Field
    files: int = 0
    rows: int = 0
    types: dict[str, None] = field(default_factory=dict)  # ordered set; `null` left out


@dataclass
class _StatsSeen:
    null_count: int | None = 0
    files: int = 0
    min_value: Any = None
    max_value: Any = None


def _union(current: pa.Field, new: pa.Field) -> pa.Field:
    """Nested columns that evolved (a struct gained a child) show every child seen; anything
    else keeps the first type seen (the conflict is recorded either way)."""
    if not (pa.types.is_nested(current.type) and pa.types.is_nested(new.type)):
        return current
    try:
        merged = pa.unify_schemas(
            [pa.schema([current]), pa.schema([new])], promote_options="permissive"
        )
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return current
    return merged.field(0)


@dataclass
class TableRollup:
    """Running totals for one table folder."""

    files: int = 0
    rows: int = 0
    row_groups: int = 0
    bytes: int = 0
    newest_mtime_ns: int = 0
    codecs: set[str] = field(default_factory=set)
    fields: dict[str, _FieldSeen] = field(default_factory=dict)
    stats: dict[str, _StatsSeen] = field(default_factory=dict)
    partitions: set[str] = field(default_factory=set)
    partition_keys: dict[str, bool] = field(default_factory=dict)  # key -> all values integers
    partition_rows: dict[str, int] = field(default_factory=dict)  # key -> rows under it
    partition_nulls: dict[str, int] = field(default_factory=dict)  # key -> rows under a null
    partition_values: dict[str, set[str]] = field(default_factory=dict)  # key -> non-empty
    bad_files: int = 0
    not_parquet: int = 0  # of the bad files, those that are not parquet at all

    def add(self, footer: FileFooter, partition: tuple[tuple[str, str], ...]) -> None:
        self.files += 1
        self.rows += footer.rows
        self.row_groups += footer.row_groups
        self.bytes += footer.size
        self.newest_mtime_ns = max(self.newest_mtime_ns, footer.mtime_ns)
        self.codecs |= footer.codecs
        for arrow_field in footer.schema:
            seen = self.fields.get(arrow_field.name)
            if seen is None:
                seen = self.fields[arrow_field.name] = _FieldSeen(arrow_field)
            seen.files += 1
            seen.rows += footer.rows
            # An all-null column (`null` type, as pandas writes it) fits any type: no conflict.
            if not pa.types.is_null(arrow_field.type):
                if pa.types.is_null(seen.field.type):
                    seen.field = arrow_field
                elif seen.field.type != arrow_field.type:
                    seen.field = _union(seen.field, arrow_field)
                seen.types[str(arrow_field.type)] = None
        for name, column in footer.stats.items():
            rolled = self.stats.setdefault(name, _StatsSeen())
            rolled.files += 1
            if rolled.null_count is not None and column.null_count is not None:
                rolled.null_count += column.null_count
            else:
                rolled.null_count = None
            rolled.min_value = merge_minmax(rolled.min_value, column.min_value, min)
            rolled.max_value = merge_minmax(rolled.max_value, column.max_value, max)
        if partition:
            self.partitions.add("/".join(f"{k}={v}" for k, v in partition))
            for key, value in partition:
                is_int = self.partition_keys.get(key, True)
                self.partition_rows[key] = self.partition_rows.get(key, 0) + footer.rows
                if value == HIVE_NULL:
                    self.partition_nulls[key] = self.partition_nulls.get(key, 0) + footer.rows
                    self.partition_keys[key] = is_int
                    continue
                self.partition_keys[key] = is_int and value.lstrip("-").isdigit()
                if footer.rows:  # a value only counts for min/max where it has rows
                    self.partition_values.setdefault(key, set()).add(value)

    @property
    def newest_mtime(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.newest_mtime_ns / 1e9, tz=dt.UTC)

    def missing_fields(self) -> dict[str, int]:
        """Fields absent from some files -> how many files have them."""
        return {n: s.files for n, s in self.fields.items() if s.files < self.files}

    def type_conflicts(self) -> dict[str, list[str]]:
        """Fields whose type differs across files -> the types seen, in order."""
        return {n: list(s.types) for n, s in self.fields.items() if len(s.types) > 1}

    def partition_stats(self, key: str) -> tuple[int, Any, Any]:
        """(null count, min, max) of a partition key, from the folder names alone: rows under
        Hive's null value, or in files outside any `key=` folder, are nulls."""
        values = self.partition_values.get(key, set())
        typed: list[Any] = sorted(map(int, values) if self.partition_keys[key] else values)
        nulls = self.partition_nulls.get(key, 0) + self.rows - self.partition_rows.get(key, 0)
        return nulls, typed[0] if typed else None, typed[-1] if typed else None

    def column_stats(self, name: str) -> tuple[int | None, Any, Any] | None:
        """(null count, min, max) for a column, or None if some file lacked its statistics.

        Rows of files without the column count as nulls (that is how a reader of the whole table
        sees them). Min and max are dropped when the column's type differs across files: values
        of different types do not compare.
        """
        rolled = self.stats.get(name)
        seen = self.fields.get(name)
        if rolled is None or seen is None or rolled.files != seen.files:
            return None
        null_count = rolled.null_count
        if null_count is not None:
            null_count += self.rows - seen.rows
        if len(seen.types) > 1:
            return null_count, None, None
        return null_count, rolled.min_value, rolled.max_value
