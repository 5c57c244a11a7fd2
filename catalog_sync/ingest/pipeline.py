"""One recipe through DataHub's Pipeline, its reports folded into a RecipeResult."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import requests
import urllib3
from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.ingestion.api.common import RecordEnvelope, WorkUnit
from datahub.ingestion.api.source import Source
from datahub.ingestion.api.workunit import MetadataWorkUnit
from datahub.ingestion.extractor.mce_extractor import WorkUnitRecordExtractor
from datahub.ingestion.run.pipeline import Pipeline
from datahub.metadata.schema_classes import MetadataChangeEventClass

from catalog_sync.errors import (
    BadInputError,
    CatalogSyncError,
    RecipeError,
    SinkUnavailableError,
)
from catalog_sync.report import MAX_PROBLEMS, Problem, RecipeResult
from catalog_sync.sources.base import AssetSource
from catalog_sync.store.gms.errors import gms_reason

logger = logging.getLogger(__name__)

# No network beyond the catalog: DataHub's telemetry must never phone home from a job.
os.environ.setdefault("DATAHUB_TELEMETRY_ENABLED", "false")


def _sink_problem(entry: dict[str, Any], recipe: str) -> Problem:
    """DataHub sinks report dicts: {"error"|"warning": message, "info": {urn, ...}} or {"e": exc}."""
    message = entry.get("error") or entry.get("warning") or entry.get("e") or entry
    info = entry.get("info")
    if not isinstance(info, dict):
        info = {}
    context = info.get("urn") or info.get("workunit_id") or ""
    return Problem("Sink write failed", str(message).splitlines()[0][:500], str(context), recipe)


def _problems(entries: Any, recipe: str) -> list[Problem]:
    problems = []
    for entry in list(entries)[:MAX_PROBLEMS]:
        if isinstance(entry, str):
            problems.append(Problem("Sink error", entry, "", recipe))
            continue
        if isinstance(entry, dict):
            problems.append(_sink_problem(entry, recipe))
            continue
        context = entry.context
        if isinstance(context, list):
            context = "; ".join(str(c) for c in context)
        problems.append(
            Problem(entry.title or "", entry.message or "", str(context or ""), recipe)
        )
    return problems


def _unreachable(err: BaseException) -> BaseException | None:
    """The network error behind a sink that could not start (GMS down or answering 5xx)."""
    seen: BaseException | None = err
    while seen is not None:
        if isinstance(seen, requests.RequestException | urllib3.exceptions.HTTPError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


class SinkValidatedExtractor(WorkUnitRecordExtractor):
    """DataHub's `generic` extractor without its avro validation of each record up front.

    Every sink serialises a record with avrogen's `to_obj`, which validates the whole record
    against its schema first and raises on a bad one (the `file` and `datahub-rest` sinks
    directly, DataHub Lite on each aspect of `mcps_from_mce`). The extractor's own validation
    walks the same record once more before that: ~0.35 s of a 600-table database run. A bad
    record is still never written: the sink reports it as a failed write instead of the source
    as bad metadata, and either is a failure of the run (exit 1) that keeps the stale-removal
    state. Used for catalog-sync's own sources, whose records are built from DataHub's typed
    classes; raw MCPs, unpacking and anything else go through DataHub's extractor unchanged.
    """

    def get_records(self, workunit: WorkUnit) -> Iterable[RecordEnvelope[Any]]:
        metadata = getattr(workunit, "metadata", None)
        if self.config.unpack_mces_into_mcps or not isinstance(
            metadata, MetadataChangeEventClass | MetadataChangeProposalWrapper
        ):
            yield from super().get_records(workunit)
            return
        assert isinstance(workunit, MetadataWorkUnit)
        if isinstance(metadata, MetadataChangeEventClass) and not metadata.proposedSnapshot.aspects:
            raise AttributeError("every mce must have at least one aspect")
        yield RecordEnvelope(metadata, {"workunit_id": workunit.id})


class SyncPipeline(Pipeline):
    """DataHub's Pipeline, with catalog-sync's sources skipping the extractor's validation
    (`SinkValidatedExtractor`). Stale-removal state is committed only when every write landed:
    DataHub's Pipeline flushes the sink and gates the commit on sink failures, and
    `catalog-sync-rest` (catalog_sync.store.gms.sink) makes the REST sink's flush real."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if isinstance(self.source, AssetSource) and self.config.source.extractor == "generic":
            self.extractor = SinkValidatedExtractor(self.config.source.extractor_config, self.ctx)


def _cause(err: BaseException) -> CatalogSyncError | None:
    """The CatalogSyncError behind DataHub's wrappers (PipelineInitError and friends)."""
    seen: BaseException | None = err
    while seen is not None:
        if isinstance(seen, CatalogSyncError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _result(recipe_name: str, pipeline: Pipeline, seconds: float) -> RecipeResult:
    source_report = pipeline.source.get_report()
    sink_report = pipeline.sink.get_report()
    result = RecipeResult(
        recipe=recipe_name,
        source=pipeline.source_type or "",
        sink=pipeline.sink_type or "",
        seconds=round(seconds, 3),
        records_written=sink_report.total_records_written,
    )
    for counter in ("datasets", "containers", "files", "rows", "bytes", "unchanged"):
        setattr(result, counter, int(getattr(source_report, counter, 0) or 0))
    soft_deleted = getattr(source_report, "soft_deleted_stale_entities", None)
    result.soft_deleted = len(soft_deleted) if soft_deleted is not None else 0
    result.warnings = _problems(source_report.warnings, recipe_name) + _problems(
        sink_report.warnings, recipe_name
    )
    result.failures = _problems(source_report.failures, recipe_name) + _problems(
        sink_report.failures, recipe_name
    )
    return result


def run_pipeline(
    path: Path, recipe: dict[str, Any], before_run: Callable[[Source], None] | None = None
) -> tuple[RecipeResult, Pipeline | None]:
    """Run a loaded recipe; the pipeline comes back when it ran to its end (None if aborted).
    `before_run` sees the source once it is configured, before it reads anything."""
    started = time.perf_counter()
    try:
        pipeline = SyncPipeline.create(recipe, report_to=None, no_progress=True)
    except Exception as err:
        cause = _cause(err)
        if isinstance(cause, BadInputError):
            raise RecipeError(str(path), str(cause)) from err
        if cause is not None:
            raise cause from err
        network = _unreachable(err)
        if network is not None:
            sink = recipe.get("sink", {})
            where = (sink.get("config") or {}).get("server") or sink.get("type", "")
            raise SinkUnavailableError(str(where), gms_reason(network)) from err
        raise RecipeError(str(path), f"cannot start pipeline: {str(err).splitlines()[0]}") from err
    try:
        if before_run is not None:
            before_run(pipeline.source)
        pipeline.run()
    except Exception as err:  # the pipeline already reported what it could
        cause = _cause(err)
        if isinstance(cause, BadInputError):
            raise RecipeError(str(path), str(cause)) from err
        result = _result(str(path), pipeline, time.perf_counter() - started)
        result.failures.append(Problem("Run aborted", str(err).splitlines()[0], "", str(path)))
        return result, None
    return _result(str(path), pipeline, time.perf_counter() - started), pipeline
