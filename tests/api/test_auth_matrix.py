"""Every /v1 route: 401 without or with a bad token, 403 without catalog:read, 200 with it;
passwords only with bindings:secrets; operations routes open; no token in logs."""

from __future__ import annotations

import logging

import pytest

from tests.api.conftest import PASSWORD, Api

V1 = ["/v1/assets", "/v1/tags", "/v1/resolve?tag=training",
      "/v1/assets/urn%3Ali%3Adataset%3A%28urn%3Ali%3AdataPlatform%3Afile%2Clake%2Fmnist%2CPROD%29"]


@pytest.mark.parametrize("url", V1)
def test_v1_needs_a_catalog_read_token(api: Api, url: str) -> None:
    assert api.get(url, token=None).status_code == 401
    assert api.get(url, token=None).headers["www-authenticate"] == "Bearer"
    bad = api.client.get(url, headers={"Authorization": "Bearer cst_00000000_nope"})
    assert bad.status_code == 401
    wrong_secret = api.tokens["read"][:-4] + "AAAA"
    assert api.client.get(url, headers={"Authorization": f"Bearer {wrong_secret}"}
                          ).status_code == 401
    assert api.get(url, token="secrets-only").status_code == 403
    assert api.get(url, token="read").status_code == 200
    assert api.get(url, token="secrets").status_code == 200


def test_password_only_with_the_secrets_scope(api: Api) -> None:
    plain = api.get("/v1/resolve", params={"tag": "training"}, token="read").json()
    assert plain["user"] == "loader" and plain["password"] is None
    assert PASSWORD not in api.get("/v1/resolve", params={"tag": "training", "format": "dsn"},
                                   token="read").text
    full = api.get("/v1/resolve", params={"tag": "training"}, token="secrets").json()
    assert full["password"] == PASSWORD


def test_operations_routes_are_open(api: Api) -> None:
    for url in ("/healthz", "/readyz", "/metrics", "/docs", "/openapi.json"):
        assert api.client.get(url).status_code == 200, url


def test_revoked_token_stops_working(api: Api) -> None:
    from catalog_sync.auth import TokenStore
    from catalog_sync.settings import get_settings

    assert api.get("/v1/tags", token="read").status_code == 200
    TokenStore(get_settings().tokens_path).revoke("reader")
    assert api.get("/v1/tags", token="read").status_code == 401


def test_no_token_or_password_in_logs(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    api.get("/v1/resolve", params={"tag": "training"}, token="secrets")
    api.get("/v1/tags", token=None)
    api.client.get("/v1/tags", headers={"Authorization": "Bearer cst_deadbeef_guess"})
    text = caplog.text
    assert all(t not in text for t in api.tokens.values())
    assert PASSWORD not in text and "cst_deadbeef_guess" not in text


def test_cached_search_pages_still_check_tokens(api: Api) -> None:
    url = "/v1/assets?tag=training"
    first = api.get(url, token="read")
    again = api.get(url, token="secrets")  # served from the page cache
    assert first.status_code == again.status_code == 200 and first.content == again.content
    assert api.get(url, token=None).status_code == 401
    assert api.get(url, token="secrets-only").status_code == 403
    wrong = api.tokens["read"][:-4] + "AAAA"
    assert api.client.get(url, headers={"Authorization": f"Bearer {wrong}"}).status_code == 401
    metrics = api.client.get("/metrics").text
    assert ('catalog_sync_http_requests_total{method="GET",route="/v1/assets",status="200"} 2.0'
            in metrics)
