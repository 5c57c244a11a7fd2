"""The discovery API app: `/v1` routes behind bearer tokens, operations routes beside them, and
the steward's web page at `/` (catalog_sync.web)."""

from __future__ import annotations

import importlib.util

from fastapi import FastAPI

from catalog_sync import __version__
from catalog_sync.api.cache import CachedSearchMiddleware
from catalog_sync.api.deps import Services
from catalog_sync.api.docs import install_docs
from catalog_sync.api.errors import install_error_handlers
from catalog_sync.api.head import HeadAsGetMiddleware
from catalog_sync.api.metrics import MetricsMiddleware
from catalog_sync.api.routes import assets, health, resolve, tags
from catalog_sync.auth import TokenStore
from catalog_sync.settings import Settings, get_settings
from catalog_sync.store import CatalogStore, open_store
from catalog_sync.web import install_web


def _include_routers(app: FastAPI) -> None:
    for router in (assets.router, tags.router, resolve.router, health.router):
        app.include_router(router)
    # The pgAdmin generator contributes its own `/v1` router (built with `v1_router`).
    if importlib.util.find_spec("catalog_sync.api.routes.pgadmin") is not None:
        from catalog_sync.api.routes import pgadmin

        app.include_router(pgadmin.router)


def create_app(
    settings: Settings | None = None, *, store: CatalogStore | None = None,
    tokens: TokenStore | None = None,
) -> FastAPI:
    """One app per configuration; tests pass their own catalog store or token store."""
    settings = settings or get_settings()
    services = Services(
        settings=settings, store=store or open_store(settings),
        tokens=tokens or TokenStore(settings.tokens_path),
    )
    app = FastAPI(
        title="catalog-sync discovery API", version=__version__,
        description="Find tagged assets in the catalog and resolve them into connections.",
        docs_url=None, redoc_url=None,  # /docs comes from the package: catalog_sync.api.docs
    )
    install_docs(app)
    app.state.services = services
    _include_routers(app)
    install_web(app, services)  # the steward's pages at `/`, reading the same store
    install_error_handlers(app)
    app.add_middleware(CachedSearchMiddleware, services=services)
    app.add_middleware(HeadAsGetMiddleware)
    app.add_middleware(MetricsMiddleware, metrics=services.metrics)  # outermost: sees all
    return app
