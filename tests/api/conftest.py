"""An API over a small catalog (greenplum training db, two postgresql inference dbs, a lake
dataset), a binding root with passwords, and tokens for each scope combination. Requests go
through the ASGI transport (Starlette's httpx-based TestClient) unless a test starts a server."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from catalog_sync.api.main import create_app
from catalog_sync.auth import TokenStore
from catalog_sync.settings import get_settings
from tests.support.backends import Backend
from tests.support.catalog import sample_catalog, write_binding

PASSWORD = "gp-s3cret"


@dataclass
class Api:
    app: FastAPI
    client: TestClient
    tokens: dict[str, str]
    catalog: Path
    root: Path
    backend: Backend

    def get(self, url: str, token: str | None = "read", **kw: object) -> object:
        headers = {"Authorization": f"Bearer {self.tokens[token]}"} if token else {}
        return self.client.get(url, headers=headers, **kw)  # type: ignore[arg-type]


def build_root(root: Path) -> None:
    write_binding(root, "gp-train", {"type": "greenplum", "provider": "vmware",
                                     "host": "gp.internal", "port": "5432",
                                     "database": "warehouse", "username": "loader",
                                     "password": PASSWORD})
    write_binding(root, "pg-infer", {"type": "postgresql", "host": "pg.internal",
                                     "port": "5433", "database": "serving",
                                     "username": "app", "password": "pg-pw"})


@pytest.fixture
def api(workdir: Path, backend: Backend, monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    catalog = workdir / "catalog.db"
    root = workdir / "bindings"
    sample_catalog(backend)
    build_root(root)
    monkeypatch.setenv("SERVICE_BINDING_ROOT", str(root))
    get_settings.cache_clear()
    store = TokenStore(get_settings().tokens_path)
    tokens = {
        "read": store.create(["catalog:read"], "reader")[1],
        "secrets": store.create(["catalog:read", "bindings:secrets"], "pipeline")[1],
        "secrets-only": store.create(["bindings:secrets"], "odd")[1],
    }
    app = create_app()
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Api(app, client, tokens, catalog, root, backend)
