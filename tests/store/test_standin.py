"""The GMS stand-in itself: it refuses what DataHub GMS refuses (an unknown field or enum value
in GraphQL, an aspect that fails DataHub's own model, an aspect the entity type lacks) and
applies what GMS applies (DataHub's patch builders, both envelope and plain JSON Patch)."""

from __future__ import annotations

import pytest
from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.emitter.rest_emitter import EmitMode
from datahub.ingestion.graph.client import DataHubGraph
from datahub.ingestion.graph.config import DatahubClientConfig
from datahub.metadata.schema_classes import (
    DatasetPropertiesClass,
    StatusClass,
    TagAssociationClass,
    TagPropertiesClass,
)
from datahub.specific.dataset import DatasetPatchBuilder

from tests.support.gms import Gms, gms_standin

URN = "urn:li:dataset:(urn:li:dataPlatform:file,lake/t,PROD)"


@pytest.fixture
def gms() -> Gms:  # type: ignore[misc]
    with gms_standin() as running:
        yield running


def _graph(gms: Gms) -> DataHubGraph:
    return DataHubGraph(DatahubClientConfig(server=gms.url, openapi_ingestion=False,
                                            retry_max_times=0))


def test_graphql_outside_datahubs_schema_is_refused(gms: Gms) -> None:
    graph = _graph(gms)
    for document in (
        "{ searchAcrossEntities(input: {query: \"*\", facets: [\"tags\"]}) { total } }",
        "{ searchAcrossEntities(input: {query: \"*\", types: [DATA_HUB_VIEW]}) { total } }",
        "{ searchAcrossEntities(input: {query: \"*\"}) { searchResults { entity { urn "
        "... on Dataset { tags { tags { context } } } } } } }",
    ):
        with pytest.raises(Exception):  # noqa: B017 - DataHub's client raises GraphError
            graph.execute_graphql(document)
    assert len(gms.violations) == 3
    assert any("facets" in v for v in gms.violations)
    assert any("DATA_HUB_VIEW" in v for v in gms.violations)


def test_aspects_are_checked_against_datahubs_models(gms: Gms) -> None:
    graph = _graph(gms)
    with pytest.raises(Exception):  # noqa: B017 - OperationalError with GMS's 400
        graph.emit_mcp(MetadataChangeProposalWrapper(  # a tag has no datasetProperties
            entityUrn="urn:li:tag:x", aspect=DatasetPropertiesClass(name="x")))
    assert gms.violations == ["POST /aspects: entity type 'tag' has no aspect "
                              "'datasetProperties'"]
    graph.emit_mcp(MetadataChangeProposalWrapper(entityUrn="urn:li:tag:x",
                                                 aspect=TagPropertiesClass(name="x")))
    assert gms.store.entity("urn:li:tag:x") is not None


def test_datahubs_patch_builders_are_applied_as_gms_applies_them(gms: Gms) -> None:
    graph = _graph(gms)
    graph.emit_mcp(MetadataChangeProposalWrapper(entityUrn=URN, aspect=StatusClass(False)))
    patch = (DatasetPatchBuilder(URN).set_display_name("t").add_custom_property("k", "v")
             .add_tag(TagAssociationClass("urn:li:tag:a")))
    for mcp in patch.build():  # plain JSON Patch for datasetProperties, an envelope for tags
        graph.emit_mcp(mcp, emit_mode=EmitMode.SYNC_WAIT)
    entity = gms.store.entity(URN)
    assert entity is not None and gms.violations == []
    assert entity.aspects["datasetProperties"]["name"] == "t"
    assert entity.aspects["datasetProperties"]["customProperties"] == {"k": "v"}
    assert [a["tag"] for a in entity.aspects["globalTags"]["tags"]] == ["urn:li:tag:a"]
    for mcp in DatasetPatchBuilder(URN).remove_tag("urn:li:tag:a").build():
        graph.emit_mcp(mcp)
    assert entity.aspects["globalTags"]["tags"] == []
