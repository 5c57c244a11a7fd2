"""Saved searches from `tags/views.yml` as GLOBAL DataHub Views, created or updated via GraphQL.

DataHub keeps Views behind GraphQL only (`createView`, `updateView`, `listGlobalViews`; its
Python client has no call for them), so a GMS run ends by making each view in `tags/` exist with
the current definition. Creating a GLOBAL view needs the "Manage Public Views" privilege. The filter is an
exact list of tag URNs (DataHub's text search on tag names with colons is unreliable): every
tag known to GMS or used in this run that matches one of the view's `any_tags` globs.
The embedded store has no Views; `catalog-sync assets --view ID` evaluates the same definition.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from datahub.emitter.mce_builder import make_tag_urn

from catalog_sync.emit.tags import tag_name
from catalog_sync.store.gms.errors import gms_reason
from catalog_sync.tagging.definitions import ViewDefinition

logger = logging.getLogger(__name__)

LIST_GLOBAL_VIEWS = """query listGlobalViews($input: ListGlobalViewsInput!) {
  listGlobalViews(input: $input) { total views { urn name } }
}"""

CREATE_VIEW = """mutation createView($input: CreateViewInput!) {
  createView(input: $input) { urn }
}"""

UPDATE_VIEW = """mutation updateView($urn: String!, $input: UpdateViewInput!) {
  updateView(urn: $urn, input: $input) { urn }
}"""

ENTITY_TYPES = {"dataset": "DATASET", "container": "CONTAINER"}
_PAGE = 1000


class GraphQLClient(Protocol):
    """The part of DataHub's `DataHubGraph` this module uses."""

    def execute_graphql(self, query: str, variables: dict[str, Any] | None = None) -> Any: ...

    def get_urns_by_filter(self, *, entity_types: list[str]) -> Iterable[str]: ...


def view_input(view: ViewDefinition, tags: Iterable[str]) -> dict[str, Any]:
    """The `CreateViewInput` / `UpdateViewInput` fields for one view and the tags it covers."""
    urns = sorted({make_tag_urn(t) for t in tags if view.covers({t})})
    return {
        "name": view.name,
        "description": view.description or None,
        "definition": {
            "entityTypes": [ENTITY_TYPES[t] for t in view.entity_types],
            "filter": {
                "operator": "AND",
                "filters": [
                    {"field": "tags", "values": urns, "condition": "EQUAL", "negated": False}
                ],
            },
        },
    }


def _find_global_view(graph: GraphQLClient, name: str) -> str | None:
    data = graph.execute_graphql(
        LIST_GLOBAL_VIEWS, {"input": {"start": 0, "count": _PAGE, "query": name}}
    )
    views = ((data or {}).get("listGlobalViews") or {}).get("views") or []
    return next((v["urn"] for v in views if v.get("name") == name), None)


def ensure_view(graph: GraphQLClient, view: ViewDefinition, tags: Iterable[str]) -> str:
    """Create the GLOBAL view, or update the one with the same name; returns its URN."""
    fields = view_input(view, tags)
    urn = _find_global_view(graph, view.name)
    if urn is None:
        data = graph.execute_graphql(CREATE_VIEW, {"input": {"viewType": "GLOBAL", **fields}})
        return str(data["createView"]["urn"])
    graph.execute_graphql(UPDATE_VIEW, {"urn": urn, "input": fields})
    return urn


def known_tags(graph: GraphQLClient) -> set[str]:
    """Names of every tag entity GMS holds."""
    return {tag_name(urn) for urn in graph.get_urns_by_filter(entity_types=["tag"])}


def save_views(graph: GraphQLClient, views: Sequence[ViewDefinition], used: set[str]) -> list[str]:
    """Make every view exist in GMS with its current definition; the problems, one line each.

    A view no tag matches yet is left alone (an empty tag filter would match everything).
    Failures are problems, not errors: the ingested metadata is fine without its saved search.
    """
    if not views:
        return []
    try:
        tags = known_tags(graph) | used
    except Exception as err:  # noqa: BLE001 - GMS errors come in many shapes; a view must not fail a run
        return [f"views not saved: {gms_reason(err)}"]
    problems: list[str] = []
    for view in views:
        if not view.covers(tags):
            logger.info("view %s: no tag matches %s yet", view.name, view.any_tags)
            continue
        try:
            urn = ensure_view(graph, view, tags)
            logger.info("view %s saved as %s", view.name, urn)
        except Exception as err:  # noqa: BLE001 - as above
            problems.append(f"view {view.name!r} not saved: {gms_reason(err)}")
    return problems
