"""/healthz, /readyz (503 with a clear log line on a missing or corrupt catalog, an unreachable
or refusing GMS), /metrics."""

from __future__ import annotations

import logging
import shutil
import time

import pytest

from tests.api.conftest import Api


def test_ready_when_catalog_and_root_are_readable(api: Api) -> None:
    response = api.client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"catalog": "ok", "binding_root": "ok"}


LITE_ONLY = pytest.mark.parametrize("backend", ["lite"], indirect=True)
GMS_ONLY = pytest.mark.parametrize("backend", ["gms"], indirect=True)


@LITE_ONLY
def test_corrupt_catalog_is_503_without_a_trace(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    api.catalog.write_bytes(b"this is not sqlite" * 100)
    caplog.set_level(logging.ERROR)
    response = api.client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["catalog"] == "unavailable"
    assert "Traceback" not in response.text
    assert any("not readable" in r.getMessage() and str(api.catalog) in r.getMessage()
               for r in caplog.records)
    search = api.get("/v1/assets")
    assert search.status_code == 503 and "Traceback" not in search.text


@LITE_ONLY
def test_a_file_broken_after_loading_keeps_the_last_good_index(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    assert api.get("/v1/assets", params={"tag": "training"}).json()["total"] == 3
    api.catalog.write_bytes(b"this is not sqlite" * 100)
    caplog.set_level(logging.ERROR)
    assert api.client.get("/readyz").status_code == 503  # taken out of the load balancer
    assert api.get("/v1/assets", params={"tag": "inference"}).json()["total"] == 2
    store = api.app.state.services.store
    deadline = time.monotonic() + 10
    while not any("still serving the index built before" in r.getMessage()
                  for r in caplog.records):
        assert time.monotonic() < deadline
        store.tag_counts()  # every read looks for a newer file
        time.sleep(0.05)


@LITE_ONLY
def test_missing_catalog_and_root_are_503(api: Api) -> None:
    api.catalog.unlink()
    shutil.rmtree(api.root)
    body = api.client.get("/readyz")
    assert body.status_code == 503
    assert body.json()["checks"] == {"catalog": "unavailable", "binding_root": "unavailable"}
    # Health runs the API's kind of read too: a catalog that cannot be read is not healthy.
    health = api.client.get("/healthz")
    assert health.status_code == 503 and health.json()["checks"] == {"catalog": "unavailable"}


@GMS_ONLY
def test_healthz_runs_the_read_path_against_gms(api: Api) -> None:
    assert api.client.get("/healthz").json() == {"status": "ok", "checks": {"catalog": "ok"}}
    assert api.backend.gms is not None
    assert api.backend.gms.count("POST /api/graphql") >= 1  # a search, not just /config
    assert api.backend.gms.count("POST /openapi/v3/entity/") >= 1  # and its batch read


@GMS_ONLY
def test_gms_refusing_the_token_is_503_naming_server_and_reason(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    assert api.backend.gms is not None
    api.backend.gms.token = "the-right-token"  # GMS now wants a token the API does not send
    caplog.set_level(logging.ERROR)
    search = api.get("/v1/assets", params={"tag": "inference"})
    assert search.status_code == 503
    detail = search.json()["detail"]
    assert api.backend.gms.url in detail and "HTTP 401" in detail
    assert api.client.get("/healthz").status_code == 503
    assert "the-right-token" not in caplog.text + search.text


def test_metrics_count_requests_by_route(api: Api) -> None:
    api.get("/v1/tags")
    text = api.client.get("/metrics").text
    assert 'catalog_sync_http_requests_total{method="GET",route="/v1/tags",status="200"} 1.0' \
        in text


def test_broken_token_file_is_503_not_a_client_error(api: Api) -> None:
    from catalog_sync.settings import get_settings

    get_settings().tokens_path.write_text("{broken")
    response = api.get("/v1/tags")
    assert response.status_code == 503 and "Traceback" not in response.text
