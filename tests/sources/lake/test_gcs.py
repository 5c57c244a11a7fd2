"""The lake on GCS for real: `gs://` paths read through pyarrow's GcsFileSystem from a GCS
emulator on loopback (PyPI `gcp-storage-emulator`), with URIs, tables, tags, containers, and
an access token that never reaches the catalog, a sink, the report or the logs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

from catalog_sync.store.lite.index import read_entries
from tests.support.gcs import GcsServer
from tests.support.lake import write_parquet, write_recipe
from tests.support.sink_file import file_records
from tests.sync.conftest import CLI

pytestmark = pytest.mark.slow

TOKEN = "ya29.cs-test-token-9fJ2kQ7xWm"  # the emulator ignores it; nothing may show it


def test_a_gcs_lake_is_catalogued_and_the_token_never_leaks(
    workdir: Path, gcs_server: GcsServer
) -> None:
    gcs_server.create_bucket("media")
    filesystem = gcs_server.filesystem()
    write_parquet("media", "lake/images/cifar10/split=train/f.parquet",
                  pa.table({"label": [1, 2, 3]}), filesystem=filesystem)
    write_parquet("media", "lake/images/cifar10/split=test/f.parquet",
                  pa.table({"label": [4]}), filesystem=filesystem)
    write_parquet("media", "lake/features/users/f.parquet",
                  pa.table({"id": [1, 2]}), filesystem=filesystem)
    config = {"paths": ["gs://media/lake"],
              "gcs": {"endpoint_url": gcs_server.url, "access_token": TOKEN}}
    out = workdir / "out.json"
    for recipe in (write_recipe(workdir / "lake.yml", config),
                   write_recipe(workdir / "file.yml", config,
                                sink={"type": "file", "config": {"filename": str(out)}})):
        run = subprocess.run([sys.executable, "-c", CLI, "--debug", "ingest", str(recipe),
                              "--json"], cwd=workdir, capture_output=True, timeout=300)
        assert run.returncode == 0, run.stderr.decode()[-3000:]
        report = json.loads(run.stdout)
        assert (report["datasets"], report["files"], report["rows"]) == (2, 3, 6)
        assert report["warnings"] == [] and report["failures"] == []
        for text in (run.stdout, run.stderr):
            assert TOKEN.encode() not in text
    entries = {e.name: e for e in read_entries(workdir / "catalog.db")}
    cifar = entries["media/lake/images/cifar10"]
    assert cifar.urn == "urn:li:dataset:(urn:li:dataPlatform:gcs,media/lake/images/cifar10,PROD)"
    assert cifar.properties["location"] == "gs://media/lake/images/cifar10"
    assert (cifar.properties["row_count"], cifar.properties["partition_keys"]) == ("4", "split")
    assert cifar.tags == ["data lake", "gcp", "training"]
    bucket = entries["media"]
    assert (bucket.entity_type, bucket.subtypes) == ("container", ["GCS bucket"])
    urns = {r["entityUrn"] for r in file_records(out)}
    assert "urn:li:dataset:(urn:li:dataPlatform:gcs,media/lake/features/users,PROD)" in urns
    for written in workdir.rglob("*"):  # catalog, state, footer caches, the file sink
        if written.is_file() and written.suffix != ".yml":
            assert TOKEN.encode() not in written.read_bytes(), written
