"""No file can end a run: encrypted files are recognised, a worker that dies costs the one file
it was reading, and footer workers never outlive (nor lock the catalog after) a killed run.

The crashing and the busy worker are real processes of a real `catalog-sync ingest` child
process. A `sitecustomize` module on that child's PYTHONPATH installs an audit hook (Python's
public `sys.addaudithook`) in the footer worker processes only: opening a file named
`crash-*` aborts the worker (SIGABRT, as a crash inside pyarrow's C++ does), opening one named
`slow-*` first marks the worker busy and then sleeps.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pyarrow.parquet.encryption as pqe
import pytest

from tests.support.lake import aspect, file_dataset_urn, ingest, write_parquet, write_recipe
from tests.sync.conftest import CLI

GOOD = pa.table({"id": list(range(10)), "name": [f"n{i}" for i in range(10)]})

HOOK = '''
import multiprocessing, os, sys, time

def _hook(event, args):
    if event != "open" or multiprocessing.parent_process() is None:
        return
    name = os.path.basename(str(args[0]))
    if name.startswith("crash-"):
        os.abort()
    if name.startswith("slow-"):
        with open(os.path.join(os.environ["BUSY_DIR"], str(os.getpid())), "w"):
            pass
        time.sleep(60)

sys.addaudithook(_hook)
'''


class _Kms(pqe.KmsClient):  # type: ignore[misc]
    """A key service that "wraps" keys in base64: enough to write real encrypted files."""

    def __init__(self, _config: pqe.KmsConnectionConfig) -> None:
        super().__init__()

    def wrap_key(self, key_bytes: bytes, master_key_identifier: str) -> bytes:
        return base64.b64encode(key_bytes)

    def unwrap_key(self, wrapped_key: bytes, master_key_identifier: str) -> bytes:
        return base64.b64decode(wrapped_key)


def _write_encrypted(path: Path, plaintext_footer: bool) -> None:
    config = pqe.EncryptionConfiguration(
        footer_key="footer", column_keys={"column": ["id"]},
        plaintext_footer=plaintext_footer, double_wrapping=False,
    )
    properties = pqe.CryptoFactory(_Kms).file_encryption_properties(
        pqe.KmsConnectionConfig(), config
    )
    with pq.ParquetWriter(path, GOOD.schema, encryption_properties=properties) as writer:
        writer.write_table(GOOD)


def _child_env(workdir: Path, busy: Path | None = None) -> dict[str, str]:
    hooks = workdir / "hooks"
    hooks.mkdir(exist_ok=True)
    (hooks / "sitecustomize.py").write_text(HOOK)
    env = dict(os.environ, PYTHONPATH=str(hooks))
    if busy is not None:
        env["BUSY_DIR"] = str(busy)
    return env


def test_encrypted_files_are_warnings_and_their_table_is_ingested(workdir: Path) -> None:
    table = workdir / "lake" / "people"
    write_parquet(table, "good.parquet", GOOD)
    _write_encrypted(table / "columns-encrypted.parquet", plaintext_footer=True)
    _write_encrypted(table / "footer-encrypted.parquet", plaintext_footer=False)
    assert (table / "footer-encrypted.parquet").read_bytes()[-4:] == b"PARE"
    result = ingest(str(write_recipe(workdir / "r.yml", {"paths": [str(workdir / "lake")]})),
                    "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    warned = {c: w for w in report["warnings"] for c in w["context"].split("; ")}
    assert set(warned) == {f"file://{table}/columns-encrypted.parquet",
                           f"file://{table}/footer-encrypted.parquet"}
    assert {w["title"] for w in warned.values()} == {"Encrypted parquet file"}
    assert (report["datasets"], report["files"], report["rows"]) == (1, 1, 10)


@pytest.mark.slow
def test_a_worker_that_dies_costs_only_the_file_it_was_reading(workdir: Path) -> None:
    lake = workdir / "lake"
    for index in range(150):  # several chunks in flight when the worker dies
        name = "crash-0.parquet" if index == 77 else f"part-{index:03d}.parquet"
        write_parquet(lake, f"big/{name}", GOOD)
    write_parquet(lake, "other/f.parquet", GOOD)
    recipe = write_recipe(workdir / "r.yml", {"paths": [str(lake)], "read_processes": 2})
    run = subprocess.run([sys.executable, "-c", CLI, "ingest", str(recipe), "--json"],
                         cwd=workdir, env=_child_env(workdir), capture_output=True, timeout=300)
    assert run.returncode == 0, run.stderr.decode()[-3000:]
    report = json.loads(run.stdout)
    assert [(w["title"], w["context"]) for w in report["warnings"]] == [
        ("Footer reader crashed", f"file://{lake}/big/crash-0.parquet")
    ]
    assert report["failures"] == []
    assert (report["datasets"], report["files"], report["rows"]) == (2, 150, 1500)
    props = aspect(workdir / "catalog.db", file_dataset_urn(lake / "big"),
                   "datasetProperties")["customProperties"]
    assert (props["file_count"], props["row_count"], props["unreadable_files"]) == (
        "149", "1490", "1"
    )


def _descendants(pid: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    found, todo = set(), [pid]
    while todo:
        current = todo.pop()
        children = {child for child, parent in parents.items() if parent == current}
        found |= children
        todo.extend(children)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
def test_killing_the_run_ends_its_workers_and_frees_the_catalog(workdir: Path) -> None:
    lake = workdir / "lake"
    for index in range(150):  # three chunks: both workers get one
        write_parquet(lake, f"t/slow-{index:03d}.parquet", GOOD)
    busy = workdir / "busy"
    busy.mkdir()
    recipe = write_recipe(workdir / "r.yml", {"paths": [str(lake)], "read_processes": 2})
    process = subprocess.Popen([sys.executable, "-c", CLI, "ingest", str(recipe)], cwd=workdir,
                               env=_child_env(workdir, busy), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while len(list(busy.iterdir())) < 2:  # both workers inside a footer read
            assert process.poll() is None, "the run ended before its workers were busy"
            assert time.monotonic() < deadline, "the workers never got busy"
            time.sleep(0.05)
        workers = {int(p.name) for p in busy.iterdir()}
        assert workers <= _descendants(process.pid)
        lock = workdir / "catalog.db.lock"
        for worker in workers:  # no worker shares the run lock's open file
            fds = Path(f"/proc/{worker}/fd")
            assert not any(os.path.realpath(fd) == str(lock) for fd in fds.iterdir())
    finally:
        os.kill(process.pid, signal.SIGKILL)  # the main process only
        process.wait(30)
    started = time.monotonic()
    again = ingest(str(recipe), "--json")  # no --wait: refused at once if the lock were held
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["rows"] == 1500
    assert time.monotonic() - started < 30
    deadline = time.monotonic() + 5
    while any(_alive(worker) for worker in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(worker) for worker in workers), "footer workers outlived the run"
