"""Recording a pipeline's reads at the moment it resolves or opens datasets.

A read must never fail because the catalog could not note it: a failure to record is one
warning (logged, and returned so the API can say so), and the read goes on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from catalog_sync.errors import CatalogSyncError
from catalog_sync.store import CatalogStore
from catalog_sync.usage.aspects import Pipeline

logger = logging.getLogger(__name__)


def record_reads(store: CatalogStore, pipeline: Pipeline, datasets: Sequence[str]) -> str | None:
    """Record that `pipeline` read `datasets` now; the warning's text when that failed. Only
    datasets are inputs (a resolved binding also reaches its database's containers)."""
    datasets = [urn for urn in datasets if urn.startswith("urn:li:dataset:")]
    if not datasets:
        return None
    try:
        store.record_usage(pipeline, sorted(set(datasets)), int(time.time() * 1000))
    except (CatalogSyncError, OSError) as err:
        warning = f"usage of {pipeline.job_urn} not recorded: {err}"
        logger.warning("%s", warning)
        return warning
    return None
