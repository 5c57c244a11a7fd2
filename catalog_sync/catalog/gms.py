"""`CatalogReader` over DataHub GMS: GraphQL `searchAcrossEntities` with exact tag-URN filters.

Text search on tag names with colons (`servicebinding:type:greenplum`) is unreliable in DataHub,
so every tag condition is a `tags` field filter on the tag's URN (EQUAL, negated for "none of").
Answers are cached for a short TTL: the API is stateless behind a load balancer and GMS is the
shared engine, so a few seconds of staleness buy a lot of headroom.

No GMS runs in this project's tests: they check this module against recorded GraphQL response
shapes (tests/catalog/test_gms.py) through httpx's MockTransport.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import httpx
from datahub.emitter.mce_builder import make_data_platform_urn, make_tag_urn

from catalog_sync.catalog.lite_reader import CatalogEntry
from catalog_sync.catalog.query import AssetPage, AssetQuery, EntityKind, TagCount
from catalog_sync.emit.tags import tag_name
from catalog_sync.errors import CatalogUnavailableError

_FIELDS = """
  urn type
  ... on Dataset {
    name platform { name } subTypes { typeNames } status { removed }
    properties { name qualifiedName description customProperties { key value } }
    tags { tags { tag { urn } context } } container { urn }
    schemaMetadata { fields { fieldPath nativeDataType nullable description } }
  }
  ... on Container {
    platform { name } subTypes { typeNames } status { removed }
    properties { name qualifiedName description customProperties { key value } }
    tags { tags { tag { urn } context } } container { urn }
  }
"""
SEARCH_QUERY = (
    "query search($input: SearchAcrossEntitiesInput!) { searchAcrossEntities(input: $input) "
    "{ start count total searchResults { entity {" + _FIELDS + "} } } }"
)
ENTITY_QUERY = "query entity($urn: String!) { entity(urn: $urn) {" + _FIELDS + "} }"
TAG_FACETS_QUERY = (
    "query tags($input: SearchAcrossEntitiesInput!) { searchAcrossEntities(input: $input) "
    "{ total facets { field aggregations { value count } } } }"
)
_TYPES = {EntityKind.DATASET: ["DATASET"], EntityKind.CONTAINER: ["CONTAINER"],
          EntityKind.ALL: ["DATASET", "CONTAINER"]}


def _criterion(field: str, value: str, negated: bool = False) -> dict[str, Any]:
    return {"field": field, "values": [value], "condition": "EQUAL", "negated": negated}


def search_input(query: AssetQuery) -> dict[str, Any]:
    """The `SearchAcrossEntitiesInput` for a query: one AND group per any-of tag (or one)."""
    base = [_criterion("tags", make_tag_urn(t)) for t in sorted(query.all_tags)]
    base += [_criterion("tags", make_tag_urn(t), negated=True) for t in sorted(query.no_tags)]
    if query.platform:
        base.append(_criterion("platform", make_data_platform_urn(query.platform)))
    if query.subtype:
        base.append(_criterion("typeNames", query.subtype))
    groups = [base + [_criterion("tags", make_tag_urn(t))] for t in sorted(query.any_tags)]
    return {
        "types": _TYPES[query.kind], "query": query.text or "*", "start": query.offset,
        "count": query.limit, "orFilters": [{"and": g} for g in (groups or [base])],
    }


def _entry(entity: dict[str, Any]) -> CatalogEntry:
    props = entity.get("properties") or {}
    associations = ((entity.get("tags") or {}).get("tags")) or []
    is_dataset = entity.get("type") == "DATASET"
    return CatalogEntry(
        urn=entity["urn"],
        entity_type="dataset" if is_dataset else "container",
        name=props.get("qualifiedName") or props.get("name") or entity.get("name") or "",
        platform=(entity.get("platform") or {}).get("name", ""),
        subtypes=list((entity.get("subTypes") or {}).get("typeNames") or []),
        tags=sorted(tag_name(a["tag"]["urn"]) for a in associations),
        tag_associations=[{"tag": a["tag"]["urn"], "context": a.get("context")}
                          for a in associations],
        properties={p["key"]: p["value"] for p in props.get("customProperties") or []},
        description=props.get("description"),
        removed=bool((entity.get("status") or {}).get("removed")),
        container=(entity.get("container") or {}).get("urn"),
        fields=list((entity.get("schemaMetadata") or {}).get("fields") or []),
    )


class GmsCatalog:
    """Reads DataHub GMS (`DATAHUB_GMS_URL`, token `DATAHUB_GMS_TOKEN`) through GraphQL."""

    kind = "gms"
    in_memory = False

    def __init__(self, *, server: str, token: str | None = None, ttl: float = 10.0,
                 transport: httpx.BaseTransport | None = None, timeout: float = 10.0) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.server = server.rstrip("/")
        self._http = httpx.Client(base_url=self.server, headers=headers, timeout=timeout,
                                  transport=transport)
        self.ttl = ttl
        self._cache: dict[str, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def _graphql(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        key = json.dumps([query, variables], sort_keys=True)
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None and now - hit[0] < self.ttl:
            cached: dict[str, Any] = hit[1]
            return cached
        try:
            response = self._http.post("/api/graphql",
                                       json={"query": query, "variables": variables})
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as err:
            raise CatalogUnavailableError(self.server, f"GraphQL request failed: {err}") from err
        if body.get("errors"):
            message = "; ".join(str(e.get("message")) for e in body["errors"])
            raise CatalogUnavailableError(self.server, f"GraphQL errors: {message}")
        data: dict[str, Any] = body.get("data") or {}
        with self._lock:
            if len(self._cache) > 1024:
                self._cache.clear()
            self._cache[key] = (now, data)
        return data

    def search(self, query: AssetQuery) -> AssetPage:
        found = self._graphql(SEARCH_QUERY, {"input": search_input(query)})
        result = found.get("searchAcrossEntities") or {}
        entries = [_entry(r["entity"]) for r in result.get("searchResults") or []]
        # Free text in GMS matches more than names; keep the API's "name contains" meaning.
        items = [e for e in entries if not e.removed and query.matches(e)]
        return AssetPage(total=int(result.get("total", 0)), offset=query.offset,
                         limit=query.limit, items=items)

    def get(self, urn: str) -> CatalogEntry | None:
        entity = self._graphql(ENTITY_QUERY, {"urn": urn}).get("entity")
        if not entity or entity.get("type") not in ("DATASET", "CONTAINER"):
            return None
        entry = _entry(entity)
        return None if entry.removed else entry

    def tag_counts(self) -> list[TagCount]:
        variables = {"input": {"types": _TYPES[EntityKind.ALL], "query": "*", "start": 0,
                               "count": 0, "facets": ["tags"]}}
        result = self._graphql(TAG_FACETS_QUERY, variables).get("searchAcrossEntities") or {}
        counts: list[TagCount] = []
        for facet in result.get("facets") or []:
            if facet.get("field") == "tags":
                counts += [TagCount(name=tag_name(a["value"]), count=int(a["count"]))
                           for a in facet.get("aggregations") or [] if a.get("count")]
        return sorted(counts, key=lambda c: c.name)

    def check(self) -> None:
        self._graphql(TAG_FACETS_QUERY, {"input": {"types": ["DATASET"], "query": "*",
                                                   "start": 0, "count": 0}})
