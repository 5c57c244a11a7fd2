"""One introspected relation -> one `Asset`, with its database and schema containers."""

from __future__ import annotations

from dataclasses import dataclass

from catalog_sync.model import Asset, ContainerRef, Field, ForeignKey, Upstream
from catalog_sync.sources.database.fieldtypes import field_kind
from catalog_sync.sources.database.introspect import Server, Table
from catalog_sync.sources.database.keys import rolled_up
from catalog_sync.sources.database.targets import Target

SUBTYPES = {
    "r": "Table",
    "p": "Partitioned Table",
    "v": "View",
    "m": "Materialized View",
    "f": "Foreign Table",
    "x": "External Table",  # Greenplum 6 (GP7 and Cloudberry make them foreign tables)
}


@dataclass(frozen=True, slots=True)
class DatabaseScope:
    """What every asset of one database shares: platform, instance, containers' roots and
    coordinates."""

    target: Target
    server: Server
    platform: str
    env: str

    @property
    def database(self) -> str:
        return self.server.database

    @property
    def instance(self) -> str | None:
        return self.target.instance

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
        """DataHub's `DatabaseKey`, filled as its postgres source fills it."""
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
            env_as_instance=True,
        )

    def schema_container(self, schema: str, comment: str | None = None) -> ContainerRef:
        """DataHub's `SchemaKey`, filled as its postgres source fills it."""
        return ContainerRef(
            kind="schema",
            name=schema,
            key=(("database", self.database), ("schema", schema)),
            description=comment,
            env_as_instance=True,
        )

    def name_of(self, schema: str, table: str) -> str:
        """A dataset's name, as DataHub's postgres source forms it."""
        return f"{self.database}.{schema}.{table}"


def _fields(table: Table, primary: tuple[str, ...]) -> tuple[Field, ...]:
    return tuple(
        Field(
            path=c.name,
            native_type=c.native_type,
            kind=field_kind(c.type_kind, c.type_category, c.type_name),
            nullable=not c.not_null,
            description=c.comment,
            default=c.default_value,
            is_partition_key=c.partition_key,
            is_primary_key=c.name in primary,
            generated=c.generated,
            identity=c.identity,
            domain=c.domain,
            enum_labels=tuple(c.enum_labels or ()),
            element_type=c.element_type,
        )
        for c in table.columns
    )


def _upstreams(scope: DatabaseScope, table: Table) -> tuple[Upstream, ...]:
    return tuple(
        Upstream(scope.name_of(row.upstream_schema, row.upstream_table),
                 tuple(dict.fromkeys(row.columns)))  # a column read through two partitions
        for row in table.lineage
    )


def _properties(scope: DatabaseScope, table: Table, subtype: str,
                unique: tuple[tuple[str, ...], ...]) -> dict[str, str]:
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
    if rows is not None and rows >= 0 and subtype not in ("View", "Foreign Table", "External Table"):
        props["estimated_rows"] = str(rows)
    if size is not None:
        props["size_bytes"] = str(size)
    if table.distribution:
        props["distributed_by"] = table.distribution
    if unique:
        props["unique_keys"] = "; ".join(f"({', '.join(columns)})" for columns in unique)
    return props


def table_asset(scope: DatabaseScope, table: Table, database_ref: ContainerRef,
                schema_ref: ContainerRef) -> Asset:
    """The dataset for one relation; partitions (and their keys) are rolled into it."""
    rel = table.relation
    subtype = SUBTYPES[rel.kind]
    if rel.kind == "r" and table.legacy_partitions is not None:
        subtype = SUBTYPES["p"]
    keys = rolled_up(table.keys)
    foreign_keys = tuple(
        ForeignKey(
            name=k.name,
            columns=tuple(k.columns),
            target_name=scope.name_of(k.target_schema or "", k.target_table or ""),
            target_columns=tuple(k.target_columns),
        )
        for k in keys.foreign
    )
    return Asset(
        platform=scope.platform,
        name=scope.name_of(rel.schema_name, rel.table_name),
        subtype=subtype,
        env=scope.env,
        instance=scope.instance,
        display_name=rel.table_name,
        description=rel.comment,
        fields=_fields(table, keys.primary),
        foreign_keys=foreign_keys,
        upstreams=_upstreams(scope, table),
        properties=_properties(scope, table, subtype, keys.unique),
        containers=(database_ref, schema_ref),
        binding=scope.target.binding,
        view_definition=rel.view_definition,
        owner=rel.owner,
        facts=scope.facts(subtype, rel.schema_name, rel.table_name),
    )
