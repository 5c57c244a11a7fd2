"""The ServiceBinding Sources view: GraphQL requests to GMS and the embedded `assets --view`.

No DataHub GMS runs here, so the GMS side is checked against a recorded GraphQL shape: the
requests are executed by graphql-core against the part of DataHub's schema they use
(tests/tagging/data/datahub_views.graphql, recorded from datahub-project/datahub), which rejects
any unknown field, wrong type or enum value, and the createView variables are compared with a
recorded request (data/create_view_request.json).
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from graphql import build_schema, graphql_sync

from catalog_sync.emit.views import ensure_view, sync_gms_views
from catalog_sync.tagging import load_tag_set

DATA = Path(__file__).parent / "data"
REPO_TAGS = Path(__file__).resolve().parents[2] / "tags"
SCHEMA = build_schema((DATA / "datahub_views.graphql").read_text())


class RecordedGms:
    """A stand-in for DataHubGraph that executes GraphQL against DataHub's recorded schema."""

    def __init__(self, tags: list[str], views: list[dict[str, str]] | None = None) -> None:
        self.tags = tags
        self.views = views or []
        self.calls: list[tuple[str, dict[str, Any]]] = []

    # Resolvers (graphql-core calls root-value methods with the coerced arguments).
    def listGlobalViews(self, _info: Any, input: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        found = [v for v in self.views if (input.get("query") or "") in v["name"]]
        return {"start": 0, "count": len(found), "total": len(found), "views": found}

    def createView(self, _info: Any, input: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        view = {"urn": f"urn:li:dataHubView:{len(self.views) + 1}", "type": "DATA_HUB_VIEW",
                "viewType": input["viewType"], "name": input["name"]}
        self.views.append(view)
        return view

    def updateView(self, _info: Any, urn: str, input: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        view = next(v for v in self.views if v["urn"] == urn)
        view["name"] = input.get("name", view["name"])
        return view

    # The DataHubGraph methods catalog-sync calls.
    def execute_graphql(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        result = graphql_sync(SCHEMA, query, root_value=self, variable_values=variables)
        assert not result.errors, result.errors
        self.calls.append((query.split("(")[0].split()[-1], variables or {}))
        return result.data

    def get_urns_by_filter(self, *, entity_types: list[str]) -> list[str]:
        assert entity_types == ["tag"]
        return [f"urn:li:tag:{t}" for t in self.tags]


def _view() -> Any:
    return load_tag_set(REPO_TAGS).view("servicebinding-sources")


def test_create_request_matches_the_recorded_shape() -> None:
    gms = RecordedGms(tags=[])
    urn = ensure_view(gms, _view(), ["servicebinding:type:postgresql", "training",
                                      "servicebinding:type:greenplum", "servicebinding:provider:x"])
    assert urn == "urn:li:dataHubView:1"
    assert [name for name, _ in gms.calls] == ["listGlobalViews", "createView"]
    recorded = json.loads((DATA / "create_view_request.json").read_text())
    assert gms.calls[1][1] == recorded


def test_an_existing_global_view_is_updated_not_duplicated() -> None:
    gms = RecordedGms(tags=[], views=[{"urn": "urn:li:dataHubView:7", "type": "DATA_HUB_VIEW",
                                       "viewType": "GLOBAL", "name": "ServiceBinding Sources"}])
    assert ensure_view(gms, _view(), ["servicebinding:type:postgresql"]) == "urn:li:dataHubView:7"
    name, variables = gms.calls[-1]
    assert name == "updateView"
    assert variables["urn"] == "urn:li:dataHubView:7"
    assert "viewType" not in variables["input"]
    assert variables["input"]["definition"]["filter"]["filters"][0]["values"] == [
        "urn:li:tag:servicebinding:type:postgresql"
    ]
    assert len(gms.views) == 1


def _ctx(gms: RecordedGms, sink: str) -> Any:
    config = SimpleNamespace(sink=SimpleNamespace(type=sink))
    return SimpleNamespace(graph=gms, pipeline_config=config)


class _Report:
    def __init__(self) -> None:
        self.warnings: list[str] = []

    def warning(self, title: str, message: str, context: str) -> None:
        self.warnings.append(f"{title}: {message}")


def test_a_gms_run_covers_tags_known_to_gms_and_used_in_the_run() -> None:
    gms = RecordedGms(tags=["servicebinding:type:greenplum", "training"])
    report = _Report()
    sync_gms_views(_ctx(gms, "datahub-rest"), load_tag_set(REPO_TAGS),
                   {"servicebinding:type:postgresql", "inference"}, report)
    assert report.warnings == []
    create = gms.calls[-1][1]["input"]
    assert create["viewType"] == "GLOBAL"
    assert create["definition"]["filter"]["filters"][0]["values"] == [
        "urn:li:tag:servicebinding:type:greenplum", "urn:li:tag:servicebinding:type:postgresql"
    ]


@pytest.mark.parametrize("sink", ["datahub-lite", "file"])
def test_other_sinks_send_nothing(sink: str) -> None:
    gms = RecordedGms(tags=["servicebinding:type:greenplum"])
    sync_gms_views(_ctx(gms, sink), load_tag_set(REPO_TAGS), {"servicebinding:type:x"}, _Report())
    assert gms.calls == []


def test_a_gms_error_is_a_warning_not_a_failed_run() -> None:
    class Broken(RecordedGms):
        def execute_graphql(self, query: str, variables: dict[str, Any] | None = None) -> Any:
            raise RuntimeError("401 Unauthorized\ndetails")

    report = _Report()
    sync_gms_views(_ctx(Broken(tags=[]), "datahub-rest"), load_tag_set(REPO_TAGS),
                   {"servicebinding:type:greenplum"}, report)
    assert report.warnings == ["View not saved: 401 Unauthorized"]
