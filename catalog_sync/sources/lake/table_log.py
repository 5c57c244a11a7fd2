"""Open table formats found inside the lake: what a Delta log or Iceberg metadata says is live.

A Delta or Iceberg folder also holds files its log removed (or no snapshot references); only
the live ones count. Each format's reader (`delta.py`, `iceberg.py`) turns the table's own
metadata into a `TableLog`: the live data files with their partition values and record
counts, the schema, and the properties the catalog records. The footers of the live files are
then read like any other parquet file's (row groups, codecs, statistics).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import unquote, urlparse

import pyarrow as pa
import pyarrow.fs as pafs

from catalog_sync.sources.lake.fs import GcsOptions, LakeRoot, S3Options, s3_settings


@dataclass(frozen=True, slots=True)
class LiveFile:
    """A data file of the current snapshot."""

    info: pafs.FileInfo
    partition: tuple[tuple[str, str], ...] = ()  # values as text; null as Hive's null
    records: int | None = None  # from the log's statistics, when it has them


@dataclass(slots=True)
class TableLog:
    """A table as its log or metadata describes it now."""

    format: str  # "delta" | "iceberg"
    subtype: str  # DataHub subtype: "Delta Table" | "Iceberg Table"
    files: list[LiveFile]
    schema: pa.Schema
    partition_keys: tuple[str, ...] = ()
    properties: dict[str, str] = field(default_factory=dict)
    native_types: dict[str, str] = field(default_factory=dict)  # column -> the format's type
    field_ids: dict[str, int] = field(default_factory=dict)  # column path -> Iceberg field id


class TableLogError(Exception):
    """The table's log or metadata cannot be read; `reason` says why (no secret in it)."""

    def __init__(self, table_format: str, reason: str) -> None:
        self.table_format = table_format
        self.reason = reason
        super().__init__(f"{table_format} metadata unreadable: {reason}")


@dataclass(frozen=True, slots=True)
class StoreOptions:
    """The recipe's storage options, handed to delta-rs and pyiceberg in their own terms."""

    s3: S3Options
    gcs: GcsOptions

    def secrets(self) -> list[str]:
        """Every secret value, so that a library's message can be scrubbed of it."""
        settings = s3_settings(self.s3)
        found = [settings.get(k, "") for k in ("access_key", "secret_key", "session_token")]
        if self.gcs.access_token is not None:
            found.append(self.gcs.access_token.get_secret_value())
        return [s for s in found if s]

    def delta(self, scheme: str) -> dict[str, str]:
        """delta-rs `storage_options` (object_store's keys)."""
        if scheme != "s3":
            return {}
        settings = s3_settings(self.s3)
        options = {"AWS_EC2_METADATA_DISABLED": "true"}
        names = {"endpoint": "AWS_ENDPOINT_URL", "region": "AWS_REGION",
                 "access_key": "AWS_ACCESS_KEY_ID", "secret_key": "AWS_SECRET_ACCESS_KEY",
                 "session_token": "AWS_SESSION_TOKEN"}
        options.update({names[k]: v for k, v in settings.items() if k in names})
        if settings.get("endpoint", "").startswith("http://"):
            options["AWS_ALLOW_HTTP"] = "true"
        if "anonymous" in settings:
            options["AWS_SKIP_SIGNATURE"] = "true"
        return options

    def iceberg(self, scheme: str) -> dict[str, str]:
        """pyiceberg FileIO properties."""
        if scheme == "gs":
            properties = {}
            if self.gcs.endpoint_url:
                properties["gcs.endpoint"] = self.gcs.endpoint_url
            if self.gcs.access_token is not None:
                properties["gcs.oauth2.token"] = self.gcs.access_token.get_secret_value()
            return properties
        if scheme != "s3":
            return {}
        settings = s3_settings(self.s3)
        names = {"endpoint": "s3.endpoint", "region": "s3.region",
                 "access_key": "s3.access-key-id", "secret_key": "s3.secret-access-key",
                 "session_token": "s3.session-token"}
        properties = {names[k]: v for k, v in settings.items() if k in names}
        if "anonymous" in settings:
            properties["s3.anonymous"] = "true"
        return properties

    def scrub(self, text: str) -> str:
        for secret in self.secrets():
            text = text.replace(secret, "***")
        return text.splitlines()[0][:300] if text else text


def table_uri(root: LakeRoot, path: str) -> str:
    """The URI a table library opens: a local path, or `s3://bucket/key` / `gs://...`."""
    return path if root.scheme == "file" else f"{root.scheme}://{path}"


def filesystem_path(root: LakeRoot, table_path: str, location: str) -> str:
    """A data file's path in the lake's filesystem, from a path relative to the table folder
    (Delta's, URL-encoded) or an absolute location (Iceberg's, kept as written)."""
    if "://" not in location:
        return f"{table_path}/{unquote(location)}"
    parsed = urlparse(location)
    return parsed.path if parsed.scheme == "file" else f"{parsed.netloc}{parsed.path}"
