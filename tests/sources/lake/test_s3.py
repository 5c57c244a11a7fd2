"""The lake on a real S3 server (SeaweedFS on loopback): endpoint and credentials from the recipe
or from AWS_* variables, the `aws` tag, the bucket container, and secrets nowhere in the output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

from catalog_sync.store import CatalogEntry
from catalog_sync.store.lite.index import read_entries
from tests.support.lake import ingest, ingest_json, write_parquet, write_recipe
from tests.support.s3 import S3Server
from tests.support.sink_file import file_records

pytestmark = pytest.mark.slow

TABLES = {
    "warehouse/images/cifar10/split=train/f.parquet": pa.table({"label": [1, 2, 3]}),
    "warehouse/images/cifar10/split=test/f.parquet": pa.table({"label": [4]}),
    "warehouse/sales/region=eu/f.parquet": pa.table({"amount": [1.5, 2.5]}),
    "warehouse/flat/f.parquet": pa.table({"id": [1]}),
}
AWS_VARS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION",
            "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_PROFILE")


def _write_lake(server: S3Server, bucket: str) -> None:
    filesystem = server.filesystem()
    filesystem.create_dir(bucket)
    for key, table in TABLES.items():
        write_parquet(bucket, key, table, filesystem=filesystem)


def _s3_config(server: S3Server) -> dict[str, str]:
    return {"endpoint_url": server.url, "region": server.region,
            "access_key_id": server.access_key, "secret_access_key": server.secret_key}


@pytest.fixture
def no_aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in AWS_VARS:
        monkeypatch.delenv(var, raising=False)


def _entries(catalog: Path) -> dict[str, CatalogEntry]:
    return {e.name: e for e in read_entries(catalog)}


def _check_catalog(catalog: Path, bucket: str) -> None:
    entries = _entries(catalog)
    datasets = {n for n, e in entries.items() if e.entity_type == "dataset"}
    prefix = f"{bucket}/warehouse"
    assert datasets == {f"{prefix}/images/cifar10", f"{prefix}/sales", f"{prefix}/flat"}
    cifar = entries[f"{prefix}/images/cifar10"]
    assert cifar.platform == "s3"
    assert cifar.urn == f"urn:li:dataset:(urn:li:dataPlatform:s3,{prefix}/images/cifar10,PROD)"
    assert cifar.tags == ["aws", "data lake", "training"]
    assert entries[f"{prefix}/flat"].tags == ["aws", "data lake"]
    assert cifar.properties["location"] == f"s3://{prefix}/images/cifar10"
    assert (cifar.properties["row_count"], cifar.properties["file_count"]) == ("4", "2")
    bucket_entry = entries[bucket]
    assert (bucket_entry.entity_type, bucket_entry.subtypes) == ("container", ["S3 bucket"])
    assert bucket_entry.properties["bucket_name"] == bucket
    assert bucket_entry.container is None
    by_urn = {e.urn: e for e in entries.values()}
    chain = []
    parent = cifar.container
    while parent:
        chain.append(by_urn[parent].name)
        parent = by_urn[parent].container
    assert chain == ["images", "warehouse", bucket]


def _assert_no_secrets(server: S3Server, *texts: str | bytes) -> None:
    for text in texts:
        data = text.encode() if isinstance(text, str) else text
        assert server.secret_key.encode() not in data
        assert server.access_key.encode() not in data


def test_s3_lake_with_credentials_from_the_recipe(
    workdir: Path, s3_server: S3Server, no_aws_env: None
) -> None:
    _write_lake(s3_server, "lake-recipe")
    config = {"paths": ["s3://lake-recipe/warehouse"], "s3": _s3_config(s3_server)}
    report = ingest_json(write_recipe(workdir / "lake.yml", config))
    assert (report["datasets"], report["files"], report["rows"]) == (3, 4, 7)
    assert report["warnings"] == [] and report["failures"] == []
    _check_catalog(workdir / "catalog.db", "lake-recipe")

    out = workdir / "out.json"
    recipe = write_recipe(workdir / "file.yml", config,
                          sink={"type": "file", "config": {"filename": str(out)}})
    # The real CLI in a child process, debug logging on, so every log line is captured.
    run = subprocess.run(
        [str(Path(sys.executable).parent / "catalog-sync"), "--debug", "ingest", str(recipe),
         "--json"], check=False, capture_output=True, cwd=workdir, timeout=300,
    )
    assert run.returncode == 0, run.stderr.decode()[-3000:]
    assert b"DEBUG" in run.stderr  # debug logging really was on
    assert json.loads(run.stdout)["datasets"] == 3
    urns = {r["entityUrn"] for r in file_records(out)}
    assert "urn:li:dataset:(urn:li:dataPlatform:s3,lake-recipe/warehouse/flat,PROD)" in urns
    _assert_no_secrets(s3_server, (workdir / "catalog.db").read_bytes(), out.read_bytes(),
                       run.stdout, run.stderr)
    for side_file in workdir.rglob("*"):  # state, footer caches, anything written beside
        if side_file.is_file() and side_file.suffix not in (".yml",):
            _assert_no_secrets(s3_server, side_file.read_bytes())


def test_s3_lake_with_credentials_from_aws_env(
    workdir: Path, s3_server: S3Server, monkeypatch: pytest.MonkeyPatch, no_aws_env: None
) -> None:
    _write_lake(s3_server, "lake-env")
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_server.url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", s3_server.access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", s3_server.secret_key)
    monkeypatch.setenv("AWS_REGION", s3_server.region)
    result = ingest(str(write_recipe(workdir / "lake.yml", {"paths": ["s3://lake-env/warehouse"]})),
                    "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["datasets"] == 3
    _check_catalog(workdir / "catalog.db", "lake-env")
    _assert_no_secrets(s3_server, (workdir / "catalog.db").read_bytes(), result.output)


def test_wrong_s3_credentials_are_bad_input_without_the_secret(
    workdir: Path, s3_server: S3Server, no_aws_env: None
) -> None:
    _write_lake(s3_server, "lake-denied")
    wrong = {**_s3_config(s3_server), "secret_access_key": "wrong-" + s3_server.secret_key[6:]}
    recipe = write_recipe(workdir / "lake.yml",
                          {"paths": ["s3://lake-denied/warehouse"], "s3": wrong})
    result = ingest(str(recipe))
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "paths[0]: cannot reach 's3://lake-denied/warehouse'" in lines[0]
    assert wrong["secret_access_key"] not in result.output
    assert not (workdir / "catalog.db").exists()
