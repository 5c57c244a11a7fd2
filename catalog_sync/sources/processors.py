"""Which of DataHub's workunit processors catalog-sync sources skip, and a cheap front for its
aspect-size check.

DataHub runs about fifteen processors over every workunit. Three cost real time and do nothing
for what catalog-sync emits, or what it does itself:

- `AutoPatchLastModifiedProcessor` fills `datasetProperties.lastModified` from `operation`
  aspects with a PATCH. catalog-sync never emits `operation` aspects, so it never patches
  anything (and the embedded store drops PATCH proposals anyway).
- `AutoBrowsePathV2Processor` derives `browsePathsV2` from `container` aspects and emits it as
  a proposal of its own; it would also swallow a snapshot that already carries one. catalog-sync
  emits the same path itself (catalog_sync.emit.containers.browse_path), inside each dataset's
  snapshot: one record fewer per dataset.
- `EnsureAspectSizeProcessor` serialises every `schemaMetadata` (and view, profile) to JSON to
  see whether it fits GMS's payload limit (~16 MB), and trims it if not. It stays, behind
  `size_guard`: an aspect whose JSON size is provably under the limit (a cheap upper bound,
  see `json_size_bound`) skips the serialisation; any other workunit still goes through
  DataHub's processor unchanged.

One is built by the source itself instead (catalog_sync.sources.stale): DataHub's
`AutoStaleEntityRemovalProcessor`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from avrogen.dict_wrapper import DictWrapper
from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.ingestion.api.source import Source
from datahub.ingestion.api.workunit import MetadataWorkUnit
from datahub.ingestion.api.workunit_processor import WorkunitProcessorContext
from datahub.ingestion.workunit_processors import (
    AutoBrowsePathV2Processor,
    AutoPatchLastModifiedProcessor,
    AutoStaleEntityRemovalProcessor,
    EnsureAspectSizeProcessor,
)
from datahub.metadata.schema_classes import (
    DatasetProfileClass,
    MetadataChangeEventClass,
    QueryPropertiesClass,
    QuerySubjectsClass,
    SchemaMetadataClass,
    UpstreamLineageClass,
    ViewPropertiesClass,
)

logger = logging.getLogger(__name__)

EXCLUDED_PROCESSORS = [
    AutoBrowsePathV2Processor, AutoPatchLastModifiedProcessor, EnsureAspectSizeProcessor,
    AutoStaleEntityRemovalProcessor,  # built by catalog_sync.sources.stale instead
]


# json.dumps (ensure_ascii) writes at most 12 characters per code point: a character outside
# the BMP becomes two \uXXXX escapes.
_MAX_CHARS_PER_CODE_POINT = 12
# Room per record, map entry or list item for separators, quotes and the union wrappers
# ({"com.linkedin.pegasus2avro.schema.StringType": {}}) DataHub's JSON form adds.
_NODE_SLACK = 256
_UNBOUNDED = 1 << 62
# Aspects DataHub's size check looks at (EnsureAspectSizeProcessor.process); of those, the ones
# whose bound is checked here. Lineage and queries (other limits) always go to DataHub's.
_CHECKED = (
    SchemaMetadataClass, DatasetProfileClass, QuerySubjectsClass, UpstreamLineageClass,
    QueryPropertiesClass, ViewPropertiesClass,
)
_BOUNDED = (SchemaMetadataClass, ViewPropertiesClass, DatasetProfileClass)


def json_size_bound(value: object) -> int:
    """An upper bound of the length of `value`'s JSON in DataHub's form, in one walk over its
    fields: no avro validation, no serialisation. Unknown types are unbounded."""
    if isinstance(value, str):
        return _MAX_CHARS_PER_CODE_POINT * len(value) + 2
    if value is None or isinstance(value, bool):
        return 5
    if isinstance(value, int | float):
        return len(repr(value)) + 2
    if isinstance(value, DictWrapper | Mapping):
        return _NODE_SLACK + sum(
            json_size_bound(key) + json_size_bound(item) + _NODE_SLACK
            for key, item in value.items()
        )
    if isinstance(value, list | tuple):
        return _NODE_SLACK + sum(json_size_bound(item) + _NODE_SLACK for item in value)
    return _UNBOUNDED


def _aspects(wu: MetadataWorkUnit) -> list[Any] | None:
    """The aspects of a full-aspect workunit; None for anything else (patches, raw MCPs)."""
    if isinstance(wu.metadata, MetadataChangeProposalWrapper):
        return [wu.metadata.aspect]
    if isinstance(wu.metadata, MetadataChangeEventClass):
        return list(wu.metadata.proposedSnapshot.aspects)
    return None


def provably_small(wu: MetadataWorkUnit, limit: int) -> bool:
    """True when nothing in `wu` could be trimmed by DataHub's size check under `limit`."""
    aspects = _aspects(wu)
    if aspects is None:
        return False
    return all(
        not isinstance(aspect, _CHECKED)
        or (isinstance(aspect, _BOUNDED) and json_size_bound(aspect) < limit)
        for aspect in aspects
    )


def size_guard(source: Source) -> Any:
    """DataHub's EnsureAspectSizeProcessor for the workunits that may need it; the rest pass."""
    checker = EnsureAspectSizeProcessor.create(
        WorkunitProcessorContext(
            source_report=source.get_report(),
            pipeline_context=source.ctx,
            source_config=source.get_config(),
            platform=getattr(source, "platform", None),
            source_platform=source.infer_platform(),
        )
    )
    # The smallest limit it applies (schemaMetadata's); the others are larger.
    limit = min(checker.schema_size_constraint, checker.payload_constraint)

    def process(stream: Iterable[MetadataWorkUnit]) -> Iterable[MetadataWorkUnit]:
        for wu in stream:
            if provably_small(wu, limit):
                yield wu
            else:
                yield from checker.process([wu])

    return process



