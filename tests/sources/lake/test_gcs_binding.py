"""A GCS binding on the GCS emulator (loopback): `type: gcs` with a bucket, an endpoint and an
access token is a lake root; its datasets carry the binding, resolve to pyarrow arguments
and open through the client, and the token shows only where credentials may."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.fs as pafs
import pytest
from typer.testing import CliRunner

from catalog_sync.cli.main import app
from catalog_sync.client import open_dataset
from catalog_sync.settings import get_settings
from catalog_sync.store.lite.index import read_entries
from tests.support.bindings import project_secret
from tests.support.gcs import GcsServer
from tests.support.lake import ingest_json, write_parquet, write_recipe

pytestmark = pytest.mark.slow

TOKEN = "ya29.cs-binding-token-Q2mX8"  # the emulator ignores it; the catalog must never hold it


def test_a_gcs_binding_is_a_root_and_resolves(
    workdir: Path, gcs_server: GcsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    gcs_server.create_bucket("media-binding")
    filesystem = gcs_server.filesystem()
    for split, labels in (("train", [1, 2]), ("test", [3])):
        write_parquet("media-binding", f"lake/cifar10/split={split}/f.parquet",
                      pa.table({"label": labels}), filesystem=filesystem)
    root = workdir / "bindings"
    project_secret(root, "gcs-media", {
        "type": "gcs", "provider": "google", "bucket": "media-binding", "prefix": "lake",
        "endpoint": gcs_server.url, "access-token": TOKEN})
    report = ingest_json(write_recipe(workdir / "lake.yml", {"binding_root": str(root)}))
    assert (report["datasets"], report["failures"]) == (1, [])
    (cifar,) = [e for e in read_entries(workdir / "catalog.db") if e.entity_type == "dataset"]
    assert cifar.tags == ["data lake", "gcp", "servicebinding:provider:google",
                          "servicebinding:type:gcs", "training"]
    assert cifar.properties["binding_name"] == "gcs-media"
    assert TOKEN.encode() not in (workdir / "catalog.db").read_bytes()

    monkeypatch.setenv("SERVICE_BINDING_ROOT", str(root))
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["resolve", "--tag", "training", "--format", "pyarrow",
                                      "--one"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["filesystem"] == "GcsFileSystem"
    assert answer["filesystem_kwargs"]["access_token"] == TOKEN  # locally: credentials in
    assert answer["path"] == "media-binding/lake/cifar10"
    kwargs = dict(answer["filesystem_kwargs"])
    kwargs["credential_token_expiration"] = dt.datetime.fromisoformat(
        kwargs["credential_token_expiration"])
    direct = ds.dataset(answer["path"], filesystem=pafs.GcsFileSystem(**kwargs),
                        partitioning=answer["partitioning"])
    assert sorted(direct.to_table()["label"].to_pylist()) == [1, 2, 3]
    table = open_dataset(tags=["training"]).to_table()
    assert sorted(zip(table["label"].to_pylist(), table["split"].to_pylist(), strict=True)) \
        == [(1, "train"), (2, "train"), (3, "test")]
