"""Where stale-removal state lives, and the defaults that switch stale removal on.

DataHub's stateful ingestion remembers the URNs each successful run produced; the next run
soft-deletes those it no longer finds. With the embedded catalog the state is a JSON file per
pipeline beside the catalog (`catalog.state/<pipeline>.json`), written atomically so a run
killed while committing leaves the previous state intact; with GMS it is kept in GMS itself.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from datahub.ingestion.source.state_provider.file_ingestion_checkpointing_provider import (
    FileIngestionCheckpointingProvider,
)

logger = logging.getLogger(__name__)

STATE_PROVIDER = "catalog-sync-file"
# Half the catalog vanishing at once is far likelier a wrong path, glob or credentials than
# real deletions; DataHub's own default (75%) lets too much go.
DEFAULT_FAIL_SAFE_PERCENT = 50.0
NO_THRESHOLD = 100.0  # DataHub's handler disables the check at 100


class AtomicFileCheckpointingProvider(FileIngestionCheckpointingProvider):
    """DataHub's `file` checkpointing provider, but the state file is replaced atomically
    (write beside, fsync, rename): a half-written state file would break every later run."""

    def commit(self) -> None:
        final = Path(self.config.filename)
        final.parent.mkdir(parents=True, exist_ok=True)
        partial = final.with_name(f".{final.name}.{os.getpid()}.partial")
        self.config.filename = str(partial)
        try:
            super().commit()
        finally:
            self.config.filename = str(final)
        if not partial.exists():
            return
        with partial.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, final)
        directory = os.open(final.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def state_file(catalog: Path, pipeline_name: str) -> Path:
    """One state file per pipeline: the file provider rewrites its whole file on commit."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in pipeline_name)
    return catalog.with_name(f"{catalog.stem}.state") / f"{safe}.json"


def stateful_defaults(
    source_config: dict[str, Any], *, state_file_path: Path | None, force: bool
) -> None:
    """Switch stale removal on unless the recipe says otherwise; `force` lifts the threshold.

    `state_file_path` is set for the embedded catalog (file provider); None means the sink is
    GMS and DataHub's `datahub` provider keeps the state there.
    """
    stateful = source_config.get("stateful_ingestion")
    if stateful is None:
        stateful = source_config["stateful_ingestion"] = {}
    stateful.setdefault("enabled", True)
    stateful.setdefault("fail_safe_threshold", DEFAULT_FAIL_SAFE_PERCENT)
    if "state_provider" not in stateful:
        if state_file_path is not None:
            provider = {"type": STATE_PROVIDER, "config": {"filename": str(state_file_path)}}
        else:
            provider = {"type": "datahub", "config": {}}
        stateful["state_provider"] = provider
    if force:
        stateful["fail_safe_threshold"] = NO_THRESHOLD
