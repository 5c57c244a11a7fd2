"""Lake locations -> pyarrow filesystems (local, S3, GCS). Credentials stay in memory only."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from urllib.parse import urlparse

import pyarrow.fs as pafs
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from catalog_sync.errors import BadInputError

PLATFORM_BY_SCHEME = {"file": "file", "s3": "s3", "gs": "gcs"}


class S3Options(BaseModel):
    """S3 settings; each unset value falls back to the usual AWS environment variables."""

    model_config = ConfigDict(extra="forbid")

    endpoint_url: str | None = Field(default=None, description="e.g. http://127.0.0.1:8333")
    region: str | None = None
    access_key_id: SecretStr | None = None
    secret_access_key: SecretStr | None = None
    session_token: SecretStr | None = None
    anonymous: bool = False


class GcsOptions(BaseModel):
    """GCS settings; unset means the default Google credentials chain."""

    model_config = ConfigDict(extra="forbid")

    endpoint_url: str | None = None
    project_id: str | None = None
    anonymous: bool = False
    access_token: SecretStr | None = Field(
        default=None, description="An OAuth2 access token (else the default credentials chain)."
    )
    retry_seconds: float = Field(
        default=60, gt=0, description="How long a failing GCS call is retried (pyarrow: 15 min)."
    )


@dataclass(frozen=True, slots=True)
class LakeRoot:
    """One configured lake path, resolved: the filesystem and the path inside it."""

    uri: str
    scheme: str
    bucket: str | None
    path: str
    filesystem: pafs.FileSystem
    # The object-storage binding the root comes from: its non-secret coordinates
    # (`ObjectBinding.coordinates()`), recorded on every dataset under it.
    binding: tuple[tuple[str, str], ...] = ()

    @property
    def platform(self) -> str:
        return PLATFORM_BY_SCHEME[self.scheme]

    def uri_of(self, path: str) -> str:
        """The location URI of a path inside this filesystem (no credentials, ever)."""
        return f"file://{path}" if self.scheme == "file" else f"{self.scheme}://{path}"


def _secret(value: SecretStr | None, env: str) -> str | None:
    return value.get_secret_value() if value is not None else os.environ.get(env)


def s3_settings(options: S3Options) -> dict[str, str]:
    """The recipe's S3 options with the AWS environment filled in: `endpoint` (scheme://host),
    `region`, `access_key`, `secret_key`, `session_token`, `anonymous` ("true"); unset left out.
    One resolution for pyarrow, delta-rs and pyiceberg alike."""
    settings: dict[str, str] = {}
    endpoint = options.endpoint_url or os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get(
        "AWS_ENDPOINT_URL"
    )
    if endpoint:
        settings["endpoint"] = endpoint if "://" in endpoint else f"https://{endpoint}"
    region = options.region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if region:
        settings["region"] = region
    if options.anonymous:
        settings["anonymous"] = "true"
        return settings
    key = _secret(options.access_key_id, "AWS_ACCESS_KEY_ID")
    secret = _secret(options.secret_access_key, "AWS_SECRET_ACCESS_KEY")
    token = _secret(options.session_token, "AWS_SESSION_TOKEN")
    if key and secret:
        settings.update(access_key=key, secret_key=secret)
        if token:
            settings["session_token"] = token
    return settings


def s3_filesystem(options: S3Options) -> pafs.S3FileSystem:
    settings = s3_settings(options)
    kwargs: dict[str, object] = {}
    if "endpoint" in settings:
        parsed = urlparse(settings["endpoint"])
        kwargs["endpoint_override"] = parsed.netloc
        kwargs["scheme"] = parsed.scheme
    if "region" in settings:
        kwargs["region"] = settings["region"]
    if "anonymous" in settings:
        kwargs["anonymous"] = True
    for key in ("access_key", "secret_key", "session_token"):
        if key in settings:
            kwargs[key] = settings[key]
    return pafs.S3FileSystem(**kwargs)


def gcs_filesystem(options: GcsOptions) -> pafs.GcsFileSystem:
    kwargs: dict[str, object] = {
        "anonymous": options.anonymous,
        "retry_time_limit": dt.timedelta(seconds=options.retry_seconds),
    }
    if options.endpoint_url:
        parsed = urlparse(options.endpoint_url)
        kwargs.update(endpoint_override=parsed.netloc, scheme=parsed.scheme)
    if options.project_id:
        kwargs["project_id"] = options.project_id
    if options.access_token is not None and not options.anonymous:
        kwargs["access_token"] = options.access_token.get_secret_value()
        # pyarrow wants an expiry with a token; the token's own lifetime is the server's affair.
        kwargs["credential_token_expiration"] = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    return pafs.GcsFileSystem(**kwargs)


def resolve_root(uri: str, s3: S3Options, gcs: GcsOptions) -> LakeRoot:
    """A local path, `file://`, `s3://` or `gs://` URI as a `LakeRoot`; unknown schemes are bad
    input. Whether the path exists is checked by the caller, with the filesystem."""
    parsed = urlparse(uri)
    scheme = parsed.scheme or "file"
    if scheme == "file":
        local = os.path.abspath(os.path.expanduser(parsed.path if parsed.scheme else uri))
        return LakeRoot(uri, "file", None, local.rstrip("/") or "/", pafs.LocalFileSystem())
    if scheme in ("s3", "s3a"):
        path = f"{parsed.netloc}{parsed.path}".rstrip("/")
        return LakeRoot(uri, "s3", parsed.netloc, path, s3_filesystem(s3))
    if scheme in ("gs", "gcs"):
        path = f"{parsed.netloc}{parsed.path}".rstrip("/")
        return LakeRoot(uri, "gs", parsed.netloc, path, gcs_filesystem(gcs))
    raise BadInputError(f"paths: unsupported scheme {scheme!r} in {uri!r} (use file, s3 or gs)")
