"""GMS reader against recorded GraphQL response shapes (no GMS can run here: DataHub GMS needs
Kafka, Elasticsearch and MySQL). httpx's MockTransport plays GMS: it checks the filters we send
and answers with payloads shaped like GMS's `searchAcrossEntities` / `entity` responses."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from catalog_sync.catalog import AssetQuery, EntityKind, open_catalog
from catalog_sync.catalog.gms import GmsCatalog
from catalog_sync.discovery import resolve_one
from catalog_sync.errors import CatalogUnavailableError
from catalog_sync.settings import Settings

GP_DB = {
    "urn": "urn:li:container:0f3c", "type": "CONTAINER",
    "platform": {"name": "postgres"}, "subTypes": {"typeNames": ["Database"]},
    "status": {"removed": False}, "container": None,
    "properties": {"name": "warehouse", "qualifiedName": None, "description": None,
                   "customProperties": [
                       {"key": "binding_name", "value": "gp-train"},
                       {"key": "binding_type", "value": "greenplum"},
                       {"key": "host", "value": "gp.internal"},
                       {"key": "port", "value": "5432"},
                       {"key": "database", "value": "warehouse"}]},
    "tags": {"tags": [{"tag": {"urn": "urn:li:tag:training"}, "context": None},
                      {"tag": {"urn": "urn:li:tag:servicebinding:type:greenplum"},
                       "context": '{"addedBy": "catalog-sync"}'}]},
}
GP_TABLE = {
    **GP_DB, "urn": "urn:li:dataset:(urn:li:dataPlatform:postgres,warehouse.public.x,PROD)",
    "type": "DATASET", "name": "warehouse.public.x", "subTypes": {"typeNames": ["Table"]},
    "container": {"urn": "urn:li:container:0f3c"},
    "properties": {**GP_DB["properties"], "name": "x",  # type: ignore[dict-item]
                   "qualifiedName": "warehouse.public.x"},
    "schemaMetadata": {"fields": [{"fieldPath": "id", "nativeDataType": "int4",
                                   "nullable": False, "description": None}]},
}


class FakeGms:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/api/graphql"
        assert request.headers["authorization"] == "Bearer gms-token"
        body = json.loads(request.content)
        self.requests.append(body)
        query, variables = body["query"], body["variables"]
        if query.startswith("query entity"):
            entity = GP_TABLE if variables["urn"] == GP_TABLE["urn"] else None
            return httpx.Response(200, json={"data": {"entity": entity}})
        if "facets" in query:
            return httpx.Response(200, json={"data": {"searchAcrossEntities": {
                "total": 2, "facets": [{"field": "tags", "aggregations": [
                    {"value": "urn:li:tag:training", "count": 2},
                    {"value": "urn:li:tag:servicebinding:type:greenplum", "count": 2}]}]}}})
        results = [{"entity": e} for e in (GP_DB, GP_TABLE)]
        return httpx.Response(200, json={"data": {"searchAcrossEntities": {
            "start": 0, "count": 2, "total": 2, "searchResults": results}}})


@pytest.fixture
def gms() -> tuple[GmsCatalog, FakeGms]:
    fake = FakeGms()
    reader = GmsCatalog(server="http://gms:8080/", token="gms-token",
                        transport=httpx.MockTransport(fake))
    return reader, fake


def test_search_sends_exact_tag_urn_filters(gms: tuple[GmsCatalog, FakeGms]) -> None:
    reader, fake = gms
    page = reader.search(AssetQuery(all_tags=frozenset({"servicebinding:type:greenplum"}),
                                    no_tags=frozenset({"deprecated"}), kind=EntityKind.ALL))
    sent = fake.requests[0]["variables"]["input"]
    assert sent["query"] == "*" and sent["types"] == ["DATASET", "CONTAINER"]
    assert sent["orFilters"] == [{"and": [
        {"field": "tags", "values": ["urn:li:tag:servicebinding:type:greenplum"],
         "condition": "EQUAL", "negated": False},
        {"field": "tags", "values": ["urn:li:tag:deprecated"], "condition": "EQUAL",
         "negated": True}]}]
    assert page.total == 2
    table = page.items[1]
    assert table.entity_type == "dataset" and table.name == "warehouse.public.x"
    assert table.properties["binding_name"] == "gp-train"
    assert table.tags == ["servicebinding:type:greenplum", "training"]


def test_any_of_tags_become_or_groups(gms: tuple[GmsCatalog, FakeGms]) -> None:
    reader, fake = gms
    reader.search(AssetQuery(all_tags=frozenset({"training"}),
                             any_tags=frozenset({"aws", "gcp"}), platform="postgres"))
    groups = fake.requests[0]["variables"]["input"]["orFilters"]
    assert len(groups) == 2
    for group, cloud in zip(groups, ("aws", "gcp"), strict=True):
        values = [c["values"][0] for c in group["and"]]
        assert values == ["urn:li:tag:training", "urn:li:dataPlatform:postgres",
                          f"urn:li:tag:{cloud}"]


def test_cache_and_resolution_through_gms(gms: tuple[GmsCatalog, FakeGms]) -> None:
    reader, fake = gms
    found = resolve_one(reader, ["training"], type="greenplum")
    assert found.name == "gp-train" and found.port == 5432 and len(found.assets) == 2
    resolve_one(reader, ["training"], type="greenplum")
    assert len(fake.requests) == 1  # second answer from the TTL cache
    assert [(t.name, t.count) for t in reader.tag_counts()] == [
        ("servicebinding:type:greenplum", 2), ("training", 2)]
    detail = reader.get(GP_TABLE["urn"])  # type: ignore[arg-type]
    assert detail is not None and detail.fields[0]["fieldPath"] == "id"
    assert reader.get("urn:li:dataset:(urn:li:dataPlatform:x,missing,PROD)") is None


def test_gms_errors_become_catalog_unavailable() -> None:
    def broken(_: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"errors": [{"message": "Unauthorized"}]})

    reader = GmsCatalog(server="http://gms:8080", transport=httpx.MockTransport(broken))
    with pytest.raises(CatalogUnavailableError, match="Unauthorized"):
        reader.check()

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    reader = GmsCatalog(server="http://gms:8080", transport=httpx.MockTransport(down))
    with pytest.raises(CatalogUnavailableError, match="http://gms:8080"):
        reader.search(AssetQuery())


def test_gms_is_chosen_when_its_url_is_set() -> None:
    settings = Settings(DATAHUB_GMS_URL="http://gms:8080")  # type: ignore[call-arg]
    assert open_catalog(settings).kind == "gms"
    assert open_catalog(Settings()).kind == "lite"
