"""The ServiceBinding Sources view saved in GMS, and `assets --view` on both backends.

No DataHub GMS runs here: the stand-in (tests.support.gms) executes the view mutations against
DataHub's own GraphQL schema and fails the test on any request the schema rejects (an unknown
field, a wrong enum value such as DATA_HUB_VIEW). The createView variables are also compared
with a recorded request (data/create_view_request.json).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from datahub.emitter.mce_builder import make_tag_urn
from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.metadata.schema_classes import TagPropertiesClass
from typer.testing import CliRunner

from catalog_sync.cli.main import app
from catalog_sync.store.gms.store import GmsStore
from catalog_sync.tagging import load_tag_set
from tests.support.backends import Backend
from tests.support.catalog import sample_catalog
from tests.support.gms import Gms

DATA = Path(__file__).parent / "data"
REPO_TAGS = Path(__file__).resolve().parents[2] / "tags"
VIEW = load_tag_set(REPO_TAGS).view("servicebinding-sources")
GMS_ONLY = pytest.mark.parametrize("backend", ["gms"], indirect=True)


def _gms(backend: Backend) -> Gms:
    assert backend.gms is not None
    return backend.gms


def _mutations(gms: Gms) -> list[tuple[str, dict[str, object]]]:
    return [(body["query"].split("(")[0].split()[-1], body.get("variables") or {})
            for body in gms.graphql if body["query"].lstrip().startswith("mutation")]


@GMS_ONLY
def test_create_request_matches_the_recorded_shape(backend: Backend) -> None:
    gms = _gms(backend)
    problems = GmsStore(server=gms.url).save_views([VIEW], {
        "servicebinding:type:postgresql", "training", "servicebinding:type:greenplum",
        "servicebinding:provider:x"})
    assert problems == []
    (created,) = gms.views.views.values()
    assert (created["name"], created["viewType"]) == ("ServiceBinding Sources", "GLOBAL")
    assert _mutations(gms) == [
        ("createView", json.loads((DATA / "create_view_request.json").read_text()))]


@GMS_ONLY
def test_an_existing_global_view_is_updated_not_duplicated(backend: Backend) -> None:
    gms = _gms(backend)
    existing = gms.views.create({"viewType": "GLOBAL", "name": "ServiceBinding Sources",
                                 "definition": {"entityTypes": ["DATASET"], "filter": {
                                     "operator": "AND", "filters": []}}})
    assert GmsStore(server=gms.url).save_views([VIEW], {"servicebinding:type:postgresql"}) == []
    ((name, variables),) = _mutations(gms)
    assert name == "updateView" and variables["urn"] == existing["urn"]
    assert len(gms.views.views) == 1
    assert existing["definition"]["filter"]["filters"][0]["values"] == [
        "urn:li:tag:servicebinding:type:postgresql"]


@GMS_ONLY
def test_a_view_covers_tags_known_to_gms_and_used_in_the_run(backend: Backend) -> None:
    gms = _gms(backend)
    backend.write([MetadataChangeProposalWrapper(
        entityUrn=make_tag_urn("servicebinding:type:greenplum"),
        aspect=TagPropertiesClass(name="servicebinding:type:greenplum")).as_workunit()])
    GmsStore(server=gms.url).save_views([VIEW], {"servicebinding:type:postgresql", "inference"})
    (view,) = gms.views.views.values()
    assert view["definition"]["filter"]["filters"][0]["values"] == [
        "urn:li:tag:servicebinding:type:greenplum", "urn:li:tag:servicebinding:type:postgresql"]


@GMS_ONLY
def test_a_gms_error_is_a_problem_line_not_an_error(backend: Backend) -> None:
    gms = _gms(backend)
    gms.token = "needed"
    problems = GmsStore(server=gms.url, token="wrong").save_views([VIEW], {"training"})
    assert problems == ["views not saved: GMS refused the request (HTTP 401): "
                        "check DATAHUB_GMS_TOKEN"]


@pytest.mark.parametrize("backend", ["lite"], indirect=True)
def test_the_embedded_store_keeps_no_views(backend: Backend) -> None:
    assert backend.store().save_views([VIEW], {"training"}) == []
    assert not list(backend.catalog.parent.glob("*.db"))  # nothing written for it


def test_assets_view_lists_the_servicebinding_sources(backend: Backend) -> None:
    sample_catalog(backend)
    result = CliRunner().invoke(app, ["assets", "--view", "servicebinding-sources", "--json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    bindings = {a["properties"].get("binding_name") for a in listed}
    assert bindings == {"gp-train", "pg-infer", "pg-infer-2"}  # no lake dataset in the view
    assert {a["type"] for a in listed} == {"dataset", "container"}
