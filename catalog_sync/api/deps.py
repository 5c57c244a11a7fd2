"""Dependencies shared by the routes: the app's services, the caller's token, store calls."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from catalog_sync.api.cache import ResponseCache
from catalog_sync.api.metrics import Metrics
from catalog_sync.auth import Scope, TokenRecord, TokenStore
from catalog_sync.settings import Settings
from catalog_sync.store import CatalogStore

T = TypeVar("T")


@dataclass
class Services:
    """What a running app holds: built once in `create_app`, read by every request."""

    settings: Settings
    store: CatalogStore
    tokens: TokenStore
    cache: ResponseCache = field(default_factory=ResponseCache)
    metrics: Metrics = field(default_factory=Metrics)


async def get_services(request: Request) -> Services:
    # async on purpose: FastAPI runs plain `def` dependencies on the thread pool (a hop each).
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]

_bearer = HTTPBearer(auto_error=False, description="A token from `catalog-sync token create`.")


async def authenticate(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> TokenRecord:
    """401 without a valid bearer token, 403 without the `catalog:read` scope."""
    tokens: TokenStore = request.app.state.services.tokens  # not ServicesDep: one less to solve
    record: TokenRecord | None = tokens.verify(credentials.credentials) if credentials else None
    if record is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "missing or invalid bearer token",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not record.has(Scope.CATALOG_READ):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "token lacks scope catalog:read")
    return record


Caller = Annotated[TokenRecord, Depends(authenticate)]


async def read(services: Services, call: Callable[..., T], *args: object) -> T:
    """Run a store call inline when it never blocks (the in-memory index), else off-loop."""
    if services.store.in_memory:
        return call(*args)
    return await run_in_threadpool(call, *args)


def v1_router(prefix: str, tag: str) -> APIRouter:
    """A resource router under `/v1` behind the `catalog:read` token check. The full path is
    the router's own prefix so route templates (metrics labels) read `/v1/...`."""
    return APIRouter(
        prefix=f"/v1{prefix}", tags=[tag], dependencies=[Depends(authenticate)],
        responses={401: {"description": "no valid token"},
                   403: {"description": "token lacks a scope"}},
    )
