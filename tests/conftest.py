"""Shared fixtures: an isolated catalog and tags folder per test, real PostgreSQL."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from catalog_sync.settings import get_settings
from tests.support.backends import KINDS, Backend, backend_for
from tests.support.postgres import postgres_server, scratch_database

REPO = Path(__file__).resolve().parent.parent
os.environ.setdefault("DATAHUB_TELEMETRY_ENABLED", "false")


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh working folder with the repo's tags/ and recipes/, its own catalog file, and
    settings re-read from the environment."""
    shutil.copytree(REPO / "tags", tmp_path / "tags")
    shutil.copytree(REPO / "recipes", tmp_path / "recipes")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CATALOG_SYNC_CATALOG", str(tmp_path / "catalog.db"))
    monkeypatch.setenv("CATALOG_SYNC_TAGS_DIR", str(tmp_path / "tags"))
    for var in ("SERVICE_BINDING_ROOT", "DATAHUB_GMS_URL", "DATAHUB_GMS_TOKEN",
                "CATALOG_SYNC_TOKENS_FILE"):
        monkeypatch.delenv(var, raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


@pytest.fixture(params=KINDS)
def backend(
    request: pytest.FixtureRequest, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Backend]:
    """The test runs once on the embedded catalog and once on the GMS stand-in."""
    with backend_for(request.param, workdir, monkeypatch) as chosen:
        yield chosen


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    """Admin URL of a real PostgreSQL (env URL, the local server, or a throwaway one)."""
    with postgres_server() as url:
        yield url


@pytest.fixture
def pg_database(pg_admin_url: str) -> Iterator[str]:
    """A fresh, empty database for one test; its SQLAlchemy URL."""
    with scratch_database(pg_admin_url, f"cs_test_{uuid.uuid4().hex[:10]}") as url:
        yield url
