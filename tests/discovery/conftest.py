"""A real PostgreSQL login role with an awkward password, reachable through a binding, and a
catalog whose `inference` database asset points at that binding."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from catalog_sync.bindings import Binding
from catalog_sync.settings import get_settings
from tests.support.backends import Backend
from tests.support.catalog import database_assets, write_binding, write_catalog

# Every character the renderers must quote: space, quote, backslash, @, :, /, ?, &, =, %.
AWKWARD_PASSWORD = "p@ss w'rd:/?&=%\\x"


@dataclass
class LivePg:
    url: sa.URL
    role: str
    password: str
    binding: str
    root: Path


@pytest.fixture
def live_pg(workdir: Path, backend: Backend, pg_database: str, monkeypatch: pytest.MonkeyPatch
            ) -> Iterator[LivePg]:
    url = sa.make_url(pg_database)
    role = f"cs_disc_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE ROLE {role} LOGIN PASSWORD :pw"),
                     {"pw": AWKWARD_PASSWORD})
    root = workdir / "bindings"
    binding = Binding(name="pg-live", type="postgresql", provider="local",
                      host=url.host or "127.0.0.1", port=url.port or 5432,
                      database=url.database)
    write_binding(root, "pg-live", {
        "type": "postgresql", "provider": "local", "host": binding.host or "",
        "port": str(binding.port), "database": binding.database or "", "username": role,
        "password": AWKWARD_PASSWORD,
    })
    _, assets = database_assets(binding, ["public.features"], role="inference")
    write_catalog(backend, assets)
    monkeypatch.setenv("SERVICE_BINDING_ROOT", str(root))
    get_settings.cache_clear()
    try:
        yield LivePg(url, role, AWKWARD_PASSWORD, "pg-live", root)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP OWNED BY {role}'))
            conn.execute(sa.text(f"DROP ROLE IF EXISTS {role}"))
        admin.dispose()
