"""A pipeline's reads as DataHub aspects: a dataFlow per namespace, a dataJob per pipeline, and
its `dataJobInputOutput` with one input edge per dataset read.

Names: `team.pipeline` or `team/pipeline` (the last `/`, else the last `.`, splits the
namespace from the name; a bare name is in namespace `default`). The flow is
`urn:li:dataFlow:(catalog-sync,<namespace>,PROD)`, the job `urn:li:dataJob:(<flow>,<name>)`.
The last time a dataset was read is the edge's own `lastModified` (DataHub's `Edge`), its
first read the edge's `created`: re-reading updates the time, never the number of edges.
Both `inputDatasets` (required by the schema) and `inputDatasetEdges` (what DataHub's UI and
its `Consumes` relationship read) list the same datasets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.metadata.schema_classes import (
    AuditStampClass,
    DataFlowInfoClass,
    DataJobInfoClass,
    DataJobInputOutputClass,
    EdgeClass,
)
from datahub.metadata.urns import DataFlowUrn, DataJobUrn

from catalog_sync.errors import BadInputError

ORCHESTRATOR = "catalog-sync"
DEFAULT_NAMESPACE = "default"
ACTOR = "urn:li:corpuser:catalog-sync"
# Words of letters, digits, `_`, `-`, joined by single `.` or `/` (the API's schema says the same).
PIPELINE_PATTERN = r"^[A-Za-z0-9_-]+(?:[./][A-Za-z0-9_-]+)*$"
PIPELINE_MAX = 200
_NAME = re.compile(PIPELINE_PATTERN)


@dataclass(frozen=True, slots=True)
class Pipeline:
    """A reading pipeline's namespace and name, and the URNs they give."""

    namespace: str
    name: str

    @classmethod
    def parse(cls, text: str) -> Pipeline:
        """`team.train` / `team/train` / `train`; bad input names the value's problem."""
        if len(text) > PIPELINE_MAX or not _NAME.match(text):
            raise BadInputError(
                f"pipeline {text!r}: use NAMESPACE/NAME or NAMESPACE.NAME (letters, digits, "
                "'.', '_', '-', '/')")
        cut = text.rfind("/") if "/" in text else text.rfind(".")
        if cut < 0:
            return cls(DEFAULT_NAMESPACE, text)
        return cls(text[:cut], text[cut + 1:])

    @property
    def flow_urn(self) -> str:
        return str(DataFlowUrn(ORCHESTRATOR, self.namespace, "PROD"))

    @property
    def job_urn(self) -> str:
        return str(DataJobUrn(self.flow_urn, self.name))


@dataclass(frozen=True, slots=True)
class PipelineUse:
    """A pipeline that read a dataset, and when it last did (epoch ms)."""

    job_urn: str
    pipeline: str
    last_read_ms: int


def merged(current: DataJobInputOutputClass | None, datasets: Iterable[str], time_ms: int
           ) -> DataJobInputOutputClass:
    """`current` with an edge per dataset: new ones added, known ones' time updated."""
    edges = {e.destinationUrn: e for e in (current.inputDatasetEdges or [])} if current else {}
    for urn in (current.inputDatasets if current else []):
        edges.setdefault(urn, EdgeClass(destinationUrn=urn))
    stamp = AuditStampClass(time=time_ms, actor=ACTOR)
    for urn in datasets:
        edge = edges.get(urn)
        if edge is None:
            edges[urn] = EdgeClass(destinationUrn=urn, created=stamp, lastModified=stamp)
        else:
            edges[urn] = EdgeClass(destinationUrn=urn, sourceUrn=edge.sourceUrn,
                                   created=edge.created or stamp, lastModified=stamp,
                                   properties=edge.properties)
    ordered = [edges[urn] for urn in sorted(edges)]
    return DataJobInputOutputClass(
        inputDatasets=[e.destinationUrn for e in ordered],
        outputDatasets=current.outputDatasets if current else [],
        inputDatasetEdges=ordered,
        outputDatasetEdges=current.outputDatasetEdges if current else None,
    )


def usage_proposals(pipeline: Pipeline, io: DataJobInputOutputClass
                    ) -> list[MetadataChangeProposalWrapper]:
    """Full aspects (DataHub Lite drops PATCH proposals): the flow, the job, its inputs."""
    return [
        MetadataChangeProposalWrapper(entityUrn=pipeline.flow_urn,
                                      aspect=DataFlowInfoClass(name=pipeline.namespace)),
        MetadataChangeProposalWrapper(entityUrn=pipeline.job_urn, aspect=DataJobInfoClass(
            name=pipeline.name, type="COMMAND", flowUrn=pipeline.flow_urn,
            description="A pipeline that read these datasets through catalog-sync")),
        MetadataChangeProposalWrapper(entityUrn=pipeline.job_urn, aspect=io),
    ]


def use_of(job_urn: str, io: DataJobInputOutputClass, dataset_urn: str) -> PipelineUse | None:
    """The job's read of `dataset_urn`, if its inputs list it."""
    for edge in io.inputDatasetEdges or []:
        if edge.destinationUrn == dataset_urn:
            job = DataJobUrn.from_string(job_urn)
            flow = DataFlowUrn.from_string(job.get_data_flow_urn().urn())
            stamp = edge.lastModified or edge.created
            return PipelineUse(job_urn, f"{flow.flow_id}/{job.job_id}",
                               stamp.time if stamp else 0)
    return None
