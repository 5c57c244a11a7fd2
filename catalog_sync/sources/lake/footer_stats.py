"""Footer statistics -> plain Python values, by the Parquet rules on which statistics to trust.

pyarrow's own `Statistics.min` needs pandas for nanosecond timestamps and returns bytes for
float16 and UUID; here the physical value (`min_raw`) is converted from the column's Parquet
logical type, for every type, without pandas. Statistics that Parquet says not to trust are
dropped: min/max of binary and decimal columns from parquet-mr before 1.10 (it compared bytes
unsigned, or signed, where the order is the other), NaN bounds, bounds of types without a
defined order (INT96, intervals), and string bounds from writers that truncate them (parquet-rs,
the writer of delta-rs and polars, marks truncation in a footer flag pyarrow does not expose).
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import math
import re
import struct
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyarrow.parquet as pq

_EPOCH = dt.datetime(1970, 1, 1)
_EPOCH_UTC = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_SCALE = {"milliseconds": 1_000, "microseconds": 1}
_PARQUET_MR = re.compile(r"parquet-mr(?: compatible \S+)? version (\d+)\.(\d+)")
_TRUNCATING_WRITERS = ("parquet-rs",)

Convert = Callable[[Any], Any]


class Unconvertible(ValueError):
    """A statistic whose value cannot be read as its column's type (say, invalid UTF-8)."""


@dataclass(frozen=True, order=True, slots=True)
class Nanoseconds:
    """A timestamp or time of day to the nanosecond (`datetime` stops at microseconds)."""

    value: int
    zone: str | None = None  # timestamps adjusted to UTC: "UTC"
    time_of_day: bool = False

    def isoformat(self) -> str:
        seconds, nanos = divmod(self.value, 1_000_000_000)
        if self.time_of_day:
            clock = (dt.datetime.min + dt.timedelta(seconds=seconds)).time()
            return f"{clock.isoformat()}.{nanos:09d}"
        moment = _EPOCH + dt.timedelta(seconds=seconds)
        suffix = "+00:00" if self.zone else ""
        return f"{moment.isoformat()}.{nanos:09d}{suffix}"


def _int(bits: int, signed: bool) -> Convert:
    if signed:
        return int
    return lambda raw: raw + (1 << bits) if raw < 0 else raw


def _float(raw: Any) -> float:
    value = float(raw)
    if math.isnan(value):
        raise _Untrusted  # NaN bounds say nothing about the other values
    return value


def _float16(raw: bytes) -> float:
    if len(raw) != 2:
        raise Unconvertible(f"float16 statistic of {len(raw)} bytes")
    return _float(struct.unpack("<e", raw)[0])


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise Unconvertible(f"not UTF-8: {err.reason}") from err


def _uuid(raw: bytes) -> str:
    try:
        return str(uuid.UUID(bytes=bytes(raw)))
    except ValueError as err:
        raise Unconvertible(f"UUID statistic of {len(raw)} bytes") from err


def _decimal(scale: int) -> Convert:
    def convert(raw: Any) -> decimal.Decimal:
        unscaled = int.from_bytes(raw, "big", signed=True) if isinstance(raw, bytes) else raw
        return decimal.Decimal(unscaled).scaleb(-scale)

    return convert


def _timestamp(unit: str, utc: bool) -> Convert:
    if unit == "nanoseconds":
        return lambda raw: Nanoseconds(raw, "UTC" if utc else None)
    scale = _SCALE[unit]
    epoch = _EPOCH_UTC if utc else _EPOCH
    return lambda raw: epoch + dt.timedelta(microseconds=raw * scale)


def _time(unit: str) -> Convert:
    if unit == "nanoseconds":
        return lambda raw: Nanoseconds(raw, time_of_day=True)
    scale = _SCALE[unit]
    return lambda raw: (dt.datetime.min + dt.timedelta(microseconds=raw * scale)).time()


class _Untrusted(Exception):
    """A bound Parquet's rules say to ignore (this row group's extremes are unknown)."""


def _converter(column: pq.ColumnSchema, untrusted_binary: bool, truncating: bool) -> Convert | None:
    """How to read this leaf column's raw statistics; None: its min/max are never shown."""
    physical = column.physical_type
    logical = json.loads(column.logical_type.to_json())
    kind = logical.get("Type", "None")
    binary = physical in ("BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY")
    if untrusted_binary and (binary or kind == "Decimal"):
        return None  # parquet-mr < 1.10: wrong order for these
    if physical == "INT96" or kind in ("Interval", "Unknown", "Null"):
        return None  # no defined sort order
    if kind == "Decimal":
        return _decimal(int(logical["scale"]))
    if kind == "Timestamp":
        return _timestamp(logical["timeUnit"], bool(logical["isAdjustedToUTC"]))
    if kind == "Time":
        return _time(logical["timeUnit"])
    if kind == "Date":
        return lambda raw: dt.date(1970, 1, 1) + dt.timedelta(days=raw)
    if kind == "Int":
        return _int(int(logical["bitWidth"]), bool(logical["isSigned"]))
    if kind == "Float16":
        return _float16
    if kind == "UUID":
        return _uuid
    if binary and truncating:
        return None  # possibly truncated bounds, not values of the column
    if kind in ("String", "Enum", "JSON"):
        return _text
    if physical in ("FLOAT", "DOUBLE"):
        return _float
    if physical == "BOOLEAN":
        return bool
    if physical in ("INT32", "INT64"):
        return int
    return bytes if binary else None  # BSON and plain binary: kept, never shown


def converters(metadata: pq.FileMetaData) -> list[Convert | None]:
    """One converter per leaf column of the file, by the rules of the file's writer."""
    writer = metadata.created_by or ""
    old_mr = _PARQUET_MR.match(writer)
    untrusted_binary = bool(old_mr) and (int(old_mr[1]), int(old_mr[2])) < (1, 10)  # type: ignore[index]
    truncating = writer.startswith(_TRUNCATING_WRITERS)
    schema = metadata.schema
    return [
        _converter(schema.column(i), untrusted_binary, truncating)
        for i in range(metadata.num_columns)
    ]


def bounds(stats: pq.Statistics, convert: Convert) -> tuple[Any, Any] | None:
    """(min, max) of one column chunk; None when unknown or not to be trusted. Raises
    Unconvertible when a value cannot be read as the column's type."""
    try:
        return convert(stats.min_raw), convert(stats.max_raw)
    except _Untrusted:
        return None
    except (struct.error, OverflowError, TypeError) as err:
        raise Unconvertible(str(err)) from err
