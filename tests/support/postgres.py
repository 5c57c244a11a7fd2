"""A real PostgreSQL for tests: $CATALOG_SYNC_TEST_PG_URL, else 127.0.0.1:5432, else a
throwaway server started with initdb/pg_ctl (as the `postgres` user when running as root,
since PostgreSQL refuses to run as root)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

DEFAULT_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"


def reachable(url: str) -> bool:
    try:
        engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        engine.dispose()
        return True
    except Exception:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pg_bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if not found:
        raise RuntimeError(f"PostgreSQL binary {name} not found; install postgresql")
    return found


def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@contextmanager
def throwaway_server(hba_first: tuple[str, ...] = ()) -> Iterator[str]:
    """initdb + pg_ctl start on a free port in a temp folder; stopped and removed afterwards.

    `hba_first` lines go on top of pg_hba.conf (first match wins), e.g. to make one role log in
    with a password while the admin keeps trust auth.
    """
    base = Path(tempfile.mkdtemp(prefix="catalog-sync-pg-"))
    data = base / "data"
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    port = free_port()
    subprocess.run(_as_postgres([_pg_bin("initdb"), "-D", str(data), "-U", "postgres",
                                 "--auth=trust", "-E", "UTF8"]), check=True,
                   capture_output=True)
    if hba_first:
        hba = data / "pg_hba.conf"
        hba.write_text("".join(f"{line}\n" for line in hba_first) + hba.read_text())
    subprocess.run(_as_postgres([_pg_bin("pg_ctl"), "-D", str(data), "-l", str(base / "log"),
                                 "-o", f"-p {port} -k {base} -c listen_addresses=127.0.0.1",
                                 "-w", "start"]), check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg2://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_postgres([_pg_bin("pg_ctl"), "-D", str(data), "-m", "fast", "stop"]),
                       capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


@contextmanager
def postgres_server() -> Iterator[str]:
    """The admin URL of a PostgreSQL the tests may create databases in."""
    url = os.environ.get("CATALOG_SYNC_TEST_PG_URL")
    if url:
        yield url
        return
    if reachable(DEFAULT_URL):
        yield DEFAULT_URL
        return
    with throwaway_server() as started:
        deadline = time.monotonic() + 30
        while not reachable(started) and time.monotonic() < deadline:
            time.sleep(0.2)
        yield started


@contextmanager
def scratch_database(admin_url: str, name: str) -> Iterator[str]:
    """A fresh database `name` (dropped first if left over), removed afterwards."""
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(admin_url).set(database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()
