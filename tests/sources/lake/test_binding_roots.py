"""Lake roots from object-storage bindings on a real S3 server (SeaweedFS on loopback): the
bindings in Kubernetes' `..data` layout, their aliases, their tags and properties, and a bad
binding failing alone, by name, without removing anything or echoing a secret."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

from catalog_sync.store.lite.index import read_entries
from tests.support.bindings import project_secret, rook_obc, s3_kebab_binding
from tests.support.lake import ingest, ingest_json, write_parquet, write_recipe
from tests.support.s3 import S3Server

pytestmark = pytest.mark.slow


def _lake(server: S3Server, bucket: str) -> None:
    filesystem = server.filesystem()
    filesystem.create_dir(bucket)
    write_parquet(bucket, "warehouse/cifar10/split=train/f.parquet",
                  pa.table({"label": [1, 2]}), filesystem=filesystem)
    write_parquet(bucket, "warehouse/sales/f.parquet", pa.table({"amount": [1.5]}),
                  filesystem=filesystem)


def _bindings(root: Path, server: S3Server, suffix: str) -> None:
    host, port = server.endpoint.split(":")
    project_secret(root, "lake-minio", s3_kebab_binding(
        f"minio-{suffix}", server.url, server.access_key, server.secret_key,
        prefix="warehouse"))
    project_secret(root, "lake-obc", rook_obc(
        f"obc-{suffix}", host, int(port), server.access_key, server.secret_key))


def _recipe(workdir: Path, root: Path) -> Path:
    return write_recipe(workdir / "lake.yml", {
        "binding_root": str(root), "binding_types_by_name": {"lake-obc": "s3"},
        "stateful_ingestion": {"enabled": True},
    })


def test_each_binding_is_a_root_with_its_tags_and_no_secret(
    workdir: Path, s3_server: S3Server
) -> None:
    for bucket in ("minio-a", "obc-a"):
        _lake(s3_server, bucket)
    root = workdir / "bindings"
    _bindings(root, s3_server, "a")
    report = ingest_json(_recipe(workdir, root))
    assert (report["datasets"], report["failures"]) == (4, [])
    entries = {e.name: e for e in read_entries(workdir / "catalog.db")
               if e.entity_type == "dataset"}
    assert set(entries) == {"minio-a/warehouse/cifar10", "minio-a/warehouse/sales",
                            "obc-a/warehouse/cifar10", "obc-a/warehouse/sales"}
    cifar = entries["minio-a/warehouse/cifar10"]
    assert cifar.tags == ["aws", "data lake", "servicebinding:provider:minio",
                          "servicebinding:type:s3", "training"]
    assert (cifar.properties["binding_name"], cifar.properties["binding_type"],
            cifar.properties["binding_provider"]) == ("lake-minio", "s3", "minio")
    assert cifar.properties["endpoint"] == s3_server.url
    obc = entries["obc-a/warehouse/sales"]
    assert obc.properties["binding_name"] == "lake-obc"
    assert obc.properties["endpoint"] == s3_server.url  # BUCKET_HOST + BUCKET_PORT
    assert "servicebinding:type:s3" in obc.tags
    assert not any(t.startswith("servicebinding:provider:") for t in obc.tags)
    data = (workdir / "catalog.db").read_bytes()
    assert s3_server.secret_key.encode() not in data
    assert s3_server.access_key.encode() not in data


@pytest.mark.parametrize("fault", ["no-bucket", "wrong-keys", "unreachable"])
def test_a_bad_binding_fails_by_name_and_removes_nothing(
    workdir: Path, s3_server: S3Server, fault: str
) -> None:
    suffix = f"b{['no-bucket', 'wrong-keys', 'unreachable'].index(fault)}"
    for bucket in (f"minio-{suffix}", f"obc-{suffix}"):
        _lake(s3_server, bucket)
    root = workdir / "bindings"
    _bindings(root, s3_server, suffix)
    recipe = _recipe(workdir, root)
    ingest_json(recipe)
    before = {e.urn for e in read_entries(workdir / "catalog.db")}

    shutil.rmtree(root / "lake-minio")
    good = s3_kebab_binding(f"minio-{suffix}", s3_server.url, s3_server.access_key,
                            s3_server.secret_key, prefix="warehouse")
    wrong_secret = "wrong-" + s3_server.secret_key
    if fault == "no-bucket":
        del good["bucket"]
    elif fault == "wrong-keys":
        good["secret-access-key"] = wrong_secret
    else:
        good["endpoint"] = "http://127.0.0.1:9"  # discard port: nothing listens
    project_secret(root, "lake-minio", good)
    result = ingest(str(recipe), "--json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    failures = [f for f in report["failures"] if f["title"] == "Binding not read"]
    assert len(failures) == 1 and "lake-minio" in json.dumps(failures)
    assert report["datasets"] == 2  # the Rook binding's tables, read again
    after = read_entries(workdir / "catalog.db")
    assert {e.urn for e in after} == before
    assert not any(e.removed for e in after)
    for text in (result.output, (workdir / "catalog.db").read_bytes().decode("latin-1")):
        assert s3_server.secret_key not in text and wrong_secret not in text


def test_the_object_storage_secret_key_leaks_nowhere(workdir: Path, s3_server: S3Server
                                                     ) -> None:
    """The leak scan for object-storage bindings: ingest through a good and a bad binding in a
    child process with debug logging, into the catalog and a file sink; then the catalog,
    the sink, every file written beside them, the report, the logs and the errors hold
    neither the secret key (nor the wrong one) nor the access key id."""
    _lake(s3_server, "leak-a")
    root = workdir / "bindings"
    project_secret(root, "good", s3_kebab_binding("leak-a", s3_server.url, s3_server.access_key,
                                                  s3_server.secret_key, prefix="warehouse"))
    wrong = "wrong-" + s3_server.secret_key
    project_secret(root, "bad", s3_kebab_binding("leak-a", s3_server.url, s3_server.access_key,
                                                 wrong))
    out = workdir / "sink.json"
    runs = []
    for sink in (None, {"type": "file", "config": {"filename": str(out)}}):
        recipe = write_recipe(workdir / "leak.yml", {"binding_root": str(root)}, sink=sink)
        runs.append(subprocess.run(
            [str(Path(sys.executable).parent / "catalog-sync"), "--debug", "ingest",
             str(recipe), "--json"], check=False, capture_output=True, cwd=workdir,
            timeout=300))
    for run in runs:
        assert run.returncode == 1, run.stderr.decode()[-2000:]
        assert b"DEBUG" in run.stderr and b"Binding not read" in run.stdout
        assert json.loads(run.stdout)["datasets"] == 2
    texts = [run.stdout for run in runs] + [run.stderr for run in runs]
    texts += [f.read_bytes() for f in workdir.rglob("*")
              if f.is_file() and "bindings" not in f.parts and f.suffix != ".yml"]
    assert out.is_file() and (workdir / "catalog.db").is_file()
    for secret in (s3_server.secret_key, wrong, s3_server.access_key):
        hits = [i for i, text in enumerate(texts) if secret.encode() in text]
        assert hits == [], f"{secret[:6]}... found in texts {hits}"
