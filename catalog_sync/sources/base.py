"""What every catalog-sync source shares: config for tags, the tagging step, container and
dataset emission, and DataHub's stateful stale-entity removal."""

from __future__ import annotations

import itertools
import logging
from abc import abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from datahub.configuration.source_common import EnvConfigMixin, PlatformInstanceConfigMixin
from datahub.ingestion.api.common import PipelineContext
from datahub.ingestion.api.workunit import MetadataWorkUnit
from datahub.ingestion.source.state.stale_entity_removal_handler import (
    StaleEntityRemovalHandler,
    StaleEntityRemovalSourceReport,
    StatefulStaleMetadataRemovalConfig,
)
from datahub.ingestion.source.state.stateful_ingestion_base import (
    StatefulIngestionConfigBase,
    StatefulIngestionSourceBase,
)
from pydantic import Field, field_validator

from catalog_sync.emit.containers import container_key, container_workunits
from catalog_sync.emit.datasets import dataset_urn, dataset_workunits
from catalog_sync.emit.tags import tag_entity_workunits
from catalog_sync.model import Asset
from catalog_sync.settings import get_settings
from catalog_sync.sources.processors import EXCLUDED_PROCESSORS, size_guard
from catalog_sync.sources.stale import refuse_mass_removal, stale_removal
from catalog_sync.store import store_for_pipeline
from catalog_sync.store.lite.unchanged import emission_key
from catalog_sync.sync.fingerprint import code_stamp
from catalog_sync.sync.state import Processor, write_ahead
from catalog_sync.tagging import TagSet, decide_tags, load_tag_set
from catalog_sync.tagging.definitions import TagRule, check_tag_name, parse_inline_rules
from catalog_sync.tagging.facts import fact_properties
from catalog_sync.tagging.known import UNDEFINED_TAG_WARNING, undefined_rule_tags

logger = logging.getLogger(__name__)


class AssetSourceConfig(
    StatefulIngestionConfigBase[StatefulStaleMetadataRemovalConfig],
    EnvConfigMixin,
    PlatformInstanceConfigMixin,
):
    """Options every catalog-sync source accepts besides its own."""

    tags_dir: str | None = Field(
        default=None,
        description="Folder of tag definitions and rules; default $CATALOG_SYNC_TAGS_DIR or ./tags.",
    )
    tags: list[str] = Field(
        default_factory=list, description="Extra tags for everything this recipe ingests."
    )
    tag_rules: list[dict[str, Any]] = Field(
        default_factory=list, description="Extra tag rules, same format as in tags/."
    )
    rewrite_unchanged: bool = Field(
        default=False,
        description="Re-write datasets the embedded catalog already holds exactly as this run "
        "would write them (only refreshes lastObserved). Off: they are skipped, and kept.",
    )

    @field_validator("tags")
    @classmethod
    def _valid_tags(cls, value: list[str]) -> list[str]:
        return [check_tag_name(tag) for tag in value]


@dataclass
class AssetSourceReport(StaleEntityRemovalSourceReport):
    """Counters shared by every source; sources add their own."""

    datasets: int = 0
    containers: int = 0
    kept_unread: int = 0  # assets that exist but could not be read: kept, not re-emitted
    unchanged: int = 0  # datasets the embedded catalog already held exactly: kept, not re-written
    tags_applied: dict[str, int] = field(default_factory=dict)


def tags_dir_of(config: AssetSourceConfig) -> Path:
    """The recipe's `tags_dir`, else the deployment's (CATALOG_SYNC_TAGS_DIR)."""
    return Path(config.tags_dir) if config.tags_dir else get_settings().tags_dir


def _tag_policy(config: AssetSourceConfig) -> tuple[TagSet, list[TagRule]]:
    """The tags/ folder plus the recipe's own rules; bad rules raise TagRulesError."""
    return (
        load_tag_set(tags_dir_of(config)),
        parse_inline_rules(config.tag_rules, "recipe tag_rules"),
    )


# Assets whose existing tags are read from the catalog in one go (a fixed number of reads).
_TAG_BATCH = 100


def _last_urns(handler: StaleEntityRemovalHandler) -> frozenset[str]:
    """The URNs the last committed state holds (empty when stale removal is off)."""
    if not handler.is_checkpointing_enabled():
        return frozenset()
    last = handler.state_provider.get_last_checkpoint(handler.job_id, handler.state_type_class)
    return frozenset(last.state.urns) if last is not None else frozenset()


def _batches(items: Iterable[Asset], size: int) -> Iterable[list[Asset]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


class AssetSource(StatefulIngestionSourceBase):
    """Runs `assets()` through the tag policy and emits full aspects for each asset."""

    config: AssetSourceConfig
    report: AssetSourceReport

    def __init__(self, config: AssetSourceConfig, ctx: PipelineContext) -> None:
        # DataHub types its base with the generic StatefulIngestionConfig; ours is the
        # stale-removal subclass, which the (invariant) generic cannot express.
        super().__init__(config, ctx)  # type: ignore[arg-type]
        self.config = config
        self.tag_set, self.extra_rules = _tag_policy(config)
        # The catalog the sink writes into: existing tags, stored aspects, saved views.
        self.store = store_for_pipeline(ctx)
        self._stored = (
            self.store.stored_aspects()
            if self.store is not None and not config.rewrite_unchanged else None
        )
        self._code = code_stamp() if self._stored is not None else ""
        self._stale_handlers: list[tuple[StaleEntityRemovalHandler, frozenset[str]]] = []
        # Every URN this run wrote or found unchanged: what an unchanged-run fingerprint covers.
        self.catalogued: set[str] = set()

    @classmethod
    def check_config(cls, config: AssetSourceConfig) -> None:
        """Checks that need the outside world (tags folder, lake paths). The CLI runs them
        before any sink opens, so bad input leaves the catalog untouched; raise BadInputError."""
        _tag_policy(config)

    @abstractmethod
    def assets(self) -> Iterable[Asset]:
        """Every asset the source finds, one at a time."""

    # Warnings that follow from `listed_inputs` alone, so an unchanged run may report them again
    # without reading anything (catalog_sync.sync.fingerprint); any other warning means the
    # next run is a full one.
    REPLAYABLE_WARNINGS: frozenset[str] = frozenset()

    def listed_inputs(self) -> list[Path] | None:
        """Local folders whose listing (names, sizes, modification times) determines everything
        this source reads, so an unchanged listing means an unchanged run
        (catalog_sync.sync.fingerprint); None when something else does (a database, S3)."""
        return None

    def get_report(self) -> AssetSourceReport:
        return self.report

    def get_excluded_workunit_processors(self) -> list[Any]:
        # Provably no-ops for what catalog-sync emits, or replaced (catalog_sync.sources.processors);
        # stale removal is built here instead, so the source holds its handler.
        return [*super().get_excluded_workunit_processors(), *EXCLUDED_PROCESSORS]

    def get_workunit_processors(self) -> list[Processor | None]:
        # DataHub's stale-removal processor records each URN emitted; `keep` adds to the same
        # state. Built before `get_workunits_internal` runs, so known by the time `assets()` is.
        remover = stale_removal(self)
        self._stale_handlers = (
            [(remover.handler, _last_urns(remover.handler))] if remover is not None else []
        )
        # The URN journal that makes stale removal survive a killed run (catalog_sync.sync.state).
        return [
            *super().get_workunit_processors(),
            remover.process if remover is not None else None,
            size_guard(self), write_ahead(self.state_provider), self._note_urns,
        ]

    def _note_urns(self, stream: Iterable[MetadataWorkUnit]) -> Iterable[MetadataWorkUnit]:
        """Last in the chain, so it sees what DataHub's processors add too (tag key aspects)."""
        for unit in stream:
            self.catalogued.add(unit.get_urn())
            yield unit

    def keep(self, urn: str) -> None:
        """`urn` still exists but could not be read this run (a revoked grant, an unreadable
        folder): it stays in the stale-removal state, so it is not soft-deleted, and nothing is
        emitted for it, so its catalog entry stays exactly as the last read left it. A URN the
        last state lacks is not added: it was never catalogued, so there is nothing to keep."""
        for handler, last_urns in self._stale_handlers:
            if urn in last_urns:
                handler.add_entity_to_state("", urn)

    def _still_live(self, urn: str) -> None:
        """Record `urn` as seen this run without writing it (see `catalog.unchanged`)."""
        self.catalogued.add(urn)
        for handler, _ in self._stale_handlers:
            handler.add_entity_to_state("", urn)

    def last_urns(self) -> frozenset[str]:
        """What the last committed state holds: for a source to find what it can no longer
        see (e.g. the tables under a folder it cannot list) and `keep` it."""
        return frozenset().union(*(urns for _, urns in self._stale_handlers))

    def keep_asset(self, asset: Asset) -> None:
        """`keep` a dataset and its container chain (a schema whose every table is unreadable
        still exists)."""
        keyed: dict[str, Any] = {
            "platform": asset.platform, "instance": asset.instance, "env": asset.env
        }
        for ref in asset.containers:
            self.keep(container_key(ref, **keyed).as_urn())
        if not asset.containers_only:
            self.keep(dataset_urn(asset))
        self.report.kept_unread += 1

    def _decide(self, facts: dict[str, str], what: str) -> dict[str, str] | None:
        decision = decide_tags(facts, self.tag_set, self.config.tags, self.extra_rules)
        if decision.conflicts:
            for conflict in decision.conflicts:
                self.report.failure(title="Conflicting tags", message=conflict, context=what)
            return None
        for tag in decision.origins:
            self.report.tags_applied[tag] = self.report.tags_applied.get(tag, 0) + 1
        return dict(decision.origins)

    def _recorded(self, facts: dict[str, str]) -> dict[str, str]:
        """Facts and recipe-owned tags as custom properties, so `tags plan` can re-run the rules
        from the catalog alone (see catalog_sync.tagging.facts)."""
        recipe_only = decide_tags(facts, TagSet(), self.config.tags, self.extra_rules)
        return fact_properties(facts, recipe_only.origins)

    def get_workunits_internal(self) -> Iterable[MetadataWorkUnit]:
        for message, where in undefined_rule_tags(self.tag_set, self.extra_rules, self.config.tags):
            self.report.warning(title=UNDEFINED_TAG_WARNING, message=message, context=where)
        emitted_containers: set[str] = set()
        used_tags: set[str] = set()
        for batch in _batches(self.assets(), _TAG_BATCH):
            yield from self._batch(batch, emitted_containers, used_tags)
        if self._stored is not None:
            self._stored.close()
        yield from tag_entity_workunits(used_tags, self.tag_set)
        if self.store is not None:
            for problem in self.store.save_views(self.tag_set.views, used_tags):
                self.report.warning(title="View not saved", message=problem, context="")
            self.store.close()
        for handler, _ in self._stale_handlers:
            refuse_mass_removal(handler, self.report, self.config)

    def _batch(
        self, assets: list[Asset], emitted_containers: set[str], used_tags: set[str]
    ) -> Iterable[MetadataWorkUnit]:
        """Decide the batch's tags, read what the catalog holds of its tags at once, emit."""
        decided: list[tuple[Asset, dict[str, str] | None]] = []
        wanted: list[str] = []
        for asset in assets:
            origins = None
            if not asset.containers_only:
                origins = self._decide(asset.facts, asset.location or asset.name)
                if origins is None:
                    continue
                if self._stored is None:  # else the stored aspects carry the tags
                    wanted.append(dataset_urn(asset))
            decided.append((asset, origins))
            wanted += self._container_urns(asset)
        existing = (
            self.store.existing_tags(sorted(set(wanted)))
            if self.store is not None and wanted else {}
        )
        for asset, origins in decided:
            yield from self._containers(asset, emitted_containers, used_tags, existing)
            if origins is None:
                continue
            asset.properties.update(self._recorded(asset.facts))
            urn = dataset_urn(asset)
            used_tags.update(origins)
            self.report.datasets += 1
            yield from self._dataset(asset, origins, urn, existing.get(urn, []))

    def _dataset(
        self, asset: Asset, origins: dict[str, str], urn: str, existing: list[Any]
    ) -> Iterable[MetadataWorkUnit]:
        """The dataset's workunits; none when the embedded catalog already holds it exactly
        (then it is recorded as seen and counted unchanged)."""
        if self._stored is None:
            yield from dataset_workunits(asset, origins, existing)
            return
        stored = self._stored.aspects(urn)  # one read: its globalTags are the existing tags
        existing = stored.tags()
        if not stored.rows:  # new to the catalog: nothing to compare
            yield from dataset_workunits(asset, origins, existing)
            return
        key = emission_key(asset, self._code, sorted(origins.items()), existing)
        if not self._stored.known_unchanged(urn, key, stored):
            units = list(dataset_workunits(asset, origins, existing))
            if not self._stored.holds(urn, units, stored, key):
                yield from units
                return
        self._still_live(urn)
        self.report.unchanged += 1

    @staticmethod
    def _container_urns(asset: Asset) -> list[str]:
        keyed: dict[str, Any] = {
            "platform": asset.platform, "instance": asset.instance, "env": asset.env
        }
        return [container_key(ref, **keyed).as_urn() for ref in asset.containers]

    def _containers(
        self, asset: Asset, emitted: set[str], used_tags: set[str],
        existing: Mapping[str, list[Any]],
    ) -> Iterable[MetadataWorkUnit]:
        keyed: dict[str, Any] = {
            "platform": asset.platform, "instance": asset.instance, "env": asset.env
        }
        urns = self._container_urns(asset)
        if all(urn in emitted for urn in urns):
            return
        tag_origins: dict[str, dict[str, str]] = {}
        for ref, urn in zip(asset.containers, urns, strict=True):
            if ref.facts:
                origins = self._decide(dict(ref.facts), ref.name)
                if origins is not None:  # even none: rules may have stopped adding old tags
                    tag_origins[urn] = origins  # by URN: a schema may share its database's name
                    used_tags.update(origins)
        new = [ref for ref, urn in zip(asset.containers, urns, strict=True) if urn not in emitted]
        refs = tuple(
            replace(ref, properties=(*ref.properties, *self._recorded(dict(ref.facts)).items()))
            if ref.facts else ref
            for ref in asset.containers
        )
        # Emit the whole chain (parents link children), but count only the new levels.
        yield from container_workunits(
            refs, tag_origins=tag_origins, existing_tags=existing, **keyed
        )
        emitted.update(urns)
        self.report.containers += len(new)
