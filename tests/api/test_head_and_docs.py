"""HEAD works wherever GET does, and /docs is served from the package (no CDN, works offline)."""

from __future__ import annotations

import re

from tests.api.conftest import Api


def test_head_answers_like_get_without_a_body(api: Api) -> None:
    headers = {"Authorization": f"Bearer {api.tokens['read']}"}
    for path in ("/healthz", "/readyz", "/v1/tags", "/v1/assets?tag=training", "/openapi.json"):
        got = api.client.get(path, headers=headers)
        head = api.client.head(path, headers=headers)
        assert head.status_code == got.status_code == 200, path
        assert head.content == b""
        assert head.headers["content-length"] == got.headers["content-length"], path
    assert api.client.head("/v1/tags").status_code == 401  # auth is not skipped


def test_docs_come_from_the_package_not_a_cdn(api: Api) -> None:
    page = api.client.get("/docs")
    assert page.status_code == 200
    assert "https://" not in page.text and "http://" not in page.text
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page.text)
    assert "/docs/static/swagger-ui-bundle.js" in assets
    for asset in assets:
        fetched = api.client.get(asset)
        assert fetched.status_code == 200, asset
        assert len(fetched.content) > 100, asset
    bundle = api.client.get("/docs/static/swagger-ui-bundle.js").text
    assert "SwaggerUIBundle" in bundle
    version = re.search(r'swagger-ui-(\d+)\.', str(__import__("swagger_ui_bundle").swagger_ui_path))
    assert version and int(version.group(1)) >= 5  # Swagger UI 5 renders OpenAPI 3.1
    assert api.client.get("/openapi.json").json()["openapi"].startswith("3.1")
