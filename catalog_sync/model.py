"""The one internal shape of a catalogued asset, produced by every source.

Sources fill these records from pyarrow or SQL; the tag policy reads them; emission turns them
into DataHub aspects. Nothing here knows about DataHub, pyarrow or SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class FieldKind(StrEnum):
    """Logical type families; emission maps each to a DataHub schema field type."""

    BOOLEAN = "boolean"
    NUMBER = "number"
    STRING = "string"
    BYTES = "bytes"
    DATE = "date"
    TIME = "time"
    TIMESTAMP = "timestamp"
    ARRAY = "array"
    MAP = "map"
    STRUCT = "struct"
    ENUM = "enum"
    NULL = "null"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Field:
    """One column. `path` uses DataHub's simple dotted form for nested fields."""

    path: str
    native_type: str
    kind: FieldKind
    nullable: bool = True
    description: str | None = None
    default: str | None = None
    is_partition_key: bool = False
    is_primary_key: bool = False
    field_id: int | None = None  # the table format's own id of the column (Iceberg)
    # Database columns: what fills them when it is not a default (a stored generated column's
    # expression; an identity column's `always` / `by default`), the domain they are declared
    # with, an enum's labels in order, an array's element type.
    generated: str | None = None
    identity: str | None = None
    domain: str | None = None
    enum_labels: tuple[str, ...] = ()
    element_type: str | None = None


@dataclass(frozen=True, slots=True)
class ForeignKey:
    """A foreign key from this asset's columns to another asset of the same source."""

    name: str
    columns: tuple[str, ...]
    target_name: str
    target_columns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Upstream:
    """Another asset of the same source this one is computed from (a view's tables), and the
    columns of it that are read (empty when the source cannot say)."""

    name: str
    columns: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FieldStats:
    """Per-column statistics rolled up from metadata only (footers, catalog)."""

    path: str
    null_count: int | None = None
    min_value: str | None = None
    max_value: str | None = None


@dataclass(frozen=True, slots=True)
class Profile:
    """Table-level statistics. `timestamp_ms` is when the data last changed (not when it was
    read), so re-ingesting unchanged data yields the identical aspect."""

    row_count: int
    column_count: int
    timestamp_ms: int
    size_bytes: int | None = None
    fields: tuple[FieldStats, ...] = ()


@dataclass(frozen=True, slots=True)
class BindingRef:
    """Which service binding reaches an asset: never a secret, only what names it."""

    name: str
    type: str
    provider: str | None = None


@dataclass(frozen=True, slots=True)
class ContainerRef:
    """A level of the hierarchy an asset sits in (bucket, folder, database, schema).

    `key` identifies the container among its siblings; `kind` picks the DataHub subtype.
    A container with `facts` is tagged by the same rules as assets (a database carries its
    binding's tags); one without is never tagged. `env_as_instance` mints the key as DataHub's
    SQL sources do (env standing in for a missing platform instance), so the URNs are theirs.
    """

    kind: str
    name: str
    key: tuple[tuple[str, str], ...]
    properties: tuple[tuple[str, str], ...] = ()
    description: str | None = None
    facts: tuple[tuple[str, str], ...] = ()
    env_as_instance: bool = False


@dataclass(slots=True)
class Asset:
    """A dataset-like thing found by a source: a lake table, a database table or view.

    `facts` are the plain values tag rules match on (path, bucket, database, schema, table,
    binding name/type/provider, cloud); `tags` starts empty and is filled by the tag policy.
    """

    platform: str
    name: str
    subtype: str
    env: str = "PROD"
    instance: str | None = None
    display_name: str | None = None
    description: str | None = None
    location: str | None = None
    fields: tuple[Field, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    upstreams: tuple[Upstream, ...] = ()
    properties: dict[str, str] = field(default_factory=dict)
    containers: tuple[ContainerRef, ...] = ()
    binding: BindingRef | None = None
    profile: Profile | None = None
    view_definition: str | None = None
    owner: str | None = None
    facts: dict[str, str] = field(default_factory=dict)
    tags: frozenset[str] = frozenset()
    # Only announces `containers` (e.g. a database with no tables yet): no dataset is emitted.
    containers_only: bool = False
