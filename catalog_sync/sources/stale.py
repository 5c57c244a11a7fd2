"""Stale-entity removal for catalog-sync's sources, on DataHub's own processor and handler.

The source builds DataHub's `AutoStaleEntityRemovalProcessor` itself, from the same public
context DataHub's base class builds it with (so the job id, and the state of earlier runs,
carry over), and so holds its handler: to keep unreadable assets in the state
(`AssetSource.keep`), and to refuse a mass removal in its own words before DataHub's handler
would (`refuse_mass_removal`).
"""

from __future__ import annotations

from typing import Any

from datahub.ingestion.api.source import SourceReport
from datahub.ingestion.api.workunit_processor import (
    StaleEntityRemovalContext,
    WorkunitProcessorContext,
)
from datahub.ingestion.source.state.entity_removal_state import GenericCheckpointState
from datahub.ingestion.source.state.stale_entity_removal_handler import StaleEntityRemovalHandler
from datahub.ingestion.source.state.stateful_ingestion_base import StatefulIngestionSourceBase
from datahub.ingestion.workunit_processors import AutoStaleEntityRemovalProcessor

THRESHOLD_MESSAGE = (
    "more assets than the fail-safe threshold allows are gone since the last successful run; "
    "nothing was soft-deleted. Check the recipe (paths, globs, credentials), raise "
    "stateful_ingestion.fail_safe_threshold, or run `catalog-sync ingest --force` if the "
    "removals are real"
)


def stale_removal(source: StatefulIngestionSourceBase) -> AutoStaleEntityRemovalProcessor | None:
    """DataHub's stale-removal processor for `source`, built from the context DataHub's base
    class gives it (same job id, so the state of earlier runs carries over); None when the
    source runs without stateful ingestion."""
    ctx = WorkunitProcessorContext(
        source_report=source.get_report(),
        pipeline_context=source.ctx,
        source_config=source.get_config(),
        platform=getattr(source, "platform", None),
        source_platform=source.infer_platform(),
        stale_entity_removal_context=StaleEntityRemovalContext(
            state_provider=source.state_provider, state_type_class=GenericCheckpointState
        ),
    )
    if not AutoStaleEntityRemovalProcessor.should_enable(ctx):
        return None
    return AutoStaleEntityRemovalProcessor.create(ctx)


def refuse_mass_removal(
    handler: StaleEntityRemovalHandler, report: SourceReport, config: Any
) -> None:
    """A failure when more of the last run's assets are gone than the fail-safe threshold
    allows. Run once every asset was emitted: DataHub's handler then finds a failure, removes
    nothing and carries the last state forward, exactly as it would after its own check."""
    stateful = getattr(config, "stateful_ingestion", None)
    threshold = getattr(stateful, "fail_safe_threshold", 100.0)
    if report.failures or threshold >= 100.0 or not handler.is_checkpointing_enabled():
        return
    last = handler.state_provider.get_last_checkpoint(handler.job_id, handler.state_type_class)
    current = handler.state_provider.get_current_checkpoint(handler.job_id)
    if last is None or current is None:
        return
    changed = current.state.get_percent_entities_changed(last.state)
    if changed > threshold:
        report.failure(
            title="Stale removal refused", message=THRESHOLD_MESSAGE,
            context=f"previous_run={last.state.urn_count()} entities, "
            f"current_run={current.state.urn_count()} entities, change={changed:.1f}%, "
            f"threshold={threshold}",
        )
