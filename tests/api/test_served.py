"""Real HTTP: `catalog-sync serve` on a free local port, driven by the Python client and by
`catalog-sync resolve --api` / `project-binding --api`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from catalog_sync.bindings import read_bindings
from catalog_sync.cli.main import app
from catalog_sync.client import ApiError, CatalogClient
from catalog_sync.discovery import AmbiguousMatchError
from tests.api.conftest import PASSWORD, Api
from tests.support.served import serving

pytestmark = pytest.mark.slow


@pytest.fixture
def server(api: Api) -> Iterator[str]:
    with serving() as served:
        yield served.url
    # the server log never carries a token or a password
    assert all(t not in served.log for t in api.tokens.values()) and PASSWORD not in served.log
    assert "GET /v1/" in served.log  # access log on by default


def test_client_over_real_http(api: Api, server: str) -> None:
    with CatalogClient(url=server, token=api.tokens["secrets"]) as client:
        page = client.assets(tags=["training"], limit=2)
        assert page["total"] == 3 and len(page["items"]) == 2
        assert len(list(client.iter_assets(tags=["training"]))) == 3
        urn = page["items"][0]["urn"]
        assert client.asset(urn)["urn"] == urn
        assert {"name": "inference", "count": 4} in client.tags()
        conn = client.connection(tags=["training"])
        assert conn.username == "loader" and conn.password is not None
        assert client.resolve(tags=["training"], format="dsn").startswith("host=gp.internal")
        with pytest.raises(AmbiguousMatchError) as caught:
            client.resolve(tags=["inference"])
        assert [c.name for c in caught.value.candidates] == ["pg-infer", "pg-infer-2"]
    with CatalogClient(url=server, token="cst_00000000_wrong") as client, \
            pytest.raises(ApiError) as denied:
        client.tags()
    assert denied.value.status == 401


def test_cli_against_the_api(api: Api, server: str, tmp_path: Path) -> None:
    runner = CliRunner()
    refused = runner.invoke(app, ["resolve", "--tag", "training", "--api", server,
                                  "--token", api.tokens["read"]])
    assert refused.exit_code == 2, refused.output
    assert "scope bindings:secrets required" in refused.stderr and "--no-password" in refused.stderr
    assert refused.stdout == ""
    read_only = runner.invoke(app, ["resolve", "--tag", "training", "--api", server,
                                    "--token", api.tokens["read"], "--no-password"])
    assert read_only.exit_code == 0, read_only.output
    body = json.loads(read_only.stdout)
    assert body["user"] == "loader" and "password" not in body
    target = tmp_path / "projected" / "gp"
    projected = runner.invoke(app, ["project-binding", "--tag", "training", "--to", str(target),
                                    "--api", server], env={"CATALOG_SYNC_API_TOKEN":
                                                           api.tokens["secrets"]})
    assert projected.exit_code == 0, projected.output
    (back,) = read_bindings(target.parent)
    assert back.password is not None and back.password.get_secret_value() == PASSWORD
