"""`/healthz` (the catalog answers the API's kind of read), `/readyz` (and the binding root is
readable), `/metrics`."""

from __future__ import annotations

import logging
import os

from fastapi import APIRouter, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from catalog_sync.api.deps import Services, ServicesDep, read
from catalog_sync.api.schemas import HealthOut
from catalog_sync.errors import CatalogSyncError

logger = logging.getLogger(__name__)
router = APIRouter(tags=["operations"])


def _catalog(services: Services, probe: str) -> str:
    """`ok`, or `unavailable` with the reason logged (it names the catalog, never a token)."""
    try:
        services.store.check()
    except CatalogSyncError as err:
        logger.error("%s: %s", probe, err)
        return "unavailable"
    return "ok"


def _answer(checks: dict[str, str]) -> JSONResponse:
    ready = "unavailable" not in checks.values()
    body = HealthOut(status="ok" if ready else "unavailable", checks=checks)
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)


@router.get("/healthz", response_model=HealthOut, responses={503: {"model": HealthOut}})
async def healthz(services: ServicesDep) -> JSONResponse:
    """Healthy when the catalog answers the kind of read the API runs; else 503."""
    return _answer({"catalog": await read(services, _catalog, services, "healthz")})


def _checks(services: Services) -> dict[str, str]:
    checks: dict[str, str] = {"catalog": _catalog(services, "readyz")}
    root = services.settings.binding_root
    if root is None:
        checks["binding_root"] = "not configured"
    elif root.is_dir() and os.access(root, os.R_OK | os.X_OK):
        checks["binding_root"] = "ok"
    else:
        logger.error("readyz: binding root %s is not a readable folder", root)
        checks["binding_root"] = "unavailable"
    return checks


@router.get("/readyz", response_model=HealthOut, responses={503: {"model": HealthOut}})
async def readyz(services: ServicesDep) -> JSONResponse:
    """Ready when the catalog and the binding root (if configured) can be read; else 503."""
    return _answer(await run_in_threadpool(_checks, services))


@router.get("/metrics", response_class=Response,
            responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}})
def metrics(request_services: ServicesDep) -> Response:
    """Prometheus text format: request counts and latencies by route."""
    registry = request_services.metrics.registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
