"""Object-store locations without a server: URI resolution, S3 settings from the environment, and
the facts, tags and containers of a GCS table (no GCS server runs here; S3 has real tests in
test_s3.py)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.fs as pafs
import pytest

from catalog_sync.emit.containers import container_workunits
from catalog_sync.errors import BadInputError
from catalog_sync.sources.lake.assets import table_asset
from catalog_sync.sources.lake.footer import read_footer
from catalog_sync.sources.lake.fs import GcsOptions, S3Options, resolve_root, s3_filesystem
from catalog_sync.sources.lake.rollup import TableRollup
from catalog_sync.sources.lake.scan import TableFolder
from catalog_sync.tagging import decide_tags, load_tag_set
from tests.conftest import REPO
from tests.support.lake import write_parquet


@pytest.mark.parametrize(
    ("uri", "scheme", "bucket", "path", "platform"),
    [
        ("gs://bkt/pre/fix/", "gs", "bkt", "bkt/pre/fix", "gcs"),
        ("gcs://bkt", "gs", "bkt", "bkt", "gcs"),
        ("s3://bkt/pre", "s3", "bkt", "bkt/pre", "s3"),
        ("s3a://bkt/pre/", "s3", "bkt", "bkt/pre", "s3"),
    ],
)
def test_object_store_uris_resolve(
    uri: str, scheme: str, bucket: str, path: str, platform: str
) -> None:
    root = resolve_root(uri, S3Options(anonymous=True, region="us-east-1"),
                        GcsOptions(anonymous=True))
    assert (root.scheme, root.bucket, root.path, root.platform) == (scheme, bucket, path, platform)
    assert root.uri_of(root.path) == f"{scheme}://{path}"


def test_unknown_scheme_is_bad_input() -> None:
    with pytest.raises(BadInputError, match="unsupported scheme 'hdfs'"):
        resolve_root("hdfs://nn/lake", S3Options(), GcsOptions())


def test_s3_settings_fall_back_to_aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_REGION", "eu-west-3")
    filesystem = s3_filesystem(S3Options(anonymous=True))
    assert filesystem.region == "eu-west-3"
    assert "127.0.0.1:9" in repr(filesystem.__reduce__())
    explicit = s3_filesystem(S3Options(anonymous=True, region="us-east-2",
                                       endpoint_url="http://127.0.0.1:8"))
    assert explicit.region == "us-east-2"
    assert "127.0.0.1:8" in repr(explicit.__reduce__())


def test_gcs_table_is_tagged_gcp_inside_a_gcs_bucket(tmp_path: Path) -> None:
    local = write_parquet(tmp_path, "f.parquet", pa.table({"x": [1, 2]}))
    filesystem = pafs.LocalFileSystem()
    root = resolve_root("gs://media/lake", S3Options(), GcsOptions(anonymous=True))
    rollup = TableRollup()
    rollup.add(read_footer(filesystem, filesystem.get_file_info(local)), ())
    folder = TableFolder(root, "media/lake/images/cifar10", "images/cifar10", [])
    asset = table_asset(folder, rollup, env="PROD", instance=None, profile=True)
    assert (asset.platform, asset.name) == ("gcs", "media/lake/images/cifar10")
    assert asset.location == "gs://media/lake/images/cifar10"
    decision = decide_tags(asset.facts, load_tag_set(REPO / "tags"))
    assert decision.tags == {"data lake", "gcp", "training"}
    assert [(c.kind, c.name) for c in asset.containers] == [
        ("bucket", "media"), ("folder", "lake"), ("folder", "images")
    ]
    subtypes = [
        wu.metadata.aspect.typeNames  # type: ignore[union-attr]
        for wu in container_workunits(asset.containers, platform="gcs", instance=None, env="PROD")
        if wu.metadata.aspectName == "subTypes"  # type: ignore[union-attr]
    ]
    assert subtypes == [["GCS bucket"], ["Folder"], ["Folder"]]
