"""/v1/pgadmin/servers.json: the CLI's file from the catalog, no secrets, errors at the edge."""

from __future__ import annotations

import json
import shutil

from typer.testing import CliRunner

from catalog_sync.cli.main import app
from tests.api.conftest import PASSWORD, Api


def test_servers_json_same_bytes_as_the_cli(api: Api) -> None:
    response = api.get("/v1/pgadmin/servers.json", params={"suffix": "ns1"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    servers = list(response.json()["Servers"].values())
    assert [(s["Group"], s["Name"], s["Port"], s["Username"]) for s in servers] == [
        ("Server Group Inference ns1", "pg-infer/serving", 5433, "app"),
        ("Server Group Training ns1", "gp-train/warehouse", 5432, "loader"),
    ]
    assert PASSWORD not in response.text and "pg-pw" not in response.text
    assert all("passfile" not in s["ConnectionParameters"] for s in servers)
    out = api.catalog.parent / "cli.json"
    cli = CliRunner().invoke(app, ["pgadmin", "--suffix", "ns1", "--out", str(out)])
    assert cli.exit_code == 0, cli.output
    assert out.read_bytes() == response.content


def test_groups_sslmode_and_passfile_dir(api: Api) -> None:
    response = api.get("/v1/pgadmin/servers.json", params={
        "suffix": "ns1", "group": "training=GP {suffix}", "sslmode": "require",
        "passfile_dir": "/var/lib/pgadmin/pgpass"})
    assert response.status_code == 200, response.text
    by_name = {s["Name"]: s for s in json.loads(response.content)["Servers"].values()}
    assert by_name["gp-train/warehouse"]["Group"] == "GP ns1"
    assert by_name["pg-infer/serving"]["ConnectionParameters"]["sslmode"] == "require"
    assert by_name["gp-train/warehouse"]["ConnectionParameters"]["passfile"] == (
        "/var/lib/pgadmin/pgpass/gp-train.pgpass")


def test_bad_input_missing_token_and_nothing_to_list(api: Api) -> None:
    bad = api.get("/v1/pgadmin/servers.json", params={"suffix": "bad suffix"})
    assert bad.status_code == 422 and bad.json()["detail"].startswith("query suffix: ")
    assert "'bad suffix'" in bad.json()["detail"]
    assert api.get("/v1/pgadmin/servers.json", params={"suffix": "ns1"},
                   token=None).status_code == 401
    for folder in api.root.iterdir():
        shutil.rmtree(folder)
    none = api.get("/v1/pgadmin/servers.json", params={"suffix": "ns1"})
    assert none.status_code == 404
    assert none.json()["detail"].startswith("no PostgreSQL/Greenplum databases with a role tag")


def test_a_group_template_is_data_not_code(api: Api) -> None:
    """A format spec would allocate 50 MB; attribute access would print Python's internals."""
    for template in ("{suffix:>50000000}", "{suffix.__class__.__mro__}"):
        response = api.get("/v1/pgadmin/servers.json",
                           params={"suffix": "x", "group": f"inference={template}"})
        assert response.status_code == 422, response.text[:200]
        assert template in response.json()["detail"]
        assert len(response.content) < 1000 and "object" not in response.text
    cli = CliRunner().invoke(app, ["pgadmin", "--suffix", "x", "--group",
                                   "inference={suffix:>50000000}"])
    assert cli.exit_code == 2
    assert "{suffix:>50000000}" in cli.stderr and len(cli.stderr.splitlines()) == 1
