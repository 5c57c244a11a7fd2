"""A GCS server for tests: PyPI's gcp-storage-emulator (the GCS JSON API) on loopback.

Started on a free port for the session, in memory, with no authentication: pyarrow's
`GcsFileSystem(endpoint_override=..., scheme="http")` talks to it, anonymous or with a token
(which the emulator ignores, so tests can check a token never leaks).
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyarrow.fs as pafs
import pytest

from tests.support.postgres import free_port

START_TIMEOUT = 30.0


@dataclass(frozen=True)
class GcsServer:
    endpoint: str  # host:port

    @property
    def url(self) -> str:
        return f"http://{self.endpoint}"

    def filesystem(self) -> pafs.GcsFileSystem:
        return pafs.GcsFileSystem(endpoint_override=self.endpoint, scheme="http", anonymous=True,
                                  retry_time_limit=dt.timedelta(seconds=5))

    def create_bucket(self, name: str) -> None:
        request = urllib.request.Request(
            f"{self.url}/storage/v1/b?project=test", data=f'{{"name": "{name}"}}'.encode(),
            headers={"Content-Type": "application/json"}, method="POST",
        )
        urllib.request.urlopen(request, timeout=10).close()


def _emulator() -> str:
    beside = Path(sys.executable).parent / "gcp-storage-emulator"
    found = str(beside) if beside.exists() else shutil.which("gcp-storage-emulator")
    if not found:
        raise RuntimeError("gcp-storage-emulator not found: pip install gcp-storage-emulator")
    return found


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=1).close()
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False
    return True


@contextmanager
def gcs_emulator() -> Iterator[GcsServer]:
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="cs-gcs-"))
    log = (workdir / "gcs.log").open("wb")
    process = subprocess.Popen(
        [_emulator(), "start", "--host", "127.0.0.1", "--port", str(port), "--in-memory", "-q"],
        stdout=log, stderr=subprocess.STDOUT, cwd=workdir,
    )
    server = GcsServer(f"127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _answers(f"{server.url}/storage/v1/b?project=test"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gcp-storage-emulator did not start:\n"
                                   + (workdir / "gcs.log").read_text(errors="replace")[-2000:])
            time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def gcs_server() -> Iterator[GcsServer]:
    """A GCS emulator for the whole session (started on first use)."""
    with gcs_emulator() as server:
        yield server
