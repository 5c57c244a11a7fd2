"""No secret leaves the binding store: every database recipe, into every sink, with debug logging,
and not one byte of output (catalog, sink file, state, stdout, stderr, JSON report) holds it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from tests.sources.database.conftest import PASSWORD, entries_for, write_binding

CLI = Path(sys.executable).parent / "catalog-sync"
REFUSED = "Refused-pw-catalog-sync-83hd"


def _with_sink(source: Path, target: Path, sink: str, workdir: Path) -> Path:
    recipe = yaml.safe_load(source.read_text())
    if sink == "file":
        recipe["sink"] = {"type": "file", "config": {"filename": str(workdir / f"{target.stem}.json")}}
    target.write_text(yaml.safe_dump(recipe))
    return target


@pytest.mark.slow
def test_password_never_reaches_any_output(workdir: Path, password_pg: str) -> None:
    """Uses `password_pg`, a server that really checks the password, so the secret is used."""
    root = workdir / "bindings"
    port = sa.make_url(password_pg).port
    write_binding(root, "training-gp", entries_for(password_pg, "greenplum", password=PASSWORD),
                  k8s=True)
    write_binding(root, "inference-pg", {
        "type": "postgresql",
        "uri": f"postgresql://postgres:{PASSWORD}@127.0.0.1:{port}/postgres?sslmode=disable",
    })
    write_binding(root, "refused", entries_for(password_pg, "postgresql", password=REFUSED))
    (workdir / "recipes" / "url.yml").write_text(
        "source:\n  type: catalog-sync-database\n  config:\n    url: ${FEATURES_URL}\n"
    )
    env = dict(os.environ, SERVICE_BINDING_ROOT=str(root),
               FEATURES_URL=password_pg.replace("+psycopg2", ""))
    expected_exit = {"training": 0, "inference": 1, "url": 0}  # `refused` fails inference
    outputs: list[bytes] = []
    runs = 0
    for name, code in expected_exit.items():
        for sink in ("lite", "file"):
            recipe = _with_sink(workdir / "recipes" / f"{name}.yml",
                                workdir / f"run-{name}-{sink}.yml", sink, workdir)
            done = subprocess.run([str(CLI), "--debug", "ingest", str(recipe), "--json"],
                                  env=env, cwd=workdir, capture_output=True, timeout=300,
                                  check=False)
            assert done.returncode == code, done.stderr.decode()[-2000:]
            # One table each; for inference it comes from the uri-only binding.
            assert b'"datasets": 1,' in done.stdout
            outputs += [done.stdout, done.stderr]
            runs += 1
    assert runs == 6
    assert any(b"DEBUG" in out for out in outputs)  # debug logging really was on
    assert b"password authentication failed" in b"".join(outputs)
    written = [p for p in workdir.rglob("*") if p.is_file() and root not in p.parents]
    assert (workdir / "catalog.db").is_file() and (workdir / "run-training-file.json").is_file()
    for blob in [*outputs, *(p.read_bytes() for p in written)]:
        assert PASSWORD.encode() not in blob
        assert REFUSED.encode() not in blob
