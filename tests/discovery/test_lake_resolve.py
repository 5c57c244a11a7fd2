"""Lake datasets resolved through their object-storage binding, against a real S3 server
(SeaweedFS on loopback): a binding in Kubernetes' `..data` layout, ingest through it, every
format, each one used by the library it is for, and the secret key never shown without
`bindings:secrets`."""

from __future__ import annotations

import importlib.metadata
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.fs as pafs
import pytest
from deltalake import write_deltalake
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from catalog_sync.api.main import create_app
from catalog_sync.auth import TokenStore
from catalog_sync.bindings import read_object_bindings
from catalog_sync.cli.main import app
from catalog_sync.client import ApiError, CatalogClient, open_dataset
from catalog_sync.discovery import NoMatchError
from catalog_sync.settings import get_settings
from tests.support.bindings import project_secret, s3_kebab_binding
from tests.support.lake import ingest_json, write_parquet, write_recipe
from tests.support.s3 import S3Server, s3_server

__all__ = ["s3_server"]
pytestmark = pytest.mark.slow

TRAIN = pa.table({"label": [1, 2, 3], "split": ["train"] * 3})
TEST = pa.table({"label": [4], "split": ["test"]})
TAGS = ["training", "data lake"]


@dataclass
class Lake:
    workdir: Path
    server: S3Server
    bucket: str
    root: Path
    api: TestClient
    tokens: dict[str, str]

    def client(self, token: str) -> CatalogClient:
        return CatalogClient(token=self.tokens[token], http=self.api)


def _write(server: S3Server, bucket: str) -> None:
    filesystem = server.filesystem()
    filesystem.create_dir(bucket)
    for part in (TRAIN, TEST):
        split = part["split"][0].as_py()
        write_parquet(bucket, f"images/cifar10/split={split}/part-0.parquet",
                      part.drop_columns(["split"]), filesystem=filesystem)
    options = {"AWS_ENDPOINT_URL": server.url, "AWS_ACCESS_KEY_ID": server.access_key,
               "AWS_SECRET_ACCESS_KEY": server.secret_key, "AWS_REGION": server.region,
               "AWS_ALLOW_HTTP": "true", "AWS_S3_ALLOW_UNSAFE_RENAME": "true"}
    uri = f"s3://{bucket}/features/embeddings"
    write_deltalake(uri, pa.table({"id": [1, 2], "v": [0.1, 0.2]}), storage_options=options)
    # Overwritten: the first version's file stays in the folder but is no longer live.
    write_deltalake(uri, pa.table({"id": [7], "v": [0.7]}), mode="overwrite",
                    storage_options=options)


@pytest.fixture
def lake(workdir: Path, s3_server: S3Server, monkeypatch: pytest.MonkeyPatch
         ) -> Iterator[Lake]:
    bucket = f"train-{workdir.name[-8:].lower().replace('_', '-')}"
    _write(s3_server, bucket)
    root = workdir / "bindings"
    project_secret(root, "lake-train", s3_kebab_binding(
        bucket, s3_server.url, s3_server.access_key, s3_server.secret_key))
    report = ingest_json(write_recipe(workdir / "lake.yml", {
        "binding_root": str(root),
        "tag_rules": [{"name": "embeddings-serve", "match": {"path": "*/embeddings"},
                       "add": ["inference"]}],
    }))
    assert report["datasets"] == 2 and report["failures"] == []
    monkeypatch.setenv("SERVICE_BINDING_ROOT", str(root))
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(var, raising=False)
    get_settings.cache_clear()
    store = TokenStore(get_settings().tokens_path)
    tokens = {"read": store.create(["catalog:read"], "reader")[1],
              "secrets": store.create(["catalog:read", "bindings:secrets"], "pipeline")[1]}
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        yield Lake(workdir, s3_server, bucket, root, client, tokens)


def _cli(*args: str) -> str:
    result = CliRunner().invoke(app, ["resolve", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def _rows(dataset: ds.Dataset) -> list[dict[str, object]]:
    return sorted(dataset.to_table().to_pylist(), key=lambda r: r["label"])


EXPECTED = [{"label": 1, "split": "train"}, {"label": 2, "split": "train"},
            {"label": 3, "split": "train"}, {"label": 4, "split": "test"}]


def test_json_lists_each_dataset_with_location_format_keys_and_binding(lake: Lake) -> None:
    answer = json.loads(_cli("--tag", "data lake", "--format", "json"))
    by_name = {d["name"]: d for d in answer["datasets"]}
    cifar = by_name[f"{lake.bucket}/images/cifar10"]
    assert cifar["location"] == f"s3://{lake.bucket}/images/cifar10"
    assert (cifar["format"], cifar["partition_keys"]) == ("parquet", ["split"])
    assert cifar["binding"] == {"name": "lake-train", "type": "s3", "provider": "minio"}
    assert cifar["storage_options"]["endpoint"] == lake.server.url
    assert cifar["storage_options"]["secret_access_key"] == lake.server.secret_key
    assert by_name[f"{lake.bucket}/features/embeddings"]["format"] == "delta"
    one = json.loads(_cli("--tag", "training", "--tag", "data lake", "--one"))
    assert one["urn"] == cifar["urn"]


def test_one_refuses_several_and_names_them(lake: Lake) -> None:
    result = CliRunner().invoke(app, ["resolve", "--tag", "data lake", "--one"])
    assert result.exit_code == 1
    assert "2 lake datasets match" in result.output and "embeddings" in result.output


def test_pyarrow_answer_opens_the_rows_written(lake: Lake) -> None:
    answer = json.loads(_cli("--tag", "training", "--format", "pyarrow", "--one"))
    filesystem = getattr(pafs, answer["filesystem"])(**answer["filesystem_kwargs"])
    dataset = ds.dataset(answer["path"], filesystem=filesystem, format="parquet",
                         partitioning=answer["partitioning"])
    assert _rows(dataset) == EXPECTED


def test_fsspec_options_work_in_pandas(lake: Lake) -> None:
    pandas = pytest.importorskip("pandas")  # in the test extra; optional for users
    answer = json.loads(_cli("--tag", "training", "--format", "fsspec", "--one"))
    frame = pandas.read_parquet(answer["url"], storage_options=answer["storage_options"])
    assert sorted(frame["label"].tolist()) == [1, 2, 3, 4]
    assert sorted(set(frame["split"].astype(str))) == ["test", "train"]


def _httpfs() -> str:
    files = importlib.metadata.files("duckdb-ext-httpfs") or []
    found = [f for f in files if f.name == "httpfs.duckdb_extension"]
    assert len(found) == 1, found
    return str(found[0].locate())


def test_duckdb_statement_runs_against_the_server(lake: Lake) -> None:
    import duckdb

    script = _cli("--tag", "training", "--format", "duckdb", "--one")
    assert "hive_partitioning = true" in script and "CREATE OR REPLACE SECRET" in script
    con = duckdb.connect()
    con.execute(f"LOAD '{_httpfs()}'")
    lines = [line for line in script.splitlines() if line and not line.startswith("--")]
    (secret,) = [line for line in lines if line.startswith("CREATE")]
    (query,) = [line.rstrip(";") for line in lines if line.startswith("SELECT")]
    con.execute(secret)
    rows = sorted(con.execute(f"SELECT label, split FROM ({query})").fetchall())
    assert rows == [(1, "train"), (2, "train"), (3, "train"), (4, "test")]


def test_env_lines(lake: Lake) -> None:
    text = _cli("--tag", "training", "--format", "env")
    assert f"AWS_ENDPOINT_URL={lake.server.url}" in text
    assert f"AWS_ACCESS_KEY_ID={lake.server.access_key}" in text
    assert f"# {lake.bucket}/images/cifar10: s3://{lake.bucket}/images/cifar10" in text


def test_open_dataset_locally_and_through_the_api(lake: Lake) -> None:
    assert _rows(open_dataset(tags=TAGS)) == EXPECTED
    with lake.client("secrets") as client:
        assert _rows(client.open_dataset(tags=TAGS)) == EXPECTED


def test_open_delta_reads_only_live_files(lake: Lake) -> None:
    folder = f"{lake.bucket}/features/embeddings"
    listed = lake.server.filesystem().get_file_info(pafs.FileSelector(folder))
    assert len([f for f in listed if f.path.endswith(".parquet")]) == 2  # one is dead
    assert open_dataset(tags=["inference"]).to_table().to_pylist() == [{"id": 7, "v": 0.7}]
    with lake.client("secrets") as client:
        table = client.open_dataset(tags=["inference", "data lake"]).to_table()
    assert table.to_pylist() == [{"id": 7, "v": 0.7}]


@pytest.mark.parametrize("fmt", ["json", "pyarrow", "fsspec", "duckdb", "env"])
def test_a_token_without_bindings_secrets_never_sees_the_keys(lake: Lake, fmt: str) -> None:
    for tags in (["data lake"], ["training"]):
        params = [("tag", t) for t in tags] + [("format", fmt)]
        plain = lake.api.get("/v1/resolve", params=params,
                             headers={"Authorization": f"Bearer {lake.tokens['read']}"})
        assert plain.status_code == 200, plain.text
        assert plain.headers["X-Resolved-Kind"] == "lake"
        assert lake.server.secret_key not in plain.text
        assert lake.server.access_key not in plain.text
        assert lake.server.endpoint in plain.text  # the endpoint is not a secret
        full = lake.api.get("/v1/resolve", params=params,
                            headers={"Authorization": f"Bearer {lake.tokens['secrets']}"})
        assert full.status_code == 200 and lake.server.secret_key in full.text
    if fmt == "json":
        item = plain.json()["datasets"][0]
        assert item["credentials_included"] is False
        assert item["credentials_omitted_reason"] == "scope bindings:secrets required"


def test_open_dataset_without_the_scope_has_no_credentials(lake: Lake) -> None:
    with lake.client("read") as client, pytest.raises(Exception) as caught:
        client.open_dataset(tags=TAGS).to_table()
    assert lake.server.secret_key not in str(caught.value)


def test_project_binding_writes_an_object_storage_folder(lake: Lake) -> None:
    target = lake.workdir / "projected"
    result = CliRunner().invoke(app, ["project-binding", "--to", str(target), "--tag",
                                      "training"])
    assert result.exit_code == 0, result.output
    (read,) = read_object_bindings(lake.workdir, names={"projected"})
    assert (read.type, read.bucket, read.prefix) == ("s3", lake.bucket, "images/cifar10")
    assert read.endpoint == lake.server.url
    assert read.secret_access_key is not None
    assert read.secret_access_key.get_secret_value() == lake.server.secret_key
    assert (target / "secret-access-key").stat().st_mode & 0o777 == 0o600


def test_open_dataset_on_a_database_asset_names_it(
    lake: Lake, monkeypatch: pytest.MonkeyPatch
) -> None:
    from catalog_sync.bindings import Binding
    from tests.support.backends import Backend
    from tests.support.catalog import database_assets, write_catalog

    binding = Binding(name="pg-x", type="postgresql", host="pg", port=5432, database="db")
    _, assets = database_assets(binding, ["public.features"], role="inference")
    write_catalog(Backend("lite", lake.workdir / "catalog.db"), assets)
    with pytest.raises(NoMatchError) as caught:
        open_dataset(tags=["servicebinding:type:postgresql"])
    message = str(caught.value)
    assert "public.features" in message and "database binding 'pg-x'" in message
    assert "not a lake dataset" in message
    with lake.client("read") as client, pytest.raises(NoMatchError) as via_api:
        client.open_dataset(tags=["servicebinding:type:postgresql"])
    assert "not a lake dataset" in str(via_api.value)


def test_a_pipeline_naming_itself_is_recorded(lake: Lake) -> None:
    from catalog_sync.store import open_store

    token = TokenStore(get_settings().tokens_path).create(
        ["catalog:read", "bindings:secrets", "usage:write"], "trainer")[1]
    _cli("--tag", "training", "--one", "--as", "vision/train")
    with lake.client("secrets") as client, pytest.raises(ApiError) as refused:
        client.open_dataset(tags=TAGS, pipeline="vision/other")  # no usage:write
    assert refused.value.status == 403
    with CatalogClient(token=token, http=TestClient(lake.api.app)) as client:
        assert _rows(client.open_dataset(tags=TAGS, pipeline="vision.eval")) == EXPECTED
    store = open_store(get_settings())
    cifar = json.loads(_cli("--tag", "training", "--one"))["urn"]
    assert [u.pipeline for u in store.usage_of(cifar)] == ["vision/eval", "vision/train"]


def test_tags_on_both_kinds_ask_for_a_kind_and_connection_means_database(lake: Lake) -> None:
    """`training` lands on the lake dataset and on a database: json resolution is ambiguous
    (409, naming both), `--type database` / `--type lake` pick the kind, and the client's
    `connection()` (a database's, by definition) resolves the binding."""
    from catalog_sync.bindings import Binding
    from catalog_sync.discovery import AmbiguousMatchError
    from tests.support.backends import Backend
    from tests.support.bindings import bitnami_service_binding
    from tests.support.catalog import database_assets, write_catalog

    project_secret(lake.root, "pg-train", bitnami_service_binding(
        "pg-train", "trainer", "pw-train", "features", host="pg.internal"))
    binding = Binding(name="pg-train", type="postgresql", host="pg.internal", port=5432,
                      database="features")
    _, assets = database_assets(binding, ["public.samples"], role="training")
    write_catalog(Backend("lite", lake.workdir / "catalog.db"), assets)
    with lake.client("secrets") as client:
        with pytest.raises(AmbiguousMatchError) as caught:
            client.resolve(tags=["training"])
        assert "lake datasets" in str(caught.value) and "database bindings" in str(caught.value)
        assert client.connection(tags=["training"]).binding == "pg-train"
        by_kind = client.resolve(tags=["training"], type="database")
        assert isinstance(by_kind, dict) and by_kind["binding"] == "pg-train"
        lake_answer = client.resolve(tags=["training"], type="lake")
        assert isinstance(lake_answer, dict)
        assert [d["binding"]["name"] for d in lake_answer["datasets"]] == ["lake-train"]
    assert "pg-train" in _cli("--tag", "training", "--type", "database", "--no-password")
