"""The stand-in's GraphQL endpoint: every document and its variables validated against DataHub's
own schema (tests/support/gms/datahub.graphql, written from datahub-graphql-core's `.graphql`
files; its header names the DataHub commits), then answered from what was written.

A document the schema rejects, variables that do not coerce, or a request the resolvers cannot
answer faithfully is answered as GMS answers an invalid request (an `errors` list, no data) and
recorded as a contract violation, which fails the test.
"""

from __future__ import annotations

import itertools
import threading
from pathlib import Path
from typing import Any

from graphql import (
    GraphQLError,
    GraphQLSchema,
    build_schema,
    execute_sync,
    parse,
    validate,
)

from tests.support.gms import search
from tests.support.gms.aspects import AspectStore, ContractViolation

SCHEMA: GraphQLSchema = build_schema((Path(__file__).with_name("datahub.graphql")).read_text())


class Views:
    """GLOBAL and PERSONAL DataHub Views, as the view mutations leave them."""

    def __init__(self) -> None:
        self.views: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1)
        self.lock = threading.Lock()

    def create(self, spec: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            urn = f"urn:li:dataHubView:{next(self._ids)}"
            view = {"__typename": "DataHubView", "urn": urn, "type": "DATAHUB_VIEW",
                    "viewType": spec["viewType"], "name": spec["name"],
                    "description": spec.get("description"), "definition": spec["definition"]}
            self.views[urn] = view
            return view

    def update(self, urn: str, spec: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            view = self.views.get(urn)
            if view is None:
                raise ContractViolation(f"updateView: no view {urn}")
            view.update({k: v for k, v in spec.items() if v is not None})
            return view

    def delete(self, urn: str) -> bool:
        with self.lock:
            return self.views.pop(urn, None) is not None

    def global_page(self, spec: dict[str, Any]) -> dict[str, Any]:
        query = (spec.get("query") or "").lower()
        start, count = spec.get("start") or 0, spec.get("count") or 20
        with self.lock:
            found = [v for v in self.views.values()
                     if v["viewType"] == "GLOBAL" and query in v["name"].lower()]
        items = found[start: start + count]
        return {"start": start, "count": len(items), "total": len(found), "views": items}


class Root:
    """Resolvers of the Query and Mutation fields the subset defines."""

    def __init__(self, store: AspectStore, views: Views) -> None:
        self.store = store
        self.views = views

    def searchAcrossEntities(self, _info: Any, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002, N802
        return search.page(self.store, input)

    def scrollAcrossEntities(self, _info: Any, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002, N802
        return search.scroll(self.store, input)

    def aggregateAcrossEntities(self, _info: Any, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002, N802
        return search.aggregate(self.store, input)

    def listGlobalViews(self, _info: Any, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002, N802
        return self.views.global_page(input)

    def createView(self, _info: Any, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002, N802
        return self.views.create(input)

    def updateView(self, _info: Any, urn: str, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002, N802
        return self.views.update(urn, input)

    def deleteView(self, _info: Any, urn: str) -> bool:  # noqa: N802
        return self.views.delete(urn)


def _error(message: str) -> dict[str, Any]:
    return {"message": message, "extensions": {"classification": "ValidationError"}}


def answer(root: Root, body: Any) -> tuple[dict[str, Any], list[str]]:
    """The GraphQL response to a request body, and the contract violations it showed."""
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        return {"errors": [_error("body without a query")]}, ["GraphQL body without a query"]
    variables = body.get("variables")
    if variables is not None and not isinstance(variables, dict):
        return {"errors": [_error("variables must be an object")]}, ["variables not an object"]
    try:
        document = parse(body["query"])
    except GraphQLError as err:
        return {"errors": [_error(err.message)]}, [f"GraphQL syntax: {err.message}"]
    invalid = validate(SCHEMA, document)
    if invalid:
        messages = [e.message for e in invalid]
        return {"errors": [_error(m) for m in messages]}, [f"GraphQL: {m}" for m in messages]
    result = execute_sync(SCHEMA, document, root_value=root, variable_values=variables,
                          operation_name=body.get("operationName"))
    if result.errors:
        messages = [e.message for e in result.errors]
        return ({"errors": [_error(m) for m in messages], "data": None},
                [f"GraphQL: {m}" for m in messages])
    return {"data": result.data}, []
