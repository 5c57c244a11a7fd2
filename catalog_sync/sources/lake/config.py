"""Recipe config of the `catalog-sync-lake` source."""

from __future__ import annotations

from pydantic import Field, field_validator

from catalog_sync.sources.base import AssetSourceConfig
from catalog_sync.sources.lake.fs import GcsOptions, S3Options


class LakeSourceConfig(AssetSourceConfig):
    """Where the lake is and how to read it."""

    paths: list[str] = Field(description="Local paths or file://, s3://, gs:// URIs.")
    include: list[str] = Field(
        default_factory=lambda: ["*"], description="Globs on table paths relative to a root."
    )
    exclude: list[str] = Field(default_factory=list)
    s3: S3Options = Field(default_factory=S3Options)
    gcs: GcsOptions = Field(default_factory=GcsOptions)
    read_concurrency: int = Field(
        default=16, ge=1, le=256, description="Object-store footer tails fetched at once (threads)."
    )
    read_processes: int = Field(
        default=0, ge=0, le=64,
        description="Worker processes parsing footers; 0 = one per CPU (at most 8).",
    )
    profile: bool = Field(
        default=True, description="Emit datasetProfile from footer statistics (no data read)."
    )
    incremental: bool = Field(
        default=True,
        description="Read only files whose size or modification time changed since the last run.",
    )
    footer_cache: str | None = Field(
        default=None,
        description="SQLite file of footer facts; default beside the catalog or file sink.",
    )

    @field_validator("paths")
    @classmethod
    def _not_empty(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("at least one path is required")
        return value
