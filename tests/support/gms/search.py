"""The stand-in's search: DataHub's filter criteria evaluated for real over what was written.

Supports exactly the filter fields and conditions catalog-sync and DataHub's own client send
(`_entityType`, `tags`, `platform`/`platform.keyword`, `typeNames`, `removed`, `urn`,
`customProperties`, and a dataJob's `inputs` / `inputDatasetEdges`, DataJobInputOutput's
@Searchable fields; EQUAL with any-of values, EXISTS, negation), sorting on `urn`, GMS's
`start`/`count`/`total` paging within Elasticsearch's 10,000-result window, scrolling, and the
`tags` facet with `maxAggValues`. Anything else is a ContractViolation: a request the stand-in
cannot answer faithfully fails the test instead of getting an approximate answer.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from datahub.metadata.urns import DatasetUrn

from tests.support.gms.aspects import AspectStore, ContractViolation, Entity

# GraphQL EntityType <-> DataHub entity name, for the entity types the stand-in answers with
# a concrete GraphQL type (tests/support/gms/datahub.graphql).
GRAPHQL_TYPES = {"dataset": "DATASET", "container": "CONTAINER", "tag": "TAG",
                 "dataJob": "DATA_JOB"}
TYPENAMES = {"DATASET": "Dataset", "CONTAINER": "Container", "TAG": "Tag",
             "DATA_JOB": "DataJob"}
MAX_RESULT_WINDOW = 10_000  # Elasticsearch's index.max_result_window, which GMS keeps
DEFAULT_AGG_VALUES = 20  # GMS's default number of values per facet


def _platform(entity: Entity) -> set[str]:
    if entity.entity_type == "dataset":
        return {str(DatasetUrn.from_string(entity.urn).get_data_platform_urn())}
    platform = (entity.aspects.get("dataPlatformInstance") or {}).get("platform")
    return {platform} if platform else set()


def field_values(entity: Entity, name: str) -> set[str]:
    """What the search document of `entity` holds for filter field `name`."""
    aspects = entity.aspects
    if name == "_entityType":
        return {GRAPHQL_TYPES.get(entity.entity_type, entity.entity_type.upper())}
    if name == "tags":
        return {a["tag"] for a in (aspects.get("globalTags") or {}).get("tags", [])}
    if name in ("platform", "platform.keyword"):
        return _platform(entity)
    if name == "typeNames":
        return set((aspects.get("subTypes") or {}).get("typeNames", []))
    if name == "removed":
        return {"true" if entity.removed else "false"}
    if name == "urn":
        return {entity.urn}
    if name == "inputs":  # DataJobInputOutput.inputDatasets' @Searchable fieldName
        return set((aspects.get("dataJobInputOutput") or {}).get("inputDatasets", []))
    if name == "inputDatasetEdges":  # ... and inputDatasetEdges/*/destinationUrn's
        edges = (aspects.get("dataJobInputOutput") or {}).get("inputDatasetEdges") or []
        return {e["destinationUrn"] for e in edges}
    if name == "customProperties":
        props = {**(aspects.get("datasetProperties") or {}).get("customProperties", {}),
                 **(aspects.get("containerProperties") or {}).get("customProperties", {})}
        return {f"{k}={v}" for k, v in props.items()}
    raise ContractViolation(f"filter field {name!r}: not supported by the stand-in")


def _matches(entity: Entity, criterion: dict[str, Any]) -> bool:
    condition = criterion.get("condition") or "EQUAL"
    values = field_values(entity, criterion["field"])
    if condition == "EQUAL":
        wanted = criterion.get("values") or []
        if not wanted:
            raise ContractViolation(f"filter on {criterion['field']!r} without values")
        hit = bool(values & set(wanted))
    elif condition == "EXISTS":
        hit = bool(values)
    else:
        raise ContractViolation(f"filter condition {condition!r}: not supported by the stand-in")
    return not hit if criterion.get("negated") else hit


def _text(entity: Entity, query: str) -> bool:
    if query.strip() in ("", "*"):
        return True
    props = {**(entity.aspects.get("datasetProperties") or {}),
             **(entity.aspects.get("containerProperties") or {})}
    haystack = " ".join(
        str(props.get(k) or "") for k in ("name", "qualifiedName", "description")
    ).lower() + " " + entity.urn.lower()
    return all(token in haystack for token in query.lower().split())


def _types(types: Sequence[str] | None) -> set[str]:
    if not types:  # catalog-sync's untyped searches are over what ingestion writes
        return {"dataset", "container", "tag"}
    unknown = [t for t in types if t not in TYPENAMES]
    if unknown:
        raise ContractViolation(f"types {unknown}: the stand-in holds no such entities")
    return {name for name, graphql in GRAPHQL_TYPES.items() if graphql in types}


def matching(store: AspectStore, spec: dict[str, Any]) -> list[Entity]:
    """Entities matching a search input (types, query, orFilters, searchFlags), sorted."""
    types = _types(spec.get("types"))
    flags = spec.get("searchFlags") or {}
    groups = [g.get("and") or [] for g in spec.get("orFilters") or []]
    with store.lock:
        entities = list(store.entities.values())
    found = [
        e for e in entities
        if e.entity_type in types
        and (flags.get("includeSoftDeleted") or not e.removed)
        and _text(e, spec.get("query") or "*")
        and (not groups or any(all(_matches(e, c) for c in group) for group in groups))
    ]
    return _sorted(found, spec.get("sortInput"))


def _sorted(found: list[Entity], sort: dict[str, Any] | None) -> list[Entity]:
    criteria = (sort or {}).get("sortCriteria") or (
        [sort["sortCriterion"]] if sort and sort.get("sortCriterion") else [])
    if not criteria:
        # GMS orders by relevance: no order a client may rely on. Not URN order, on purpose.
        return sorted(found, key=lambda e: hashlib.blake2b(e.urn.encode()).digest())
    for criterion in reversed(criteria):
        if criterion["field"] != "urn":
            raise ContractViolation(f"sort on {criterion['field']!r}: not supported")
        found = sorted(found, key=lambda e: e.urn,
                       reverse=criterion.get("sortOrder") == "DESCENDING")
    return found


def hit(entity: Entity) -> dict[str, Any]:
    """One `SearchResult`, its entity typed for GraphQL."""
    graphql = GRAPHQL_TYPES[entity.entity_type]
    props = (entity.aspects.get("datasetProperties")
             or entity.aspects.get("containerProperties") or {})
    return {
        "entity": {"__typename": TYPENAMES[graphql], "urn": entity.urn, "type": graphql,
                   "name": props.get("name") or entity.urn, "exists": True,
                   "status": {"removed": entity.removed}},
        "matchedFields": [], "insights": [], "extraProperties": [],
    }


def page(store: AspectStore, spec: dict[str, Any]) -> dict[str, Any]:
    """`searchAcrossEntities`: one page of GMS's start/count with the total."""
    start, count = spec.get("start") or 0, spec.get("count")
    count = 10 if count is None else count
    if start < 0 or count < 0 or start + count > MAX_RESULT_WINDOW:
        raise ContractViolation(f"start {start} + count {count} beyond the result window")
    found = matching(store, spec)
    items = found[start: start + count]
    return {"start": start, "count": len(items), "total": len(found),
            "searchResults": [hit(e) for e in items], "facets": [], "suggestions": []}


def scroll(store: AspectStore, spec: dict[str, Any]) -> dict[str, Any]:
    """`scrollAcrossEntities`: an opaque scroll id that is the next offset."""
    scroll_id = spec.get("scrollId")
    start = int(base64.b64decode(scroll_id).decode()) if scroll_id else 0
    count = spec.get("count") or 10
    found = matching(store, spec)
    items = found[start: start + count]
    following = start + len(items)
    next_id = base64.b64encode(str(following).encode()).decode() if following < len(found) else None
    return {"nextScrollId": next_id, "count": len(items), "total": len(found),
            "searchResults": [hit(e) for e in items], "facets": []}


def _facet(field: str, entities: Iterable[Entity], limit: int) -> dict[str, Any]:
    if field != "tags":
        raise ContractViolation(f"facet {field!r}: not supported by the stand-in")
    counts = Counter(tag for e in entities for tag in field_values(e, "tags"))
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return {"field": field, "displayName": field, "entity": None,
            "aggregations": [{"value": v, "count": c, "entity": None, "displayName": v}
                             for v, c in ordered]}


def aggregate(store: AspectStore, spec: dict[str, Any]) -> dict[str, Any]:
    """`aggregateAcrossEntities`: the requested facets over every match."""
    facets = spec.get("facets")
    if not facets:
        raise ContractViolation("aggregateAcrossEntities without facets: not supported")
    limit = (spec.get("searchFlags") or {}).get("maxAggValues") or DEFAULT_AGG_VALUES
    found = matching(store, spec)
    return {"facets": [_facet(f, found, limit) for f in facets]}
