"""`catalog-sync resolve` never prints a connection that silently lacks its credentials."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from catalog_sync.cli.main import app
from catalog_sync.settings import get_settings
from tests.api.conftest import PASSWORD, build_root
from tests.support.backends import Backend
from tests.support.catalog import sample_catalog

runner = CliRunner()


@pytest.fixture
def catalog(workdir: Path, backend: Backend) -> Path:
    sample_catalog(backend)
    return workdir


def test_without_a_binding_root_resolve_refuses_and_says_how(catalog: Path) -> None:
    result = runner.invoke(app, ["resolve", "--tag", "training", "--format", "dsn"])
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert "SERVICE_BINDING_ROOT" in line and "--no-password" in line
    assert result.stdout == ""


def test_no_password_prints_the_coordinates_and_says_so(catalog: Path) -> None:
    result = runner.invoke(app, ["resolve", "--tag", "training", "--no-password"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["host"] == "gp.internal" and "password" not in body
    assert "password left out" in result.stderr


def test_with_the_binding_root_the_password_is_there_unless_refused(
    catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_root(catalog / "bindings")
    monkeypatch.setenv("SERVICE_BINDING_ROOT", str(catalog / "bindings"))
    get_settings.cache_clear()
    shown = runner.invoke(app, ["resolve", "--tag", "training", "-f", "dsn"])
    assert shown.exit_code == 0, shown.output
    assert f"password={PASSWORD}" in shown.stdout
    left_out = runner.invoke(app, ["resolve", "--tag", "training", "-f", "dsn", "--no-password"])
    assert left_out.exit_code == 0 and "password" not in left_out.stdout
    (catalog / "bindings" / "gp-train" / "password").unlink()
    refused = runner.invoke(app, ["resolve", "--tag", "training", "-f", "dsn"])
    assert refused.exit_code == 2 and "binding has no password" in refused.stderr
