"""Recipe config of the `catalog-sync-lake` source."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator

from catalog_sync.bindings import OBJECT_TYPES, BindingRootError
from catalog_sync.errors import BadInputError
from catalog_sync.settings import get_settings
from catalog_sync.sources.base import AssetSourceConfig
from catalog_sync.sources.lake.fs import GcsOptions, S3Options


class LakeSourceConfig(AssetSourceConfig):
    """Where the lake is and how to read it."""

    paths: list[str] = Field(
        default_factory=list, description="Local paths or file://, s3://, gs:// URIs."
    )
    binding_root: str | None = Field(
        default=None,
        description="Folder of object-storage service bindings (type s3 or gcs), each a lake "
        "root (its bucket and prefix); default $SERVICE_BINDING_ROOT when `paths` is empty.",
    )
    binding_names: list[str] = Field(
        default_factory=list, description="Only these binding folders (default: all)."
    )
    binding_types: list[str] = Field(
        default_factory=lambda: sorted(OBJECT_TYPES), description="Binding types to read."
    )
    binding_providers: list[str] = Field(
        default_factory=list, description="Only bindings from these providers (default: any)."
    )
    binding_types_by_name: dict[str, str] = Field(
        default_factory=dict,
        description="Types for binding folders without a `type` entry (a Rook/Ceph object "
        "bucket claim's Secret and ConfigMap): {folder: s3}.",
    )
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

    @model_validator(mode="after")
    def _roots_given(self) -> LakeSourceConfig:
        """Fail before anything runs when there is neither a path nor a binding root."""
        unknown = sorted(set(self.binding_types) - OBJECT_TYPES)
        if unknown:
            raise BadInputError(f"binding_types: {unknown[0]!r} is not s3 or gcs")
        if not self.uses_bindings():
            if not self.paths:
                raise BadInputError("paths: at least one path (or a binding_root) is required")
            return self
        root = self.resolved_binding_root()
        if root is None:
            raise BadInputError("binding_root: not set and SERVICE_BINDING_ROOT is empty")
        if not root.is_dir():
            raise BindingRootError(str(root), "not found" if not root.exists() else
                                   "not a folder")
        return self

    def uses_bindings(self) -> bool:
        """Bindings are read when a binding option is set, or when no path is."""
        return bool(self.binding_root or self.binding_names or self.binding_providers
                    or self.binding_types_by_name or not self.paths)

    def resolved_binding_root(self) -> Path | None:
        if self.binding_root:
            return Path(self.binding_root)
        return get_settings().binding_root
