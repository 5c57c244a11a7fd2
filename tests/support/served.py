"""`catalog-sync serve` as a real process on a free local port, for tests that need real HTTP
(the client, `--api` CLI calls, a browser)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.support.postgres import free_port


@dataclass
class Served:
    """The server's base URL; `log` is its whole output once it has stopped."""

    url: str
    log: str = ""


@contextmanager
def serving(env: dict[str, str] | None = None, startup_seconds: float = 60) -> Iterator[Served]:
    """Start `catalog-sync serve` with this process's environment (plus `env`), wait for
    `/healthz`, stop it afterwards; the test fails if it never answers."""
    port = free_port()
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "catalog-sync"), "serve", "--port", str(port)],
        env={**os.environ, **(env or {})}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True,
    )
    served = Served(f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + startup_seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{served.url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail(f"server did not start: {proc.communicate()[0]}")
    try:
        yield served
    finally:
        proc.terminate()
        served.log = proc.communicate(timeout=20)[0]
