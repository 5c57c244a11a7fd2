"""Run one or more recipes through DataHub's Pipeline and fold their reports into one."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from datahub.ingestion.run.pipeline import Pipeline

from catalog_sync.errors import BadInputError, CatalogSyncError, RecipeError
from catalog_sync.ingest.recipe import load_recipe
from catalog_sync.report import MAX_PROBLEMS, Problem, RecipeResult, RunReport
from catalog_sync.settings import Settings

logger = logging.getLogger(__name__)

# No network beyond the catalog: DataHub's telemetry must never phone home from a job.
os.environ.setdefault("DATAHUB_TELEMETRY_ENABLED", "false")


def _problems(entries: Any, recipe: str) -> list[Problem]:
    problems = []
    for entry in list(entries)[:MAX_PROBLEMS]:
        if isinstance(entry, str):
            problems.append(Problem("Sink error", entry, "", recipe))
            continue
        context = entry.context
        if isinstance(context, list):
            context = "; ".join(str(c) for c in context)
        problems.append(
            Problem(entry.title or "", entry.message or "", str(context or ""), recipe)
        )
    return problems


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
    for counter in ("datasets", "containers", "files", "rows", "bytes"):
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


def run_recipe(path: Path, settings: Settings) -> RecipeResult:
    """Run one recipe; bad input raises (exit 2), asset failures land in the result (exit 1)."""
    recipe = load_recipe(path, settings)
    sink = recipe.get("sink", {})
    if sink.get("type") == "datahub-lite":
        Path(sink["config"]["config"]["file"]).parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        pipeline = Pipeline.create(recipe, report_to=None, no_progress=True)
    except Exception as err:
        cause = _cause(err)
        if isinstance(cause, BadInputError):
            raise RecipeError(str(path), str(cause)) from err
        if cause is not None:
            raise cause from err
        raise RecipeError(str(path), f"cannot start pipeline: {str(err).splitlines()[0]}") from err
    try:
        pipeline.run()
    except Exception as err:  # the pipeline already reported what it could
        cause = _cause(err)
        if isinstance(cause, BadInputError):
            raise RecipeError(str(path), str(cause)) from err
        result = _result(str(path), pipeline, time.perf_counter() - started)
        result.failures.append(Problem("Run aborted", str(err).splitlines()[0], "", str(path)))
        return result
    return _result(str(path), pipeline, time.perf_counter() - started)


def run_recipes(paths: Sequence[Path], settings: Settings) -> RunReport:
    """All recipes are validated first, so bad input in any one writes nothing at all."""
    for path in paths:
        load_recipe(path, settings)
    report = RunReport()
    started = time.perf_counter()
    for path in paths:
        report.recipes.append(run_recipe(path, settings))
    report.seconds = time.perf_counter() - started
    return report
