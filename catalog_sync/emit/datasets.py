"""One asset -> the full DataHub aspects of its dataset."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from datahub.emitter.mce_builder import (
    make_data_platform_urn,
    make_dataplatform_instance_urn,
    make_dataset_urn_with_platform_instance,
    make_schema_field_urn,
    make_user_urn,
)
from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.ingestion.api.workunit import MetadataWorkUnit
from datahub.metadata.schema_classes import (
    ArrayTypeClass,
    AuditStampClass,
    BooleanTypeClass,
    BrowsePathsV2Class,
    BytesTypeClass,
    ContainerClass,
    DataPlatformInstanceClass,
    DatasetFieldProfileClass,
    DatasetLineageTypeClass,
    DatasetProfileClass,
    DatasetPropertiesClass,
    DatasetSnapshotClass,
    DateTypeClass,
    EnumTypeClass,
    FineGrainedLineageClass,
    FineGrainedLineageDownstreamTypeClass,
    FineGrainedLineageUpstreamTypeClass,
    ForeignKeyConstraintClass,
    GlobalTagsClass,
    MapTypeClass,
    MetadataChangeEventClass,
    NullTypeClass,
    NumberTypeClass,
    OtherSchemaClass,
    OwnerClass,
    OwnershipClass,
    OwnershipTypeClass,
    RecordTypeClass,
    SchemaFieldClass,
    SchemaFieldDataTypeClass,
    SchemaMetadataClass,
    StatusClass,
    StringTypeClass,
    SubTypesClass,
    TimeStampClass,
    TimeTypeClass,
    UpstreamClass,
    UpstreamLineageClass,
    ViewPropertiesClass,
)

from catalog_sync.emit.containers import browse_path, container_key, parent_container_urn
from catalog_sync.emit.tags import global_tags_aspect
from catalog_sync.model import Asset, Field, FieldKind

# DataHub's generated classes are untyped callables; each builds one SchemaFieldDataType member.
_TYPE_CLASSES: dict[FieldKind, Any] = {
    FieldKind.BOOLEAN: BooleanTypeClass,
    FieldKind.NUMBER: NumberTypeClass,
    FieldKind.STRING: StringTypeClass,
    FieldKind.BYTES: BytesTypeClass,
    FieldKind.DATE: DateTypeClass,
    FieldKind.TIME: TimeTypeClass,
    FieldKind.TIMESTAMP: TimeTypeClass,
    FieldKind.ARRAY: ArrayTypeClass,
    FieldKind.MAP: MapTypeClass,
    FieldKind.STRUCT: RecordTypeClass,
    FieldKind.ENUM: EnumTypeClass,
    FieldKind.NULL: NullTypeClass,
    FieldKind.OTHER: NullTypeClass,
}

# The aspects a DatasetSnapshot accepts (DatasetAspect); the rest (subTypes, container, the
# profile) stay proposals.
_SNAPSHOT_ASPECTS = (
    StatusClass, DatasetPropertiesClass, SchemaMetadataClass, GlobalTagsClass,
    DataPlatformInstanceClass, ViewPropertiesClass, OwnershipClass, BrowsePathsV2Class,
    UpstreamLineageClass,
)


def dataset_urn(asset: Asset) -> str:
    """The dataset URN of an asset (platform, optional instance, name, env)."""
    return make_dataset_urn_with_platform_instance(
        platform=asset.platform, name=asset.name, platform_instance=asset.instance, env=asset.env
    )


def _unknown_stamp() -> AuditStampClass:
    """The default `created`/`lastModified` of DataHub's schemaMetadata and ownership."""
    return AuditStampClass(time=0, actor="urn:li:corpuser:unknown")


def _json_props(field: Field) -> str | None:
    """Column facts SchemaField has no slot for, where DataHub's sources keep extras."""
    props: dict[str, object] = {
        key: value
        for key, value in (("default", field.default), ("generated", field.generated),
                           ("identity", field.identity), ("domain", field.domain))
        if value is not None
    }
    if field.enum_labels:
        props["enum_labels"] = list(field.enum_labels)
    if field.field_id is not None:
        props["field_id"] = field.field_id
    return json.dumps(props) if props else None


def _field_type(field: Field) -> SchemaFieldDataTypeClass:
    if field.kind is FieldKind.ARRAY and field.element_type:
        return SchemaFieldDataTypeClass(type=ArrayTypeClass(nestedType=[field.element_type]))
    return SchemaFieldDataTypeClass(type=_TYPE_CLASSES[field.kind]())


def _schema_field(field: Field) -> SchemaFieldClass:
    return SchemaFieldClass(
        fieldPath=field.path,
        type=_field_type(field),
        nativeDataType=field.native_type,
        nullable=field.nullable,
        description=field.description,
        # Passed although they are the schema's defaults: a missing one costs DataHub's class
        # a look-up in its avro schema per field (fields_dict builds a dict each time).
        recursive=False,
        isPartOfKey=field.is_primary_key,
        isPartitioningKey=field.is_partition_key or None,
        jsonProps=_json_props(field),
    )



def _schema_metadata(asset: Asset, urn: str) -> SchemaMetadataClass:
    foreign_keys = [
        ForeignKeyConstraintClass(
            name=fk.name,
            sourceFields=[make_schema_field_urn(urn, c) for c in fk.columns],
            foreignDataset=(target := dataset_urn(_sibling(asset, fk.target_name))),
            foreignFields=[make_schema_field_urn(target, c) for c in fk.target_columns],
        )
        for fk in asset.foreign_keys
    ]
    primary = [f.path for f in asset.fields if f.is_primary_key]
    return SchemaMetadataClass(
        schemaName=asset.name,
        platform=make_data_platform_urn(asset.platform),
        version=0,
        hash="",
        platformSchema=OtherSchemaClass(rawSchema=""),
        # The schema's default stamps, built directly: left out, DataHub's class decodes each
        # from its avro default, twice per table.
        created=_unknown_stamp(),
        lastModified=_unknown_stamp(),
        fields=[_schema_field(f) for f in asset.fields],
        primaryKeys=primary or None,
        foreignKeys=foreign_keys or None,
    )


def _sibling(asset: Asset, name: str) -> Asset:
    """A stand-in for another asset of the same source, enough to mint its URN."""
    return Asset(
        platform=asset.platform, name=name, subtype="", env=asset.env, instance=asset.instance
    )


def _lineage(asset: Asset, urn: str) -> UpstreamLineageClass | None:
    """What the asset is computed from; its columns come from the columns read, as one field
    set (the source knows which columns are read, not which of the asset's each one feeds)."""
    if not asset.upstreams:
        return None
    read: list[str] = []
    upstreams: list[UpstreamClass] = []
    for upstream in asset.upstreams:
        upstream_urn = dataset_urn(_sibling(asset, upstream.name))
        upstreams.append(UpstreamClass(dataset=upstream_urn, type=DatasetLineageTypeClass.VIEW))
        read.extend(make_schema_field_urn(upstream_urn, c) for c in upstream.columns)
    fine = [
        FineGrainedLineageClass(
            upstreamType=FineGrainedLineageUpstreamTypeClass.FIELD_SET,
            upstreams=read,
            downstreamType=FineGrainedLineageDownstreamTypeClass.FIELD_SET,
            downstreams=[make_schema_field_urn(urn, f.path) for f in asset.fields],
        )
    ] if read and asset.fields else None
    return UpstreamLineageClass(upstreams=upstreams, fineGrainedLineages=fine)


def _profile(asset: Asset) -> DatasetProfileClass | None:
    profile = asset.profile
    if profile is None:
        return None
    fields = []
    for stats in profile.fields:
        proportion = (
            stats.null_count / profile.row_count
            if stats.null_count is not None and profile.row_count
            else None
        )
        fields.append(
            DatasetFieldProfileClass(
                fieldPath=stats.path,
                nullCount=stats.null_count,
                nullProportion=proportion,
                min=stats.min_value,
                max=stats.max_value,
            )
        )
    return DatasetProfileClass(
        timestampMillis=profile.timestamp_ms,
        rowCount=profile.row_count,
        columnCount=profile.column_count,
        sizeInBytes=profile.size_bytes,
        fieldProfiles=fields or None,
    )


def dataset_workunits(
    asset: Asset,
    tag_origins: Mapping[str, str],
    existing_tags: Sequence[object] = (),
) -> Iterable[MetadataWorkUnit]:
    """Full aspects for one asset. Only aspects, never PATCH proposals."""
    urn = dataset_urn(asset)
    aspects: list[object] = [
        StatusClass(removed=False),
        DatasetPropertiesClass(
            name=asset.display_name or asset.name.rsplit("/", 1)[-1],
            qualifiedName=asset.name,
            description=asset.description,
            uri=asset.location,
            customProperties=dict(sorted(asset.properties.items())),
            lastModified=(
                TimeStampClass(time=asset.profile.timestamp_ms) if asset.profile else None
            ),
        ),
        _schema_metadata(asset, urn),
        SubTypesClass(typeNames=[asset.subtype]),
        global_tags_aspect(tag_origins, existing_tags),
    ]
    container = parent_container_urn(
        asset.containers, platform=asset.platform, instance=asset.instance, env=asset.env
    )
    if container:
        aspects.append(ContainerClass(container=container))
        urns = [
            container_key(ref, platform=asset.platform, instance=asset.instance, env=asset.env)
            .as_urn()
            for ref in asset.containers
        ]
        aspects.append(browse_path(urns, platform=asset.platform, instance=asset.instance))
    if asset.instance:
        aspects.append(
            DataPlatformInstanceClass(
                platform=make_data_platform_urn(asset.platform),
                instance=make_dataplatform_instance_urn(asset.platform, asset.instance),
            )
        )
    if asset.view_definition is not None:
        aspects.append(
            ViewPropertiesClass(
                materialized=asset.subtype == "Materialized View",
                viewLogic=asset.view_definition,
                viewLanguage="SQL",
            )
        )
    if asset.owner:
        aspects.append(
            OwnershipClass(
                owners=[OwnerClass(owner=make_user_urn(asset.owner), type=OwnershipTypeClass.TECHNICAL_OWNER)],
                lastModified=_unknown_stamp(),
            )
        )
    lineage = _lineage(asset, urn)
    if lineage is not None:
        aspects.append(lineage)
    profile = _profile(asset)
    if profile is not None:
        aspects.append(profile)
    # One MetadataChangeEvent for the aspects a DatasetSnapshot holds, as DataHub's SQL sources
    # do: the pipeline validates and serialises one record instead of one per aspect.
    snapshot = [a for a in aspects if isinstance(a, _SNAPSHOT_ASPECTS)]
    mce = MetadataChangeEventClass(
        proposedSnapshot=DatasetSnapshotClass(urn=urn, aspects=snapshot)  # type: ignore[arg-type]
    )
    yield MetadataWorkUnit(id=f"{urn}-snapshot", mce=mce)
    for aspect in aspects:
        if not isinstance(aspect, _SNAPSHOT_ASPECTS):
            yield MetadataChangeProposalWrapper(entityUrn=urn, aspect=aspect).as_workunit()  # type: ignore[arg-type]
