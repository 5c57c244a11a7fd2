"""Assets and tags routes: tag filters, pagination cap, bad filters, one asset by URN."""

from __future__ import annotations

import time
from urllib.parse import quote

from tests.api.conftest import Api


def test_search_by_tags_all_any_none(api: Api) -> None:
    page = api.get("/v1/assets", params={"tag": "training"}).json()
    urns = [i["urn"] for i in page["items"]]
    assert page["total"] == 3 and urns == sorted(urns)
    names = {i["name"] for i in page["items"]}
    assert names == {"gp-train.warehouse.public.images", "gp-train.warehouse.public.labels",
                     "lake/cifar10"}
    both = api.get("/v1/assets", params=[("tag", "training"), ("tag", "data lake")]).json()
    assert [i["name"] for i in both["items"]] == ["lake/cifar10"]
    anyof = api.get("/v1/assets", params=[("any_tag", "training"), ("any_tag", "inference")])
    assert anyof.json()["total"] == 5
    none = api.get("/v1/assets", params={"tag": "data lake", "not_tag": "training"}).json()
    assert [i["name"] for i in none["items"]] == ["lake/mnist"]


def test_platform_subtype_text_and_containers(api: Api) -> None:
    assert api.get("/v1/assets", params={"platform": "file"}).json()["total"] == 2
    assert api.get("/v1/assets", params={"q": "FEATURES"}).json()["total"] == 2
    dbs = api.get("/v1/assets", params={"entity": "container", "subtype": "Database"}).json()
    assert sorted(i["binding"]["name"] for i in dbs["items"]) == [
        "gp-train", "pg-infer", "pg-infer-2"]


def test_unknown_tag_is_an_empty_list(api: Api) -> None:
    response = api.get("/v1/assets", params={"tag": "no-such-tag"})
    assert response.status_code == 200
    assert response.json() == {"total": 0, "offset": 0, "limit": 50, "items": []}


def test_page_size_is_capped_and_pages_walk(api: Api) -> None:
    capped = api.get("/v1/assets", params={"limit": 100000}).json()
    assert capped["limit"] == 500 and capped["total"] == 6
    first = api.get("/v1/assets", params={"limit": 2}).json()
    second = api.get("/v1/assets", params={"limit": 2, "offset": 2}).json()
    assert len(first["items"]) == 2 and len(second["items"]) == 2
    assert {i["urn"] for i in first["items"]}.isdisjoint(i["urn"] for i in second["items"])


def test_malformed_filters_are_422_with_a_message(api: Api) -> None:
    for params in ({"limit": 0}, {"offset": -1}, {"entity": "table"}, {"tag": ""},
                   {"limit": "many"}, {"tags": "training"}):
        response = api.get("/v1/assets", params=params)
        assert response.status_code == 422, params
        assert response.json()["detail"], params


def test_asset_by_urn_has_tags_properties_fields_binding(api: Api) -> None:
    urn = api.get("/v1/assets", params={"q": "images"}).json()["items"][0]["urn"]
    detail = api.get(f"/v1/assets/{quote(urn, safe='')}").json()
    assert detail["urn"] == urn
    assert "training" in detail["tags"]
    assert detail["properties"]["binding_name"] == "gp-train"
    assert "password" not in detail["properties"]
    assert detail["fields"][0]["path"] == "id"
    assert detail["binding"] == {"name": "gp-train", "type": "greenplum", "provider": "vmware",
                                 "host": "gp.internal", "port": 5432, "database": "warehouse",
                                 "sslmode": "require"}
    assert detail["container"].startswith("urn:li:container:")
    missing = api.get(f"/v1/assets/{quote('urn:li:dataset:(x,y,PROD)', safe='')}")
    assert missing.status_code == 404


def test_tags_with_counts(api: Api) -> None:
    counts = {t["name"]: t["count"] for t in api.get("/v1/tags").json()}
    # 2 tables + the database container, plus the lake dataset
    assert counts["training"] == 4
    assert counts["servicebinding:type:postgresql"] == 4
    assert counts["data lake"] == 2


def test_catalog_changes_are_seen_without_restart(api: Api) -> None:
    from tests.support.catalog import lake_asset, write_catalog

    before = api.get("/v1/assets", params={"tag": "training"}).json()["total"]
    write_catalog(api.backend, [lake_asset("lake/imagenet", {"training"})])
    deadline = time.monotonic() + 10  # rebuilt in the background, old index served meanwhile
    while api.get("/v1/assets", params={"tag": "training"}).json()["total"] == before:
        assert time.monotonic() < deadline, "change not picked up"
        time.sleep(0.05)
    assert api.get("/v1/assets", params={"tag": "training"}).json()["total"] == before + 1
