"""Asset queries as DataHub GMS searches: filters built by DataHub's own filter DSL, the two
GraphQL documents DataHub's client has no call for, and strict parsing of their answers.

Tags are matched by exact tag URN (text search on tag names with colons is unreliable in
DataHub). The filter is `datahub.sdk`'s `FilterDsl` compiled by its `compile_filters` (which
also excludes soft-deleted entities), so the filter fields are the ones DataHub keeps valid.
DataHub's client pages only by scrolling (`get_urns_by_filter`), without an offset or a total,
so a page of results is one `searchAcrossEntities` with GMS's own `start`/`count`/`total`;
tag counts are `aggregateAcrossEntities` (the only call that returns facets).
"""

from __future__ import annotations

from typing import Any, cast

from datahub.emitter.mce_builder import make_tag_urn
from datahub.ingestion.graph.filters import RawSearchFilter
from datahub.sdk.search_client import compile_filters
from datahub.sdk.search_filters import Filter, FilterDsl
from pydantic import BaseModel, ConfigDict, ValidationError

from catalog_sync.emit.tags import tag_name
from catalog_sync.errors import CatalogContractError
from catalog_sync.store.model import AssetQuery, EntityKind, TagCount

# At most this many distinct tags are counted (DataHub's default is 20 per facet).
MAX_TAG_VALUES = 10_000
# Elasticsearch's index.max_result_window, which GMS keeps: pages end at this many matches.
MAX_RESULT_WINDOW = 10_000

SEARCH_QUERY = """query catalogSyncSearch($input: SearchAcrossEntitiesInput!) {
  searchAcrossEntities(input: $input) {
    start count total searchResults { entity { urn type } }
  }
}"""

TAG_COUNTS_QUERY = """query catalogSyncTagCounts($input: AggregateAcrossEntitiesInput!) {
  aggregateAcrossEntities(input: $input) { facets { field aggregations { value count } } }
}"""

# URN order, as the embedded store pages: stable pages however GMS scores the matches.
_BY_URN = {"sortCriteria": [{"field": "urn", "sortOrder": "ASCENDING"}]}


def query_filter(query: AssetQuery) -> Filter:
    """The query's tag, platform, subtype and entity-type conditions in DataHub's filter DSL."""
    # (DataHub types entity names as a Literal union; ours are two of them.)
    parts: list[Filter] = [FilterDsl.entity_type(cast(Any, list(query.kind.entity_types)))]
    parts += [FilterDsl.tag(make_tag_urn(t)) for t in sorted(query.all_tags)]
    if query.any_tags:
        parts.append(FilterDsl.tag(sorted(make_tag_urn(t) for t in query.any_tags)))
    if query.no_tags:
        parts.append(FilterDsl.not_(FilterDsl.tag(sorted(make_tag_urn(t) for t in query.no_tags))))
    if query.platform:
        parts.append(FilterDsl.platform(query.platform))
    if query.subtype:
        parts.append(FilterDsl.entity_subtype(query.subtype))
    return FilterDsl.and_(*parts)


def compile_query(query: AssetQuery) -> tuple[list[str], RawSearchFilter]:
    """GraphQL entity types and `orFilters` of the query, soft-deleted entities left out."""
    types, or_filters = compile_filters(query_filter(query))
    return list(types or []), or_filters


def search_variables(query: AssetQuery) -> dict[str, Any]:
    """The `SearchAcrossEntitiesInput` of one page."""
    types, or_filters = compile_query(query)
    return {"input": {
        "types": types, "query": query.text or "*", "start": query.offset,
        "count": query.limit, "orFilters": or_filters, "sortInput": _BY_URN,
        "searchFlags": {"skipHighlighting": True, "skipAggregates": True},
    }}


def tag_count_variables() -> dict[str, Any]:
    """The `AggregateAcrossEntitiesInput` of the tag facet over live datasets and containers."""
    types, or_filters = compile_filters(
        FilterDsl.entity_type(cast(Any, list(EntityKind.ALL.entity_types))))
    return {"input": {
        "types": types, "query": "*", "facets": ["tags"], "orFilters": or_filters,
        "searchFlags": {"maxAggValues": MAX_TAG_VALUES},
    }}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)


class _Entity(_Strict):
    urn: str
    type: str


class _Hit(_Strict):
    entity: _Entity


class SearchPage(_Strict):
    """`searchAcrossEntities`' answer, as far as catalog-sync reads it."""

    start: int
    count: int
    total: int
    searchResults: list[_Hit]


class _Aggregation(_Strict):
    value: str
    count: int


class _Facet(_Strict):
    field: str
    aggregations: list[_Aggregation]


class _Aggregates(_Strict):
    facets: list[_Facet] | None = None


def _parsed(model: type[_Strict], data: Any, root: str, location: str) -> Any:
    if not isinstance(data, dict) or not isinstance(data.get(root), dict):
        raise CatalogContractError(location, root)
    try:
        return model.model_validate(data[root])
    except ValidationError as err:
        where = ".".join(str(p) for p in err.errors()[0]["loc"])
        raise CatalogContractError(location, f"{root}.{where}") from err


def search_page(data: Any, location: str) -> SearchPage:
    """The page in a `catalogSyncSearch` answer; CatalogContractError naming a bad field."""
    page: SearchPage = _parsed(SearchPage, data, "searchAcrossEntities", location)
    return page


def tag_counts(data: Any, location: str) -> list[TagCount]:
    """Tag counts from a `catalogSyncTagCounts` answer, by tag name."""
    parsed: _Aggregates = _parsed(_Aggregates, data, "aggregateAcrossEntities", location)
    facet = next((f for f in parsed.facets or [] if f.field == "tags"), None)
    if facet is None:
        raise CatalogContractError(location, "aggregateAcrossEntities.facets[tags]")
    counts = [TagCount(name=tag_name(a.value), count=a.count)
              for a in facet.aggregations if a.count > 0]
    return sorted(counts, key=lambda c: c.name)
