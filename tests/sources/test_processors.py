"""The workunit processors catalog-sync sources skip, and the size guard in front of DataHub's
aspect-size check: its bound never undercounts, and what may be too large still gets trimmed."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
from datahub.emitter.mce_builder import make_schema_field_urn
from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.emitter.serialization_helper import pre_json_transform
from datahub.ingestion.api.common import PipelineContext
from datahub.ingestion.api.workunit import MetadataWorkUnit
from datahub.ingestion.workunit_processors import (
    AutoBrowsePathV2Processor,
    AutoPatchLastModifiedProcessor,
    AutoStaleEntityRemovalProcessor,
    AutoStatusAspectProcessor,
    EnsureAspectSizeProcessor,
    ValidateDuplicateSchemaFieldPathsProcessor,
)
from datahub.metadata.schema_classes import (
    BrowsePathsV2Class,
    ChangeTypeClass,
    DatasetFieldProfileClass,
    DatasetLineageTypeClass,
    DatasetProfileClass,
    ForeignKeyConstraintClass,
    GenericAspectClass,
    MetadataChangeEventClass,
    MetadataChangeProposalClass,
    NumberTypeClass,
    OtherSchemaClass,
    SchemaFieldClass,
    SchemaFieldDataTypeClass,
    SchemaMetadataClass,
    StatusClass,
    StringTypeClass,
    UpstreamClass,
    UpstreamLineageClass,
    ViewPropertiesClass,
)

from catalog_sync.emit.containers import container_key, container_workunits
from catalog_sync.emit.datasets import dataset_workunits
from catalog_sync.model import Asset, ContainerRef
from catalog_sync.sources.lake.source import LakeSource
from catalog_sync.sources.processors import (
    json_size_bound,
    provably_small,
)
from tests.support.lake import write_parquet

URN = "urn:li:dataset:(urn:li:dataPlatform:postgres,db.s.t,PROD)"
# Every kind of character json.dumps escapes: quotes, backslash, controls, non-ASCII, non-BMP.
NASTY = 'a "quoted" \\ back\tslash\n\x00\x1f é ünï 中文 😀🚀 \u2028'


def _schema(description: str = NASTY, columns: int = 15) -> SchemaMetadataClass:
    fields = [
        SchemaFieldClass(
            fieldPath=f"c{i}{NASTY[:i]}",
            type=SchemaFieldDataTypeClass(type=StringTypeClass() if i % 2 else NumberTypeClass()),
            nativeDataType="varchar(64)",
            nullable=bool(i % 3),
            description=description,
            isPartOfKey=i == 0 or None,
            jsonProps=json.dumps({"default": "nextval('s')"}),
        )
        for i in range(columns)
    ]
    return SchemaMetadataClass(
        schemaName="db.s.t", platform="urn:li:dataPlatform:postgres", version=0, hash="",
        platformSchema=OtherSchemaClass(rawSchema=""), fields=fields, primaryKeys=["c0"],
        foreignKeys=[ForeignKeyConstraintClass(
            name="fk", sourceFields=[make_schema_field_urn(URN, "c1")], foreignDataset=URN,
            foreignFields=[make_schema_field_urn(URN, "c0")],
        )],
    )


def _json_size(aspect: object) -> int:
    """What DataHub's size check measures."""
    return len(json.dumps(pre_json_transform(aspect.to_obj())))  # type: ignore[attr-defined]


def _wu(aspect: object) -> MetadataWorkUnit:
    return MetadataChangeProposalWrapper(entityUrn=URN, aspect=aspect).as_workunit()  # type: ignore[arg-type]


def test_bound_never_undercounts() -> None:
    aspects = [
        _schema(),
        _schema(description="", columns=1),
        ViewPropertiesClass(materialized=False, viewLogic=f"SELECT '{NASTY}'", viewLanguage="SQL"),
        DatasetProfileClass(timestampMillis=1, rowCount=10, fieldProfiles=[
            DatasetFieldProfileClass(fieldPath="c", nullCount=1, nullProportion=0.1, min=NASTY)
        ]),
    ]
    for aspect in aspects:
        assert json_size_bound(aspect) >= _json_size(aspect), type(aspect).__name__
    assert json_size_bound(object()) > 2**60  # unknown types are never called small


def test_small_aspects_skip_the_check_and_the_rest_do_not() -> None:
    schema = _schema()
    limit = 2 * json_size_bound(schema)
    assert provably_small(_wu(schema), limit)
    assert provably_small(_wu(StatusClass(removed=False)), 100)
    assert not provably_small(_wu(schema), json_size_bound(schema))  # at the limit: checked
    lineage = UpstreamLineageClass(upstreams=[UpstreamClass(
        dataset=URN, type=DatasetLineageTypeClass.VIEW)])
    assert not provably_small(_wu(lineage), limit)  # lineage has its own rules: always checked
    patch = MetadataChangeProposalClass(
        entityType="dataset", entityUrn=URN, changeType=ChangeTypeClass.PATCH,
        aspectName="datasetProperties",
        aspect=GenericAspectClass(value=b"[]", contentType="application/json-patch+json"),
    )
    assert not provably_small(MetadataWorkUnit(id="patch", mcp_raw=patch), limit)


def _source(workdir: Path) -> LakeSource:
    write_parquet(workdir / "lake", "t/part-0.parquet", pa.table({"v": [1]}))
    return LakeSource.create(
        {"paths": [str(workdir / "lake")]}, PipelineContext(run_id="processors")
    )


def test_sources_skip_the_no_op_processors(workdir: Path) -> None:
    source = _source(workdir)
    excluded = set(source.get_excluded_workunit_processors())
    assert AutoPatchLastModifiedProcessor in excluded
    assert EnsureAspectSizeProcessor in excluded  # it runs behind the guard instead
    assert AutoBrowsePathV2Processor in excluded  # paths come in the snapshot instead
    assert AutoStaleEntityRemovalProcessor in excluded  # the source builds it, holding its handler
    assert not excluded & {AutoStatusAspectProcessor, ValidateDuplicateSchemaFieldPathsProcessor}


def test_dataset_snapshot_carries_the_browse_path() -> None:
    """The path DataHub's AutoBrowsePathV2Processor would emit: platform instance, then each
    container, outermost first; the container chain gets its own paths."""
    refs = (
        ContainerRef("database", "db", (("database", "db"),)),
        ContainerRef("schema", "s", (("database", "db"), ("schema", "s"))),
    )
    asset = Asset(platform="postgres", name="db.s.t", subtype="Table", env="PROD",
                  instance="eu", containers=refs)
    keyed = {"platform": "postgres", "instance": "eu", "env": "PROD"}
    db, schema = (container_key(ref, **keyed).as_urn() for ref in refs)
    instance = "urn:li:dataPlatformInstance:(urn:li:dataPlatform:postgres,eu)"
    first, *rest = dataset_workunits(asset, {})
    assert isinstance(first.metadata, MetadataChangeEventClass)
    path = first.get_aspect_of_type(BrowsePathsV2Class)
    assert path is not None and [e.urn for e in path.path] == [instance, db, schema]
    assert not any(wu.get_aspect_of_type(BrowsePathsV2Class) for wu in rest)
    paths = {wu.get_urn(): [e.urn for e in wu.get_aspect_of_type(BrowsePathsV2Class).path]  # type: ignore[union-attr]
             for wu in container_workunits(refs, **keyed)  # type: ignore[arg-type]
             if wu.get_aspect_of_type(BrowsePathsV2Class)}
    assert paths == {db: [instance], schema: [instance, db]}


def test_oversized_schema_still_trimmed_by_datahub(workdir: Path) -> None:
    """A schema over GMS's payload limit goes through DataHub's own check, which drops fields
    and warns; the guard only lets provably small aspects skip it."""
    source = _source(workdir)
    guard = source.get_workunit_processors()[-3]  # [..., size guard, URN journal, URN notes]
    assert guard is not None
    huge = _schema(description="x" * (9 * 1024 * 1024), columns=2)  # 2 x 9 MB > 16 MB
    small = _schema()
    out = list(guard([_wu(small), _wu(huge)]))
    assert [len(wu.get_aspect_of_type(SchemaMetadataClass).fields) for wu in out] == [15, 1]  # type: ignore[union-attr]
    assert any("Schema truncated" in str(w) for w in source.get_report().warnings)


