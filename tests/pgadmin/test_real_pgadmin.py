"""Proof by the real thing: pgAdmin 4 (from PyPI, in its own virtualenv) imports the generated
servers.json and reports back the groups, servers, ports and SSL modes; psql logs in to a real
PostgreSQL with nothing but the generated pgpass file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from catalog_sync.cli.main import app
from tests.support.catalog import write_binding
from tests.support.pgadmin import PgAdmin, PgAdminError, ensure_pgadmin
from tests.support.postgres import scratch_database, throwaway_server

# The first test may install pgAdmin (about a minute, INSTALL_TIMEOUT_S at most).
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]

# Both characters pgpass must escape, plus a quote for good measure.
TRICKY_PASSWORD = "p:ss\\w'rd:\\"
ROLE = "pgpass_probe"


@pytest.fixture(scope="session")
def pgadmin_venv() -> Path:
    venv, seconds = ensure_pgadmin()
    if seconds:
        sys.stderr.write(f"\npgAdmin 4 installed into {venv} in {seconds:.1f} s\n")
    return venv


@pytest.fixture
def pgadmin(pgadmin_venv: Path, tmp_path: Path) -> PgAdmin:
    return PgAdmin(venv=pgadmin_venv, home=tmp_path / "pgadmin")


def _generate(workdir: Path, root: Path, *extra: str) -> Path:
    result = CliRunner().invoke(app, ["pgadmin", "--suffix", "ns1", "--from-bindings",
                                      "--binding-root", str(root), "--out", "servers.json",
                                      *extra])
    assert result.exit_code == 0, result.output
    return workdir / "servers.json"


def test_pgadmin_imports_groups_servers_ports_and_ssl_modes(
    workdir: Path, binding_root: Path, pgadmin: PgAdmin
) -> None:
    servers_json = _generate(workdir, binding_root, "--passfile-dir", "pgpass")
    # pgAdmin prints an error but exits 0 without its database: the wrapper reads the output
    with pytest.raises(PgAdminError, match="does not exist"):
        pgadmin.load_servers(servers_json)
    pgadmin.setup_db()
    assert pgadmin.load_servers(servers_json) == (2, 3)
    dumped = pgadmin.dump_servers()["Servers"]
    seen = sorted(
        (s["Group"], s["Name"], s["Host"], s["Port"], s["MaintenanceDB"], s["Username"],
         s["ConnectionParameters"]["sslmode"], s["ConnectionParameters"]["passfile"])
        for s in dumped.values()
    )
    pgpass = workdir / "pgpass"
    assert seen == [
        ("Server Group Inference ns1", "pg-infer/serving", "pg.internal", 5433, "serving",
         "svc", "verify-full", str(pgpass / "pg-infer.pgpass")),
        ("Server Group Inference ns1", "pg-noport/features", "pg2.internal", 5432, "features",
         "reader", "prefer", str(pgpass / "pg-noport.pgpass")),
        ("Server Group Training ns1", "gp-train/warehouse", "gp.internal", 5432, "warehouse",
         "trainer", "require", str(pgpass / "gp-train.pgpass")),
    ]
    assert all(isinstance(s["Port"], int) for s in dumped.values())


def _round_trip_keeps_every_key(written: Path, dumped: dict[str, Any]) -> list[dict[str, Any]]:
    """Every key and value we wrote comes back from pgAdmin's own dump."""
    ours = sorted(json.loads(written.read_text())["Servers"].values(), key=lambda s: s["Name"])
    back = sorted(dumped["Servers"].values(), key=lambda s: s["Name"])
    assert [s["Name"] for s in back] == [s["Name"] for s in ours]
    for mine, theirs in zip(ours, back, strict=True):
        assert {k: theirs.get(k) for k in mine} == mine, mine["Name"]
    return ours


def test_desktop_mode_round_trip_keeps_connection_parameters_and_tags(
    workdir: Path, binding_root: Path, pgadmin: PgAdmin
) -> None:
    servers_json = _generate(workdir, binding_root, "--passfile-dir", "pgpass",
                             "--sslrootcert", "/etc/ssl/root.crt")
    pgadmin.setup_db()
    assert pgadmin.load_servers(servers_json) == (2, 3)
    ours = _round_trip_keeps_every_key(servers_json, pgadmin.dump_servers())
    gp = next(s for s in ours if s["Name"] == "gp-train/warehouse")
    assert gp["ConnectionParameters"] == {
        "sslmode": "require", "passfile": str(workdir / "pgpass" / "gp-train.pgpass"),
        "sslrootcert": "/etc/ssl/root.crt", "connect_timeout": 10}
    assert gp["Tags"] == [{"color": "#2CA02C", "text": "training"}]  # tags/definitions.yml
    assert "SSLMode" not in gp and "PassFile" not in gp  # pgAdmin 7+ ignores them anyway


def test_server_mode_round_trip_with_storage_relative_passfiles_and_shared(
    workdir: Path, binding_root: Path, pgadmin_venv: Path, tmp_path: Path
) -> None:
    email = "admin@example.com"
    server = PgAdmin(venv=pgadmin_venv, home=tmp_path / "pgadmin-server", server_user=email)
    servers_json = _generate(workdir, binding_root, "--passfile-dir", "pgpass",
                             "--server-mode", email, "--shared")
    server.setup_db()
    assert server.load_servers(servers_json) == (2, 3)
    ours = _round_trip_keeps_every_key(servers_json, server.dump_servers())
    assert all(s["Shared"] is True for s in ours)
    gp = next(s for s in ours if s["Name"] == "gp-train/warehouse")
    # pgAdmin reads it as <STORAGE_DIR>/admin_example.com/pgpass/gp-train.pgpass
    assert gp["ConnectionParameters"]["passfile"] == "/pgpass/gp-train.pgpass"
    assert (workdir / "pgpass" / "gp-train.pgpass").is_file()
    refused = CliRunner().invoke(app, ["pgadmin", "--suffix", "ns1", "--from-bindings",
                                       "--binding-root", str(binding_root), "--server-mode",
                                       email, "--passfile-dir", str(workdir / "abs")])
    assert refused.exit_code == 2 and "relative" in refused.stderr


def test_pgadmin_rejects_what_it_should(workdir: Path, pgadmin: PgAdmin) -> None:
    """The wrapper is not blind: a server without a Port is refused by pgAdmin itself."""
    pgadmin.setup_db()
    bad = workdir / "bad.json"
    bad.write_text(json.dumps({"Servers": {"1": {
        "Name": "x", "Group": "g", "Host": "h", "MaintenanceDB": "d", "Username": "u"}}}))
    with pytest.raises(PgAdminError, match="'Port' attribute not found"):
        pgadmin.load_servers(bad)


@pytest.fixture
def password_server() -> Iterator[str]:
    """A throwaway PostgreSQL where ROLE must give its password over TCP (the admin keeps trust)."""
    with throwaway_server(hba_first=(f"host all {ROLE} 127.0.0.1/32 scram-sha-256",)) as url:
        yield url


def _psql(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    psql = shutil.which("psql")
    assert psql, "psql not found (install the PostgreSQL client)"
    return subprocess.run([psql, "-X", "-At", "-w", "-c", "select current_user"],
                          capture_output=True, text=True, timeout=60, env=env, check=False)


def test_generated_pgpass_lets_psql_log_in(workdir: Path, password_server: str) -> None:
    database = f"cs_pgpass_{uuid.uuid4().hex[:8]}"
    with scratch_database(password_server, database) as db_url:
        engine = sa.create_engine(db_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            quoted = TRICKY_PASSWORD.replace("'", "''")
            conn.execute(sa.text(f"CREATE ROLE {ROLE} LOGIN PASSWORD '{quoted}'"))
        engine.dispose()
        url = sa.make_url(db_url)
        root = workdir / "bindings"
        write_binding(root, "pg-probe", {
            "type": "postgresql", "host": "127.0.0.1", "port": str(url.port),
            "database": database, "username": ROLE, "password": TRICKY_PASSWORD,
            "sslmode": "disable",
        })
        servers = json.loads(_generate(workdir, root, "--passfile-dir", "pgpass")
                             .read_text())["Servers"]
        passfile = servers["1"]["ConnectionParameters"]["passfile"]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(PGHOST=servers["1"]["Host"], PGPORT=str(servers["1"]["Port"]),
                   PGDATABASE=servers["1"]["MaintenanceDB"],
                   PGUSER=servers["1"]["Username"], PGSSLMODE=servers["1"]["ConnectionParameters"]["sslmode"])
        ok = _psql({**env, "PGPASSFILE": passfile})
        assert ok.returncode == 0, ok.stderr
        assert ok.stdout.strip() == ROLE
        # and the password really is checked: without the pgpass file, no login
        denied = _psql({**env, "PGPASSFILE": str(workdir / "none")})
        assert denied.returncode != 0
        assert "password" in denied.stderr
