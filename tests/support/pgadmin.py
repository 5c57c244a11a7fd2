"""The real pgAdmin 4 for tests: installed from PyPI into a virtualenv of its own (it pins its
own Flask, SQLAlchemy and typer, so never into the project's), cached outside the repo, and run
headless in desktop mode with a throwaway data directory.

pgAdmin's CLI prints some errors yet exits 0 (a missing configuration database, for one), so
every call here checks what it printed, not only its exit code.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PGADMIN_REQUIREMENT = os.environ.get("CATALOG_SYNC_PGADMIN_REQUIREMENT", "pgadmin4>=9.0,<10")
INSTALL_TIMEOUT_S = 900
RUN_TIMEOUT_S = 300
_MARKER = ".catalog-sync-installed"

CONFIG_LOCAL = """\
# Written by catalog-sync's tests: desktop or server mode, everything inside this folder.
import os
_D = {data_dir!r}
SERVER_MODE = {server_mode!r}
DATA_DIR = _D
LOG_FILE = os.path.join(_D, "pgadmin4.log")
SQLITE_PATH = os.path.join(_D, "pgadmin4.db")
SESSION_DB_PATH = os.path.join(_D, "sessions")
STORAGE_DIR = os.path.join(_D, "storage")
AZURE_CREDENTIAL_CACHE_DIR = os.path.join(_D, "azurecredentialcache")
KERBEROS_CCACHE_DIR = os.path.join(_D, "krbccache")
MASTER_PASSWORD_REQUIRED = False
USE_OS_SECRET_STORAGE = False
UPGRADE_CHECK_ENABLED = False
"""


class PgAdminError(RuntimeError):
    """pgAdmin could not be installed or a command of it failed; carries what it printed."""


def venv_path() -> Path:
    """$CATALOG_SYNC_PGADMIN_VENV, else $XDG_CACHE_HOME (or ~/.cache)/catalog-sync/pgadmin-venv."""
    explicit = os.environ.get("CATALOG_SYNC_PGADMIN_VENV")
    if explicit:
        return Path(explicit)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "catalog-sync" / "pgadmin-venv"


def _run(cmd: list[str], timeout: float, what: str, env: dict[str, str] | None = None) -> str:
    try:
        done = subprocess.run(cmd, check=False, capture_output=True, text=True,
                              timeout=timeout, env=env)
    except subprocess.TimeoutExpired as err:
        raise PgAdminError(f"{what}: no answer after {timeout:.0f} s") from err
    output = done.stdout + done.stderr
    if done.returncode != 0:
        tail = "\n".join(output.strip().splitlines()[-25:])
        raise PgAdminError(f"{what}: exit code {done.returncode}\n{tail}")
    return output


def ensure_pgadmin(venv: Path | None = None) -> tuple[Path, float]:
    """The virtualenv holding pgAdmin (installed now if missing) and the seconds it took.

    The marker file is written last, under a file lock: a folder without it (an interrupted
    install) is removed and installed again, and two test sessions never install at once.
    """
    venv = venv or venv_path()
    if (venv / _MARKER).is_file():
        return venv, 0.0
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.parent / f".{venv.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (venv / _MARKER).is_file():
            return venv, 0.0
        started = time.monotonic()
        shutil.rmtree(venv, ignore_errors=True)
        python = getattr(sys, "_base_executable", sys.executable)
        _run([python, "-m", "venv", str(venv)], 120, "creating pgAdmin's virtualenv")
        _run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
              "--disable-pip-version-check", "--timeout", "60", "--retries", "3",
              PGADMIN_REQUIREMENT], INSTALL_TIMEOUT_S,
             f"pip install {PGADMIN_REQUIREMENT} into {venv} (needs PyPI)")
        if not (venv / "bin" / "pgadmin4-cli").is_file():
            raise PgAdminError(f"{PGADMIN_REQUIREMENT} installed no pgadmin4-cli in {venv}")
        (venv / _MARKER).write_text(PGADMIN_REQUIREMENT + "\n")
        return venv, time.monotonic() - started


_ADDED = re.compile(r"Added (\d+) Server Group\(s\) and (\d+) Server\(s\)")
_DUMPED = re.compile(r"Configuration for (\d+) servers dumped")


# The administrator `setup-db` creates in server mode (throwaway: this data folder only).
SERVER_MODE_PASSWORD = "catalog-sync-test-only"


@dataclass
class PgAdmin:
    """One headless pgAdmin with its own data directory: desktop mode, or server mode with
    `server_user` (an email) as its administrator."""

    venv: Path
    home: Path
    server_user: str | None = None

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def storage_dir(self) -> Path:
        return self.data_dir / "storage"

    def __post_init__(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        (self.home / "config_local.py").write_text(CONFIG_LOCAL.format(
            data_dir=str(self.data_dir), server_mode=self.server_user is not None))

    def _user(self) -> tuple[str, ...]:
        return ("--user", self.server_user) if self.server_user else ()

    def cli(self, *args: str) -> str:
        """Run `pgadmin4-cli ARGS`; config_local.py is found through PYTHONPATH."""
        env = {k: v for k, v in os.environ.items()
               if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
        env.update(PYTHONPATH=str(self.home), HOME=str(self.home))
        if self.server_user:
            env.update(PGADMIN_SETUP_EMAIL=self.server_user,
                       PGADMIN_SETUP_PASSWORD=SERVER_MODE_PASSWORD)
        return _run([str(self.venv / "bin" / "pgadmin4-cli"), *args], RUN_TIMEOUT_S,
                    f"pgadmin4-cli {args[0]}", env=env)

    def setup_db(self) -> str:
        output = self.cli("setup-db")
        if not (self.data_dir / "pgadmin4.db").is_file():
            raise PgAdminError(f"setup-db created no database:\n{output}")
        return output

    def load_servers(self, servers_json: Path) -> tuple[int, int]:
        """(groups added, servers added), as pgAdmin reports them."""
        output = self.cli("load-servers", str(servers_json), *self._user())
        found = _ADDED.search(output)
        if not found or "does not exist" in output or "Error" in output:
            raise PgAdminError(f"load-servers failed:\n{output}")
        return int(found.group(1)), int(found.group(2))

    def dump_servers(self) -> dict[str, Any]:
        target = self.home / "dumped.json"
        target.unlink(missing_ok=True)
        output = self.cli("dump-servers", str(target), *self._user())
        if not _DUMPED.search(output) or not target.is_file():
            raise PgAdminError(f"dump-servers failed:\n{output}")
        data: dict[str, Any] = json.loads(target.read_text())
        return data
