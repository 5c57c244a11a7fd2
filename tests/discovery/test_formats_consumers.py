"""Every `--format` accepted by its real consumer: psycopg2 (DSN), SQLAlchemy (URL), psql (env),
and a structural check of the JDBC URL (no JVM here); plus the servicebinding.io projection."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import psycopg2
import sqlalchemy as sa
from typer.testing import CliRunner

from catalog_sync.bindings import read_bindings
from catalog_sync.cli.main import app
from tests.discovery.conftest import LivePg

runner = CliRunner()


def _resolve(fmt: str, *extra: str) -> str:
    result = runner.invoke(app, ["resolve", "--tag", "inference", "--format", fmt, *extra])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_json_has_user_and_password(live_pg: LivePg) -> None:
    body = json.loads(_resolve("json"))
    assert body["user"] == live_pg.role and body["password"] == live_pg.password
    assert body["binding"] == "pg-live" and body["database"] == live_pg.url.database


def test_dsn_opens_a_psycopg2_connection(live_pg: LivePg) -> None:
    dsn = _resolve("dsn").strip()
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("select current_user, current_database()")
        assert cur.fetchone() == (live_pg.role, live_pg.url.database)
    conn.close()


def test_sqlalchemy_url_opens_a_connection(live_pg: LivePg) -> None:
    url = _resolve("sqlalchemy").strip()
    assert sa.make_url(url).password == live_pg.password
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("select current_user")).scalar() == live_pg.role
    engine.dispose()


def test_env_output_works_with_psql(live_pg: LivePg) -> None:
    env_text = _resolve("env")
    assert "PGPASSWORD=" in env_text
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    result = subprocess.run(
        ["bash", "-c", 'set -a; eval "$CS_ENV"; psql -X -At -c "select current_user"'],
        env={**clean, "CS_ENV": env_text}, capture_output=True, text=True, timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == live_pg.role


def test_jdbc_url_is_well_formed(live_pg: LivePg) -> None:
    url = _resolve("jdbc").strip()
    assert url.startswith("jdbc:postgresql://")
    parts = urlsplit(url.removeprefix("jdbc:"))
    assert (parts.hostname, parts.port) == (live_pg.url.host, live_pg.url.port or 5432)
    assert parts.path == f"/{live_pg.url.database}"
    query = parse_qs(parts.query, strict_parsing=True)
    assert query == {"user": [live_pg.role], "password": [live_pg.password]}


def test_project_binding_writes_a_private_binding_folder(live_pg: LivePg, tmp_path: Path
                                                         ) -> None:
    target = tmp_path / "projected" / "training-db"
    result = runner.invoke(app, ["project-binding", "--tag", "inference", "--to", str(target)])
    assert result.exit_code == 0, result.output
    for entry in target.iterdir():
        assert stat.S_IMODE(entry.stat().st_mode) == 0o600, entry
    assert stat.S_IMODE(target.stat().st_mode) == 0o700
    (back,) = read_bindings(target.parent)
    assert back.name == "training-db" and back.username == live_pg.role
    assert back.password is not None and back.password.get_secret_value() == live_pg.password
    # the projection itself is a usable binding: resolve through it
    engine = sa.create_engine(sa.URL.create(
        "postgresql+psycopg2", username=back.username,
        password=back.password.get_secret_value(), host=back.host, port=back.port,
        database=back.database))
    with engine.connect() as conn:
        assert conn.execute(sa.text("select 1")).scalar() == 1
    engine.dispose()


def test_cli_errors_list_candidates(live_pg: LivePg) -> None:
    none = runner.invoke(app, ["resolve", "--tag", "inference", "--type", "greenplum"])
    assert none.exit_code == 1
    assert "no database binding matches" in none.stderr and "candidate pg-live" in none.stderr
    bad = runner.invoke(app, ["resolve", "--binding", "../etc"])
    assert bad.exit_code == 2 and "invalid binding name" in bad.stderr
    refused = runner.invoke(app, ["project-binding", "--tag", "inference", "--to", "/"])
    assert refused.exit_code == 2 and "not a binding folder" in refused.stderr
