"""Where stale-removal state lives, and the defaults that switch stale removal on.

DataHub's stateful ingestion remembers the URNs each successful run produced; the next run
soft-deletes those it no longer finds. With the embedded catalog the state is a JSON file per
pipeline beside the catalog (`catalog.state/<pipeline>.json`), written atomically so a run
killed while committing leaves the previous state intact; with GMS it is kept in GMS itself.

DataHub commits state only at the end of a run, so an asset first written by a run that was
then killed would be in no state at all, and never removed if it vanished before the next run.
So every URN is first appended to a write-ahead journal on local disk: beside the state file
(`<pipeline>.json.journal`), or for GMS under the catalog's folder (`state/<pipeline>.journal`,
provider `catalog-sync-datahub`, DataHub's `datahub` provider plus the journal). The next run
adds a leftover journal's URNs to the previous state, and a run whose state was committed
deletes the journal; a run that committed nothing (sink failures, a failed commit) keeps it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from datahub.ingestion.api.committable import CommitPolicy
from datahub.ingestion.api.common import PipelineContext
from datahub.ingestion.api.ingestion_job_checkpointing_provider_base import (
    IngestionCheckpointingProviderBase,
    JobId,
)
from datahub.ingestion.api.workunit import MetadataWorkUnit
from datahub.ingestion.graph.client import DataHubGraph
from datahub.ingestion.source.state.checkpoint import Checkpoint
from datahub.ingestion.source.state.entity_removal_state import (
    STATEFUL_INGESTION_IGNORED_ENTITY_TYPES,
    GenericCheckpointState,
)
from datahub.ingestion.source.state.stateful_ingestion_base import StateProviderWrapper
from datahub.ingestion.source.state_provider.datahub_ingestion_checkpointing_provider import (
    DatahubIngestionCheckpointingProvider,
    DatahubIngestionStateProviderConfig,
)
from datahub.ingestion.source.state_provider.file_ingestion_checkpointing_provider import (
    FileIngestionCheckpointingProvider,
    FileIngestionStateProviderConfig,
)
from datahub.metadata.schema_classes import DatahubIngestionCheckpointClass
from datahub.utilities.urns.urn import guess_entity_type

logger = logging.getLogger(__name__)

STATE_PROVIDER = "catalog-sync-file"
GMS_STATE_PROVIDER = "catalog-sync-datahub"
# Half the catalog vanishing at once is far likelier a wrong path, glob or credentials than
# real deletions; DataHub's own default (75%) lets too much go.
DEFAULT_FAIL_SAFE_PERCENT = 50.0
NO_THRESHOLD = 100.0  # DataHub's handler disables the check at 100
_MAX_STATE_BYTES = 2**24  # DataHub's default max_checkpoint_state_size
# DataHub's providers commit whatever happened (CommitPolicy.ALWAYS): a soft-delete that never
# reached the catalog would be forgotten. catalog-sync's commit only after a run without
# failures (the Pipeline checks source and sink after flushing the sink); the last committed
# state, and the journal of what the failed run wrote, carry over to the next run.
COMMIT_POLICY = CommitPolicy.ON_NO_ERRORS


class WriteAheadJournal:
    """The URNs a run writes, each appended (and flushed) before it is written; what a run that
    never committed left behind is `inherited`, for the next run to add to the last state."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # Read before this run appends: what a killed run wrote and no state records.
        self.inherited = _recover_journal(path)
        self._file: IO[str] | None = None

    def record(self, urn: str) -> None:
        """Journal `urn` before it is written: flushed, so a SIGKILL cannot lose it."""
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("a", encoding="utf-8")
        self._file.write(urn + "\n")
        self._file.flush()

    def merge(
        self,
        aspect: DatahubIngestionCheckpointClass | None,
        pipeline_name: str,
        job_name: JobId,
    ) -> DatahubIngestionCheckpointClass | None:
        """The last committed checkpoint `aspect` with the inherited URNs added."""
        if not self.inherited:
            return aspect
        if aspect is None:
            checkpoint = Checkpoint(job_name, pipeline_name, "killed-run", GenericCheckpointState())
        else:
            loaded = Checkpoint.create_from_checkpoint_aspect(
                job_name, aspect, GenericCheckpointState
            )
            assert loaded is not None
            checkpoint = loaded
        logger.info("adding %s URNs of an unfinished run to the last state", len(self.inherited))
        for urn in self.inherited:
            checkpoint.state.add_checkpoint_urn("", urn)
        return checkpoint.to_checkpoint_aspect(_MAX_STATE_BYTES)

    def discard(self) -> None:
        """After a committed run: every URN journalled is now in the committed state (or was
        carried over from it)."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self.path.unlink(missing_ok=True)


class _Journalled(IngestionCheckpointingProviderBase):
    """What both of catalog-sync's providers add to DataHub's: the last checkpoint comes back
    with a killed run's journalled URNs added. Listed first among the bases, so `super()` is the
    DataHub provider's own lookup."""

    journal: WriteAheadJournal

    def record(self, urn: str) -> None:
        self.journal.record(urn)

    def get_latest_checkpoint(
        self, pipeline_name: str, job_name: JobId
    ) -> DatahubIngestionCheckpointClass | None:
        # The DataHub provider after this mixin in the MRO implements it.
        aspect = super().get_latest_checkpoint(pipeline_name, job_name)  # type: ignore[safe-super]
        return self.journal.merge(aspect, pipeline_name, job_name)


class AtomicFileCheckpointingProvider(_Journalled, FileIngestionCheckpointingProvider):
    """DataHub's `file` checkpointing provider, but the state file is replaced atomically
    (write beside, fsync, rename): a half-written state file would break every later run; and
    with a write-ahead journal of the URNs a run writes."""

    def __init__(self, config: FileIngestionStateProviderConfig) -> None:
        super().__init__(config)
        self.commit_policy = COMMIT_POLICY
        self.journal = WriteAheadJournal(Path(f"{config.filename}.journal"))

    @property
    def journal_path(self) -> Path:
        return self.journal.path

    @property
    def inherited(self) -> list[str]:
        return self.journal.inherited

    @classmethod
    def create(
        cls, config_dict: dict[str, Any], ctx: PipelineContext
    ) -> AtomicFileCheckpointingProvider:
        return cls(FileIngestionStateProviderConfig.model_validate(config_dict))

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
        self.journal.discard()


class JournalledDatahubStateProviderConfig(DatahubIngestionStateProviderConfig):
    journal: str  # the write-ahead journal's path on local disk


class JournalledDatahubCheckpointingProvider(_Journalled, DatahubIngestionCheckpointingProvider):
    """DataHub's `datahub` provider (state kept in GMS, under the same dataJob URNs, so the
    state of earlier runs carries over) with a write-ahead journal on local disk."""

    def __init__(self, graph: DataHubGraph, journal: Path) -> None:
        super().__init__(graph)
        self.commit_policy = COMMIT_POLICY
        self.journal = WriteAheadJournal(journal)

    @classmethod
    def create(
        cls, config_dict: dict[str, Any], ctx: PipelineContext
    ) -> JournalledDatahubCheckpointingProvider:
        config = JournalledDatahubStateProviderConfig.model_validate(config_dict)
        graph = DataHubGraph(config.datahub_api) if config.datahub_api else ctx.graph
        if graph is None:
            raise ValueError("the state provider needs `datahub_api` or a datahub-rest sink")
        return cls(graph, Path(config.journal))

    def commit(self) -> None:
        # DataHub's commit raises if GMS refuses a checkpoint write (after the emitter's
        # retries) and sets `committed` only once every one was accepted; with nothing to
        # commit it writes nothing. Either way the journal must stay.
        self.committed = False
        super().commit()
        if self.state_to_commit and self.committed:
            self.journal.discard()


def _recover_journal(path: Path) -> list[str]:
    """The complete URNs of a leftover journal. A kill mid-line leaves a partial last line (a
    URN is complete only with its newline): it is cut off, so this run appends after it."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    complete = data[: data.rfind(b"\n") + 1]
    lines = [line for line in complete.decode("utf-8").split("\n") if line]
    urns = list(dict.fromkeys(lines))
    if len(urns) < len(lines):  # runs that never commit would otherwise grow it without end
        compact = path.with_name(f".{path.name}.compact")
        compact.write_text("".join(f"{urn}\n" for urn in urns), encoding="utf-8")
        os.replace(compact, path)
    elif len(complete) != len(data):
        os.truncate(path, len(complete))
    return urns


Processor = Callable[[Iterable[MetadataWorkUnit]], Iterable[MetadataWorkUnit]]


def write_ahead(state: StateProviderWrapper) -> Processor | None:
    """A workunit processor journalling each URN DataHub's handler will track, before the sink
    sees it; None unless the state provider keeps a journal (catalog-sync's two providers)."""
    journal = getattr(state.ingestion_checkpointing_state_provider, "journal", None)
    if not isinstance(journal, WriteAheadJournal):
        return None

    def process(stream: Iterable[MetadataWorkUnit]) -> Iterable[MetadataWorkUnit]:
        seen: set[str] = set()
        for wu in stream:
            urn = wu.get_urn()
            if wu.is_primary_source and urn not in seen:
                seen.add(urn)
                if guess_entity_type(urn) not in STATEFUL_INGESTION_IGNORED_ENTITY_TYPES:
                    journal.record(urn)
            yield wu

    return process


def stateful_defaults(
    source_config: dict[str, Any], *, provider: dict[str, Any], force: bool
) -> None:
    """Switch stale removal on unless the recipe says otherwise, with the state kept by
    `provider` (the store's: `catalog_sync.store`) unless the recipe names its own; `force`
    lifts the fail-safe threshold."""
    stateful = source_config.get("stateful_ingestion")
    if stateful is None:
        stateful = source_config["stateful_ingestion"] = {}
    stateful.setdefault("enabled", True)
    stateful.setdefault("fail_safe_threshold", DEFAULT_FAIL_SAFE_PERCENT)
    stateful.setdefault("state_provider", provider)
    if force:
        stateful["fail_safe_threshold"] = NO_THRESHOLD
