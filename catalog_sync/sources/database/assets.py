"""One introspected relation -> one `Asset`, with its database and schema containers."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from catalog_sync.model import Asset, ContainerRef, Field, FieldKind, ForeignKey
from catalog_sync.sources.database.introspect import Server, Table
from catalog_sync.sources.database.targets import Target

SUBTYPES = {
    "r": "Table",
    "p": "Partitioned Table",
    "v": "View",
    "m": "Materialized View",
    "f": "Foreign Table",
}

# Leading words of format_type() output -> the DataHub type family.
_KINDS: tuple[tuple[tuple[str, ...], FieldKind], ...] = (
    (("smallint", "integer", "bigint", "numeric", "decimal", "real", "double precision", "money",
      "oid", "serial", "bigserial"), FieldKind.NUMBER),
    (("boolean",), FieldKind.BOOLEAN),
    (("timestamp",), FieldKind.TIMESTAMP),
    (("date",), FieldKind.DATE),
    (("time", "interval"), FieldKind.TIME),
    (("bytea",), FieldKind.BYTES),
    (("json", "jsonb", "hstore"), FieldKind.MAP),
    (("text", "character", "char", "varchar", "uuid", "xml", "citext", "name", "inet", "cidr",
      "macaddr", "tsvector", "bit"), FieldKind.STRING),
)


@lru_cache(maxsize=4096)
def field_kind(native_type: str) -> FieldKind:
    """`character varying(20)` -> STRING, `integer[]` -> ARRAY, unknown -> OTHER. Cached: a
    database repeats a few dozen types over thousands of columns."""
    if native_type.endswith("]"):
        return FieldKind.ARRAY
    head = native_type.split("(", 1)[0].strip().lower()
    for prefixes, kind in _KINDS:
        if any(head == p or head.startswith(p + " ") for p in prefixes):
            return kind
    return FieldKind.OTHER


@dataclass(frozen=True, slots=True)
class DatabaseScope:
    """What every asset of one database shares: platform, containers' roots, coordinates."""

    target: Target
    server: Server
    platform: str
    env: str
    instance: str | None

    @property
    def database(self) -> str:
        return self.server.database

    def facts(self, subtype: str, schema: str | None = None, table: str | None = None
              ) -> dict[str, str]:
        """Tag-rule facts; `binding_*` only when a binding reaches the database."""
        binding = self.target.binding
        facts = {
            "source": "database",
            "platform": self.platform,
            "subtype": subtype,
            "binding_name": binding.name if binding else None,
            "binding_type": binding.type if binding else None,
            "binding_provider": binding.provider if binding else None,
            "database": self.database,
            "schema": schema,
            "table": table,
        }
        return {k: v for k, v in facts.items() if v}

    def database_container(self) -> ContainerRef:
        flavor = self.server.flavor
        properties = dict(self.target.coordinates)
        properties["server"] = flavor.kind
        properties["server_version"] = flavor.version
        if self.server.segments is not None:
            properties["segments"] = str(self.server.segments)
        return ContainerRef(
            kind="database",
            name=self.database,
            key=(("database", self.database),),
            properties=tuple(sorted(properties.items())),
            description=self.server.comment,
            facts=tuple(sorted(self.facts("Database").items())),
        )

    def schema_container(self, schema: str, comment: str | None) -> ContainerRef:
        return ContainerRef(
            kind="schema",
            name=schema,
            key=(("database", self.database), ("schema", schema)),
            description=comment,
        )


def _fields(table: Table, primary: set[str]) -> tuple[Field, ...]:
    return tuple(
        Field(
            path=c.name,
            native_type=c.native_type,
            kind=field_kind(c.native_type),
            nullable=not c.not_null,
            description=c.comment,
            default=c.default_value,
            is_partition_key=c.partition_key,
            is_primary_key=c.name in primary,
        )
        for c in table.columns
    )


def _properties(scope: DatabaseScope, table: Table, subtype: str) -> dict[str, str]:
    rel = table.relation
    props = dict(scope.target.coordinates)
    props["schema"] = rel.schema_name
    props["table_kind"] = subtype
    rows, size = rel.estimated_rows, rel.size_bytes
    if rel.partitions is not None:
        props["partitions"] = str(rel.partitions)
        rows, size = rel.partition_rows, rel.partition_bytes
    legacy = table.legacy_partitions
    if legacy is not None:
        props["partitions"] = str(legacy.partitions)
        if legacy.partition_type:
            props["partition_type"] = legacy.partition_type
        rows, size = legacy.estimated_rows, legacy.size_bytes
    key = rel.partition_key or (legacy.partition_key if legacy else None)
    if key:
        props["partition_key"] = key
    if rows is not None and rows >= 0 and subtype not in ("View", "Foreign Table"):
        props["estimated_rows"] = str(rows)
    if size is not None:
        props["size_bytes"] = str(size)
    if table.distribution:
        props["distributed_by"] = table.distribution
    return props


def table_asset(scope: DatabaseScope, table: Table, database_ref: ContainerRef,
                schema_ref: ContainerRef) -> Asset:
    """The dataset for one relation; partitions are already rolled into `table`."""
    rel = table.relation
    subtype = SUBTYPES[rel.kind]
    if rel.kind == "r" and table.legacy_partitions is not None:
        subtype = SUBTYPES["p"]
    primary = {c for k in table.constraints if k.kind == "p" for c in k.columns}
    foreign_keys = tuple(
        ForeignKey(
            name=k.name,
            columns=tuple(k.columns),
            target_name=f"{scope.database}.{k.target_schema}.{k.target_table}",
            target_columns=tuple(k.target_columns),
        )
        for k in table.constraints
        if k.kind == "f" and k.target_table
    )
    return Asset(
        platform=scope.platform,
        name=f"{scope.database}.{rel.schema_name}.{rel.table_name}",
        subtype=subtype,
        env=scope.env,
        instance=scope.instance,
        display_name=rel.table_name,
        description=rel.comment,
        fields=_fields(table, primary),
        foreign_keys=foreign_keys,
        properties=_properties(scope, table, subtype),
        containers=(database_ref, schema_ref),
        binding=scope.target.binding,
        view_definition=rel.view_definition,
        owner=rel.owner,
        facts=scope.facts(subtype, rel.schema_name, rel.table_name),
    )
