"""DataHub GMS as the catalog store, through DataHub's own Python client (`DataHubGraph`).

A page of results is two or three requests, however many entities it holds: one GraphQL
`searchAcrossEntities` (GMS's own start/count/total, so pages never overlap or leave gaps) and
one batch aspect read (`DataHubGraph.get_entities`, OpenAPI `batchGet`) per entity type on the
page. Every other read is DataHub's client too (`get_entities`, `get_urns_by_filter`, `exists`),
except tag counts (`aggregateAcrossEntities`) and saved views, which it has no call for.
Tag edits are DataHub PATCH proposals (add or remove one association, keep the rest), emitted
with `SYNC_WAIT` so the next search sees them: a steward's edit in DataHub's UI between a read
and a write is never lost. Answers are cached for a short TTL: the API is stateless behind a
load balancer and GMS is the shared engine, so a few seconds of staleness buy a lot of headroom.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar, cast

import requests
from datahub.configuration.common import GraphError
from datahub.emitter.rest_emitter import EmitMode
from datahub.emitter.serialization_helper import pre_json_transform
from datahub.ingestion.graph.client import DataHubGraph
from datahub.ingestion.graph.config import DatahubClientConfig
from datahub.metadata.schema_classes import (
    DataJobInputOutputClass,
    DatasetProfileClass,
    GlobalTagsClass,
    TagAssociationClass,
)
from datahub.specific.aspect_helpers.tags import HasTagsPatch

from catalog_sync.errors import (
    CatalogContractError,
    CatalogUnavailableError,
    EntityNotFoundError,
)
from catalog_sync.redact import redact_url
from catalog_sync.store.entries import (
    CONTAINER_ASPECTS,
    DATASET_ASPECTS,
    entity_type_of,
    entry_from_aspects,
)
from catalog_sync.store.gms import search
from catalog_sync.store.gms.errors import gms_reason, reaching
from catalog_sync.store.gms.sink import SINK_TYPE
from catalog_sync.store.gms.views import save_views
from catalog_sync.store.interface import TagEdit
from catalog_sync.store.model import AssetPage, AssetQuery, CatalogEntry, EntityKind, TagCount
from catalog_sync.sync.paths import gms_journal_file
from catalog_sync.sync.state import GMS_STATE_PROVIDER
from catalog_sync.tagging.definitions import ViewDefinition
from catalog_sync.usage.aspects import Pipeline, PipelineUse, merged, usage_proposals, use_of

logger = logging.getLogger(__name__)
T = TypeVar("T")

_ASPECTS = {"dataset": DATASET_ASPECTS, "container": CONTAINER_ASPECTS}
# The detail aspects a batch read can return (datasetProfile is a timeseries aspect).
_DETAILS = {"dataset": ("upstreamLineage", "viewProperties"), "container": ()}
_GRAPHQL_TYPES = {"DATASET": "dataset", "CONTAINER": "container"}
_BATCH = 100  # URNs per batch read
_CACHE_SIZE = 1024
CHECK_TTL = 2.0


class GmsStore:
    """`CatalogStore` over DataHub GMS (`DATAHUB_GMS_URL`, token `DATAHUB_GMS_TOKEN`)."""

    kind = "gms"
    in_memory = False

    def __init__(
        self, *, server: str, token: str | None = None, graph: DataHubGraph | None = None,
        state_dir: Path = Path("."), ttl: float = 10.0, timeout: float = 10.0,
    ) -> None:
        if graph is not None and token is not None:
            raise ValueError("pass a graph or a token, not both: the graph has its own")
        self.server = server.rstrip("/")
        self.location = redact_url(self.server)
        self.token = token
        self.state_dir = state_dir
        self.ttl = ttl
        self.timeout = timeout
        self._graph = graph
        self._owns_graph = graph is None
        self._cache: dict[Hashable, tuple[int, Any]] = {}
        self._edits = 0
        self._flights: dict[Hashable, threading.Event] = {}
        self._lock = threading.Lock()

    @property
    def graph(self) -> DataHubGraph:
        """DataHub's client, made on first use (making it sends nothing)."""
        if self._graph is None:
            self._graph = DataHubGraph(DatahubClientConfig(
                server=self.server, token=self.token, timeout_sec=self.timeout,
                retry_max_times=2, openapi_ingestion=False,
            ))
        return self._graph

    # Reads ---------------------------------------------------------------------------------

    def _window(self) -> int:
        """Which half-`ttl` window of the monotonic clock this is. A read is cached for the rest
        of its window and served on into the next one only until a refresh lands, so nothing
        is served older than `ttl` (plus one GMS read)."""
        half = self.ttl / 2
        return int(time.monotonic() // half) if half > 0 else time.monotonic_ns()

    @property
    def generation(self) -> object:
        """Changes with every window and every tag edit made here; the API keys its page
        cache on it, so a cached page is never older than the reads it was made from."""
        return (self._edits, self._window())

    def _cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()` once per key and window, however many threads ask at once.

        One thread reads GMS; the others wait for its answer. An answer from the window just
        ended is served while a background thread refreshes it, so no request waits on GMS
        once a read is warm (a herd at a window's start costs GMS one read, and nothing served
        is older than two windows, `ttl`); an older one is recomputed before answering.
        """
        window = self._window()
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None and hit[0] == window:
                value: T = hit[1]
                return value
            recent = hit is not None and hit[0] == window - 1
            flight = self._flights.get(key)
            leading = flight is None
            if flight is None:
                flight = self._flights[key] = threading.Event()
            edits = self._edits
        if leading and recent:
            threading.Thread(target=self._refresh, args=(key, compute, window, edits, flight),
                             kwargs={"background": True}, daemon=True).start()
        if recent:
            return cast(T, hit[1])  # type: ignore[index]
        if not leading:
            flight.wait(self.timeout * 3)
            with self._lock:
                hit = self._cache.get(key)
            return cast(T, hit[1]) if hit is not None else compute()  # the leader failed
        return self._refresh(key, compute, window, edits, flight)

    def _refresh(self, key: Hashable, compute: Callable[[], T], window: int, edits: int,
                 flight: threading.Event, background: bool = False) -> T:
        """Compute and keep one answer (unless an edit made here came after it started)."""
        try:
            value = compute()
            with self._lock:
                if self._edits == edits:
                    if len(self._cache) >= _CACHE_SIZE:
                        self._cache.clear()
                    self._cache[key] = (window, value)
            return value
        except Exception as err:
            if not background:
                raise
            # Nobody waits on a background refresh: the next read past this window retries
            # (and reports the failure itself).
            logger.debug("background refresh of %r failed: %s", key, err)
            return cast(T, None)
        finally:
            with self._lock:
                self._flights.pop(key, None)
            flight.set()

    def _fetch(
        self, entity: str, urns: Sequence[str], details: bool = False
    ) -> dict[str, CatalogEntry]:
        """Entries of `urns` (all of one entity type) in one batch read per `_BATCH` URNs;
        with `details`, the versioned detail aspects too."""
        found: dict[str, CatalogEntry] = {}
        names = list(dict.fromkeys([*_ASPECTS[entity], *(_DETAILS[entity] if details else ())]))
        for start in range(0, len(urns), _BATCH):
            chunk = list(urns[start: start + _BATCH])
            try:
                entities = self.graph.get_entities(entity, chunk, names)
            except (requests.RequestException, GraphError) as err:
                raise CatalogUnavailableError(self.location, gms_reason(err)) from err
            except Exception as err:
                raise CatalogContractError(
                    self.location, f"{entity} aspects", f"not readable ({type(err).__name__})"
                ) from err
            for urn, aspects in entities.items():
                as_json = {name: pre_json_transform(aspect.to_obj())
                           for name, (aspect, _) in aspects.items()}
                found[urn] = entry_from_aspects(urn, as_json, details=details)
        return found

    def _search(self, query: AssetQuery) -> AssetPage:
        deep = query.offset + query.limit > search.MAX_RESULT_WINDOW
        with reaching(self.location):
            data = self.graph.execute_graphql(  # past the window: only the total, count 0
                search.SEARCH_QUERY,
                variables=search.search_variables(replace(query, offset=0, limit=0) if deep
                                                  else query))
        page = search.search_page(data, self.location)
        if deep:
            urns = self._deep_page(query, page.total)
        else:
            urns = []
            for hit in page.searchResults:
                if _GRAPHQL_TYPES.get(hit.entity.type) not in query.kind.entity_types:
                    raise CatalogContractError(
                        self.location, "searchAcrossEntities.searchResults.entity.type",
                        f"{hit.entity.type!r} was not asked for")
                urns.append(hit.entity.urn)
        by_type: dict[str, list[str]] = {}
        for urn in urns:
            by_type.setdefault(entity_type_of(urn) or "", []).append(urn)
        entries: dict[str, CatalogEntry] = {}
        for entity, group in by_type.items():
            entries.update(self._fetch(entity, group))
        items = [entries[urn] for urn in urns if urn in entries]
        return AssetPage(total=page.total, offset=query.offset, limit=query.limit, items=items)

    def _deep_page(self, query: AssetQuery, total: int) -> list[str]:
        """A page past GMS's 10,000-result search window: DataHub's scroll in URN order (the
        search's order), one request per 5,000 URNs skipped. Rare and slower, but never a
        wrong or refused page."""
        if query.offset >= total:
            return []
        types, or_filters = search.compile_query(query)
        with reaching(self.location):
            scrolled = self.graph.get_urns_by_filter(
                entity_types=types, query=query.text or "*", extra_or_filters=or_filters,
                status=None, sort_by="urn", sort_order="ASCENDING")
            return list(itertools.islice(scrolled, query.offset, query.offset + query.limit))

    def search(self, query: AssetQuery) -> AssetPage:
        return self._cached(("search", query), lambda: self._search(query))

    def scan(self, query: AssetQuery) -> Iterator[CatalogEntry]:
        """DataHub's own scroll (`get_urns_by_filter`) with the search's filters, then batch
        reads: no result window, a fixed number of requests per 5,000 matches."""
        types, or_filters = search.compile_query(query)
        with reaching(self.location):
            urns = list(self.graph.get_urns_by_filter(
                entity_types=types, query=query.text or "*", extra_or_filters=or_filters,
                status=None,  # the compiled filters already leave soft-deleted entities out
            ))
        by_type: dict[str, list[str]] = {}
        for urn in urns:
            entity = entity_type_of(urn)
            if entity in query.kind.entity_types:
                by_type.setdefault(entity, []).append(urn)
        for entity, group in by_type.items():
            for start in range(0, len(group), _BATCH):
                yield from self._fetch(entity, group[start: start + _BATCH]).values()

    def _get(self, urn: str) -> CatalogEntry | None:
        entity = entity_type_of(urn)
        if entity is None or entity not in _ASPECTS:
            return None
        entry = self._fetch(entity, [urn], details=True).get(urn)
        if entry is None or entry.removed:
            return None
        if entity == "dataset":  # a timeseries aspect: not in the batch read
            with reaching(self.location):
                profile = self.graph.get_latest_timeseries_value(urn, DatasetProfileClass, {})
            if profile is not None:
                entry.aspects["datasetProfile"] = pre_json_transform(profile.to_obj())
        return entry

    def get(self, urn: str) -> CatalogEntry | None:
        return self._cached(("get", urn), lambda: self._get(urn))

    def _tag_counts(self) -> list[TagCount]:
        with reaching(self.location):
            data = self.graph.execute_graphql(
                search.TAG_COUNTS_QUERY, variables=search.tag_count_variables())
        counts = search.tag_counts(data, self.location)
        if len(counts) >= search.MAX_TAG_VALUES:
            logger.warning("more than %s tags in use: counts cover the first %s only",
                           search.MAX_TAG_VALUES, search.MAX_TAG_VALUES)
        return counts

    def tag_counts(self) -> list[TagCount]:
        return self._cached(("tags",), self._tag_counts)

    def _downstreams(self, urn: str) -> list[str]:
        # DataHub's lineage graph: `upstreamLineage` makes a DownstreamOf edge from each
        # downstream to its upstream, so those reading from `urn` are its incoming edges.
        with reaching(self.location):
            related = list(self.graph.get_related_entities(
                urn, ["DownstreamOf"], direction=DataHubGraph.RelationshipDirection.INCOMING))
        return sorted({r.urn for r in related})

    def downstreams(self, urn: str) -> list[str]:
        return self._cached(("downstreams", urn), lambda: self._downstreams(urn))

    def check(self) -> None:
        """A one-entry page: the GraphQL search and the batch read the reads use. A success
        stands for the rest of its `CHECK_TTL` period, shared by every probe in it (health
        probes come often); a failure always raises."""
        period = int(time.monotonic() // CHECK_TTL)
        self._cached(("check", period), lambda: self._search(AssetQuery(kind=EntityKind.ALL,
                                                                        limit=1)))

    def entries(self) -> Iterator[CatalogEntry]:
        for entity in EntityKind.ALL.entity_types:
            with reaching(self.location):
                urns = list(self.graph.get_urns_by_filter(entity_types=[entity]))
            for entry in self._fetch(entity, urns).values():
                if not entry.removed:
                    yield entry

    # Tags ----------------------------------------------------------------------------------

    def existing_tags(self, urns: Sequence[str]) -> Mapping[str, list[Any]]:
        found: dict[str, list[Any]] = {}
        by_type: dict[str, list[str]] = {}
        for urn in urns:
            entity = entity_type_of(urn)
            if entity is not None:
                by_type.setdefault(entity, []).append(urn)
        for entity, group in by_type.items():
            for start in range(0, len(group), _BATCH):
                with reaching(self.location):
                    entities = self.graph.get_entities(
                        entity, group[start: start + _BATCH], ["globalTags"])
                for urn, aspects in entities.items():
                    tags = aspects.get("globalTags", (None, None))[0]
                    if isinstance(tags, GlobalTagsClass):
                        found[urn] = list(tags.tags)
        return found

    def tag_associations(self, urn: str) -> list[TagAssociationClass]:
        with reaching(self.location):
            if not self.graph.exists(urn):
                raise EntityNotFoundError(urn, self.location)
        return [a if isinstance(a, TagAssociationClass) else TagAssociationClass.from_obj(a)
                for a in self.existing_tags([urn]).get(urn, [])]

    def edit_tags(self, edits: Sequence[TagEdit]) -> int:
        with reaching(self.location):
            for edit in edits:
                patch = HasTagsPatch(edit.urn)
                for association in edit.add:
                    patch.add_tag(association)
                for tag in edit.remove:
                    patch.remove_tag(tag)
                for mcp in patch.build():
                    self.graph.emit_mcp(mcp, emit_mode=EmitMode.SYNC_WAIT)
        with self._lock:
            self._cache.clear()
            self._edits += 1
        return len(edits)

    def editing(self, command: str, wait_seconds: float = 0.0) -> nullcontext[None]:
        """No lock: each PATCH is applied atomically by GMS and keeps what it does not name."""
        return nullcontext()

    # Usage ---------------------------------------------------------------------------------

    def record_usage(self, pipeline: Pipeline, datasets: Sequence[str], time_ms: int) -> None:
        """Read the job's inputs, write them back merged as full aspects (UPSERT), synchronously
        so `usage_of` (a search on `inputDatasetEdges`) sees them at once."""
        with reaching(self.location):
            current = self.graph.get_aspect(pipeline.job_urn, DataJobInputOutputClass)
            self.graph.emit_mcps(usage_proposals(pipeline, merged(current, datasets, time_ms)),
                                 emit_mode=EmitMode.SYNC_WAIT)

    def usage_of(self, dataset_urn: str) -> list[PipelineUse]:
        """dataJobs whose `inputDatasetEdges` (DataJobInputOutput's searchable field) name
        the dataset, then each one's inputs for the time."""
        found: list[PipelineUse] = []
        with reaching(self.location):
            jobs = sorted(self.graph.get_urns_by_filter(entity_types=["dataJob"], extraFilters=[
                {"field": "inputDatasetEdges", "values": [dataset_urn], "condition": "EQUAL"}]))
            for job in jobs:
                io = self.graph.get_aspect(job, DataJobInputOutputClass)
                use = use_of(job, io, dataset_urn) if io is not None else None
                if use is not None:
                    found.append(use)
        return found

    def save_views(self, views: Sequence[ViewDefinition], tags: set[str]) -> list[str]:
        return save_views(self.graph, views, tags)

    # Ingestion -----------------------------------------------------------------------------

    def sink_config(self) -> dict[str, Any]:
        config: dict[str, Any] = {"server": self.server}
        if self.token:
            config["token"] = self.token
        return {"type": SINK_TYPE, "config": config}

    def state_provider(self, pipeline_name: str) -> dict[str, Any]:
        return {"type": GMS_STATE_PROVIDER,
                "config": {"journal": str(gms_journal_file(self.state_dir, pipeline_name))}}

    def stored_aspects(self) -> None:
        return None

    def close(self) -> None:
        if self._graph is not None and self._owns_graph:
            self._graph.close()
            self._graph = None
