"""`/docs`: Swagger UI served from the installed package, so it works with no network.

FastAPI's own `/docs` page loads Swagger UI from a CDN: blank offline, and a third party sees
every visit. PyPI's `swagger-ui-bundle-v2` ships Swagger UI 5 (it renders OpenAPI 3.1, which
FastAPI writes; `swagger-ui-bundle` 1.x ships Swagger UI 4, which does not) as the module
`swagger_ui_bundle`; its files are mounted under `/docs/static`.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

DOCS_PATH = "/docs"
STATIC_PATH = "/docs/static"


def install_docs(app: FastAPI) -> None:
    """Mount the bundle and serve the page; create the app with `docs_url=None`."""
    app.mount(STATIC_PATH, StaticFiles(directory=str(swagger_ui_path)), name="swagger-ui")
    openapi_url = app.openapi_url or "/openapi.json"

    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url, title=f"{app.title} - docs",
            swagger_js_url=f"{STATIC_PATH}/swagger-ui-bundle.js",
            swagger_css_url=f"{STATIC_PATH}/swagger-ui.css",
            swagger_favicon_url=f"{STATIC_PATH}/favicon-32x32.png",
        )

    app.add_api_route(DOCS_PATH, docs, methods=["GET"], include_in_schema=False)
