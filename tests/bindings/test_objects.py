"""Object-storage bindings as operators write them: aliases normalised, Ceph's host and port
joined into an endpoint, and a bad entry refused by name without its value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from catalog_sync.bindings import BindingError, ObjectBinding, read_object_bindings
from catalog_sync.discovery.lake import LakeAccess, LakeDataset
from catalog_sync.discovery.lake_formats import fsspec_options, pyarrow_kwargs
from tests.support.bindings import project_secret, rook_obc, s3_kebab_binding

SECRET = "s3cr3t/value+with=chars"


def _parse(entries: dict[str, str]) -> ObjectBinding:
    return ObjectBinding.parse("b", entries)[0]


@pytest.mark.parametrize("keys", [
    ("access-key-id", "secret-access-key", "endpoint"),
    ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL"),
    ("accessKey", "secretKey", "endpoint"),
])
def test_each_spelling_of_the_keys(keys: tuple[str, str, str]) -> None:
    key, secret, endpoint = keys
    found = _parse({"type": "s3", "bucket": "lake", key: "AK", secret: SECRET,
                    endpoint: "minio.svc:9000"})
    assert found.access_key_id is not None and found.access_key_id.get_secret_value() == "AK"
    assert found.secret_access_key is not None
    assert found.secret_access_key.get_secret_value() == SECRET
    assert found.endpoint == "https://minio.svc:9000"  # no scheme given: https
    assert SECRET not in repr(found)


def test_a_rook_bucket_claim_in_the_data_layout(tmp_path: Path) -> None:
    project_secret(tmp_path, "claim", rook_obc("photos-1a2b", "rgw.rook-ceph.svc", 80, "AK",
                                               SECRET, region="eu"))
    project_secret(tmp_path, "tls", rook_obc("b2", "rgw.example", 443, "AK", SECRET))
    project_secret(tmp_path, "odd", rook_obc("b3", "rgw.example", 8080, "AK", SECRET))
    found = {b.name: b for b in read_object_bindings(
        tmp_path, types_by_name={"claim": "s3", "tls": "s3", "odd": "s3"})}
    assert (found["claim"].bucket, found["claim"].region) == ("photos-1a2b", "eu")
    assert found["claim"].endpoint == "http://rgw.rook-ceph.svc"
    assert found["tls"].endpoint == "https://rgw.example"
    assert found["odd"].endpoint == "http://rgw.example:8080"
    assert found["claim"].uri == "s3://photos-1a2b"


def test_untyped_folders_are_ignored_and_database_ones_filtered_out(tmp_path: Path) -> None:
    project_secret(tmp_path, "claim", rook_obc("b", "h", 80, "AK", SECRET))
    project_secret(tmp_path, "pg", {"type": "postgresql", "host": "db"})
    project_secret(tmp_path, "lake", s3_kebab_binding("b", "http://h", "AK", SECRET))
    assert [b.name for b in read_object_bindings(tmp_path)] == ["lake"]


@pytest.mark.parametrize(("entries", "problem"), [
    ({"type": "s3"}, "no bucket"),
    ({"type": "s3", "bucket": "a/b"}, "entry `bucket` holds a `/`"),
    ({"type": "s3", "BUCKET_NAME": "a", "BUCKET_HOST": "h", "BUCKET_PORT": SECRET},
     "entry `BUCKET_PORT` is not a port"),
    ({"type": "s3", "bucket": "a", "endpoint": "ftp://" + SECRET}, "entry `endpoint`"),
    ({"type": "gcs", "bucket": "a", "service-account-key": SECRET}, "service-account key"),
    ({"type": "azure", "bucket": "a"}, "not an object-storage type"),
])
def test_a_bad_entry_is_named_never_its_value(entries: dict[str, str], problem: str) -> None:
    with pytest.raises(BindingError) as caught:
        _parse(entries)
    assert problem in str(caught.value) and "binding 'b'" in str(caught.value)
    assert SECRET not in str(caught.value)


def test_gcs_key_goes_to_gcsfs_and_a_token_to_pyarrow() -> None:
    key = {"type": "service_account", "client_email": "r@p.iam.gserviceaccount.com",
           "private_key": SECRET}
    live = _parse({"type": "gcs", "bucket": "g", "service-account-key": json.dumps(key),
                   "project-id": "p"})
    dataset = LakeDataset(urn="u", name="g/t", platform="gcs", location="gs://g/t",
                          format="parquet", binding="b", type="gcs")
    access = LakeAccess(dataset, live)
    assert fsspec_options(access, secrets=True) == {"project": "p", "token": key}
    assert "token" not in fsspec_options(access, secrets=False)
    token = _parse({"type": "gcs", "bucket": "g", "access-token": SECRET,
                    "endpoint": "http://127.0.0.1:9023"})
    name, kwargs = pyarrow_kwargs(LakeAccess(dataset, token), secrets=True)
    assert name == "GcsFileSystem" and kwargs["access_token"] == SECRET
    assert kwargs["endpoint_override"] == "127.0.0.1:9023"
    assert "access_token" not in pyarrow_kwargs(LakeAccess(dataset, token), secrets=False)[1]


def test_the_error_names_the_spelling_the_folder_used() -> None:
    with pytest.raises(BindingError, match="entry `AWS_ENDPOINT_URL` is not an http"):
        _parse({"type": "s3", "bucket": "a", "AWS_ENDPOINT_URL": "s3://" + SECRET})
