"""Fixtures for the database source: a sample database on the real PostgreSQL, binding folders
(plain and in Kubernetes' `..data` layout), and a role that may not read everything."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.support.postgres import _as_postgres, _pg_bin, free_port

HERE = Path(__file__).resolve().parent
SAMPLE_SQL = HERE / "sample.sql"
# Distinctive, so a search of every output for it cannot match by accident.
PASSWORD = "Zx9-catalog-sync-SECRET-q7Lw"


def load_sql(url: str, path: Path) -> None:
    """Run a SQL file as the admin (psycopg2 takes several statements in one execute; no
    parameters, so `%` stays an operator)."""
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor:
            cursor.execute(path.read_text())
    finally:
        raw.close()
        engine.dispose()


def write_binding(root: Path, name: str, entries: dict[str, str], *, k8s: bool = False) -> Path:
    """A binding folder; with `k8s`, entries are symlinks into a hidden `..data` folder, as
    Kubernetes mounts a Secret."""
    folder = root / name
    folder.mkdir(parents=True)
    target = folder
    if k8s:
        target = folder / "..2026_11_30_05_00_00.000000001"
        target.mkdir()
        (folder / "..data").symlink_to(target.name)
    for key, value in entries.items():
        (target / key).write_text(value + "\n")
        if k8s:
            (folder / key).symlink_to(f"..data/{key}")
    return folder


def entries_for(url: str, binding_type: str, **extra: str) -> dict[str, str]:
    """Binding entries (host, port, database, username) that reach the database of `url`."""
    parsed = sa.make_url(url)
    entries = {
        "type": binding_type,
        "host": parsed.host or "127.0.0.1",
        "port": str(parsed.port or 5432),
        "database": parsed.database or "postgres",
        "username": parsed.username or "postgres",
    }
    entries.update(extra)
    return entries


@pytest.fixture
def sample_db(pg_database: str) -> str:
    """The shop database of sample.sql: 3 schemas, a partitioned table with 3 partitions, a view,
    a materialized view, a foreign table, foreign keys and comments."""
    load_sql(pg_database, SAMPLE_SQL)
    return pg_database


@dataclass(frozen=True)
class Reader:
    """A login role (`limited_reader`: may read schemas `sales` and `inventory`, not `hidden`)."""

    name: str
    url: str


@contextmanager
def login_role(url: str, *grants: str) -> Iterator[Reader]:
    """A fresh login role on `url`'s database with CONNECT and `grants` (`{role}` in each is
    the role's name), dropped afterwards."""
    name = f"cs_reader_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    database = sa.make_url(url).database
    with engine.connect() as conn:
        conn.exec_driver_sql(f"CREATE ROLE {name} LOGIN")
        conn.exec_driver_sql(f'GRANT CONNECT ON DATABASE "{database}" TO {name}')
        for grant in grants:
            conn.exec_driver_sql(grant.format(role=name))
    try:
        yield Reader(name, sa.make_url(url).set(username=name).render_as_string(False))
    finally:
        with engine.connect() as conn:
            conn.exec_driver_sql(f"DROP OWNED BY {name}")
            conn.exec_driver_sql(f"DROP ROLE {name}")
        engine.dispose()


@pytest.fixture
def limited_reader(sample_db: str) -> Iterator[Reader]:
    with login_role(sample_db, "GRANT USAGE ON SCHEMA sales, inventory TO {role}",
                    "GRANT SELECT ON ALL TABLES IN SCHEMA sales, inventory TO {role}") as role:
        yield role


@pytest.fixture
def root(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty binding root, as $SERVICE_BINDING_ROOT."""
    path = workdir / "bindings"
    path.mkdir()
    monkeypatch.setenv("SERVICE_BINDING_ROOT", str(path))
    return path


def file_sink_records(path: Path) -> list[dict[str, object]]:
    """The MCPs a DataHub `file` sink wrote."""
    return list(json.loads(path.read_text()))


@pytest.fixture(scope="session")
def password_pg() -> Iterator[str]:
    """A throwaway PostgreSQL that checks passwords (scram-sha-256): the shared server trusts
    everyone, so a wrong password could not fail there. Its admin password is PASSWORD."""
    base = Path(tempfile.mkdtemp(prefix="catalog-sync-pgpw-"))
    pwfile = base / "pw"
    pwfile.write_text(PASSWORD + "\n")
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
        shutil.chown(pwfile, "postgres", "postgres")
    data, port = base / "data", free_port()
    subprocess.run(_as_postgres([_pg_bin("initdb"), "-D", str(data), "-U", "postgres",
                                 "--auth=scram-sha-256", f"--pwfile={pwfile}", "-E", "UTF8"]),
                   check=True, capture_output=True)
    subprocess.run(_as_postgres([_pg_bin("pg_ctl"), "-D", str(data), "-l", str(base / "log"),
                                 "-o", f"-p {port} -k {base} -c listen_addresses=127.0.0.1",
                                 "-w", "start"]), check=True, capture_output=True)
    url = f"postgresql+psycopg2://postgres:{PASSWORD}@127.0.0.1:{port}/postgres"
    try:
        engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.exec_driver_sql("CREATE TABLE features (id integer PRIMARY KEY, score real)")
            conn.exec_driver_sql("COMMENT ON TABLE features IS 'Model features'")
        engine.dispose()
        yield url
    finally:
        subprocess.run(_as_postgres([_pg_bin("pg_ctl"), "-D", str(data), "-m", "fast", "stop"]),
                       capture_output=True, check=False)
        shutil.rmtree(base, ignore_errors=True)
