"""Object-storage bindings (`type: s3` or `gcs`): an operator's entries -> one typed record.

Operators name the same thing differently. Rook/Ceph and NooBaa object bucket claims project
a ConfigMap (`BUCKET_HOST`, `BUCKET_PORT`, `BUCKET_NAME`, `BUCKET_REGION`) and a Secret
(`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`), and no `type`; MinIO-style bindings write
`endpoint`, `bucket`, `accessKey` / `secretKey`; the servicebinding.io convention is kebab
case (`access-key-id`, `secret-access-key`). The first name found in `ALIASES` order wins.
A GCS binding carries a service-account key (JSON) or an OAuth2 access token.
Nothing here puts a value into a message.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from pydantic import SecretStr

from catalog_sync.bindings.folder import BindingError

OBJECT_TYPES = frozenset({"s3", "gcs"})
_TYPE_ALIASES = {"gs": "gcs", "minio": "s3", "ceph": "s3"}

ALIASES: dict[str, tuple[str, ...]] = {
    "bucket": ("bucket", "bucket-name", "BUCKET_NAME", "bucketName"),
    "prefix": ("prefix", "path", "BUCKET_PREFIX"),
    "endpoint": ("endpoint", "endpoint-url", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3",
                 "endpointUrl"),
    "host": ("BUCKET_HOST", "host"),
    "port": ("BUCKET_PORT", "port"),
    "region": ("region", "AWS_REGION", "AWS_DEFAULT_REGION", "BUCKET_REGION"),
    "access_key_id": ("access-key-id", "AWS_ACCESS_KEY_ID", "accessKey", "accesskey",
                      "access-key"),
    "secret_access_key": ("secret-access-key", "AWS_SECRET_ACCESS_KEY", "secretKey",
                          "secretkey", "secret-key"),
    "session_token": ("session-token", "AWS_SESSION_TOKEN"),
    "service_account_key": ("service-account-key", "key.json", "credentials.json",
                            "service_account.json", "private-key"),
    "access_token": ("access-token",),
    "project_id": ("project-id", "project_id", "GOOGLE_CLOUD_PROJECT"),
}
# Every entry an object-storage binding is read for; anything else is never opened.
OBJECT_ENTRIES = frozenset(
    {"type", "provider", *(name for names in ALIASES.values() for name in names)}
)
SECRET_FIELDS = ("access_key_id", "secret_access_key", "session_token", "service_account_key",
                 "access_token")


def object_type(value: str) -> str:
    """`S3` -> `s3`, `gs` -> `gcs`; others lower-cased."""
    lowered = value.strip().lower()
    return _TYPE_ALIASES.get(lowered, lowered)


def _named(entries: dict[str, str], key: str) -> tuple[str, str] | None:
    """The first of `key`'s spellings the folder has: (entry name, value)."""
    for name in ALIASES[key]:
        if entries.get(name):
            return name, entries[name]
    return None


def _first(entries: dict[str, str], key: str) -> str | None:
    found = _named(entries, key)
    return found[1] if found else None


def _endpoint(name: str, entries: dict[str, str]) -> str | None:
    """`endpoint` as given (scheme added: https), else Ceph's `BUCKET_HOST` + `BUCKET_PORT`
    (http unless the port is 443: a claim's in-cluster gateway speaks plain HTTP)."""
    named = _named(entries, "endpoint")
    if named:
        entry, given = named
        url = given if "://" in given else f"https://{given}"
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise BindingError(name, f"entry `{entry}` is not an http(s) URL or host")
        return url.rstrip("/")
    host = _first(entries, "host")
    if not host:
        return None
    named_port = _named(entries, "port")
    port = named_port[1] if named_port else None
    if named_port and not (named_port[1].isdigit() and 0 < int(named_port[1]) < 65536):
        raise BindingError(name, f"entry `{named_port[0]}` is not a port number (1-65535)")
    scheme = "https" if port == "443" else "http"
    return f"{scheme}://{host}" + (f":{port}" if port and port not in ("80", "443") else "")


def _secret(entries: dict[str, str], key: str) -> SecretStr | None:
    value = _first(entries, key)
    return SecretStr(value) if value else None


@dataclass(frozen=True, slots=True)
class ObjectBinding:
    """A bucket (and optional prefix) and how to reach it; credentials stay `SecretStr`."""

    name: str
    type: str  # "s3" | "gcs"
    bucket: str
    provider: str | None = None
    prefix: str = ""
    endpoint: str | None = None
    region: str | None = None
    project_id: str | None = None
    access_key_id: SecretStr | None = field(default=None, repr=False)
    secret_access_key: SecretStr | None = field(default=None, repr=False)
    session_token: SecretStr | None = field(default=None, repr=False)
    service_account_key: SecretStr | None = field(default=None, repr=False)
    access_token: SecretStr | None = field(default=None, repr=False)

    @classmethod
    def parse(cls, name: str, entries: dict[str, str]) -> tuple[ObjectBinding, list[str]]:
        """From a binding folder's entries (`type` given); BindingError names the entry at
        fault. The second value (disagreements) is always empty: aliases are ranked."""
        kind = object_type(entries["type"])
        if kind not in OBJECT_TYPES:
            raise BindingError(name, f"type {kind!r} is not an object-storage type (s3, gcs)")
        bucket = _first(entries, "bucket")
        if not bucket:
            raise BindingError(name, "no bucket (entries `bucket` or `BUCKET_NAME`)")
        if "/" in bucket.strip("/"):
            raise BindingError(name, "entry `bucket` holds a `/`; put the rest in `prefix`")
        key = _secret(entries, "service_account_key")
        if key is not None:
            try:
                parsed = json.loads(key.get_secret_value())
            except ValueError:
                parsed = None
            if not isinstance(parsed, dict) or "client_email" not in parsed:
                raise BindingError(name, "the service-account key is not a key JSON object")
        binding = cls(
            name=name, type=kind, bucket=bucket.strip("/"),
            provider=(entries.get("provider") or "").strip() or None,
            prefix=(_first(entries, "prefix") or "").strip("/"),
            endpoint=_endpoint(name, entries), region=_first(entries, "region"),
            project_id=_first(entries, "project_id"),
            access_key_id=_secret(entries, "access_key_id"),
            secret_access_key=_secret(entries, "secret_access_key"),
            session_token=_secret(entries, "session_token"),
            service_account_key=key, access_token=_secret(entries, "access_token"),
        )
        return binding, []

    @property
    def scheme(self) -> str:
        return "s3" if self.type == "s3" else "gs"

    @property
    def uri(self) -> str:
        """The root this binding gives: `s3://bucket/prefix` (no credentials, ever)."""
        return f"{self.scheme}://{self.bucket}" + (f"/{self.prefix}" if self.prefix else "")

    def coordinates(self) -> dict[str, str]:
        """Non-secret facts, safe for the catalog: name, type, provider, endpoint, region."""
        facts = {
            "binding_name": self.name, "binding_type": self.type,
            "binding_provider": self.provider, "endpoint": self.endpoint,
            "region": self.region,
        }
        return {k: v for k, v in facts.items() if v}

    def secrets(self) -> list[str]:
        """Every secret value, to scrub a library's message of it."""
        found = [getattr(self, f) for f in SECRET_FIELDS]
        return [s.get_secret_value() for s in found if s is not None and s.get_secret_value()]
