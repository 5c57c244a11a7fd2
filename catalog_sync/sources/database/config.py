"""Recipe config of the `catalog-sync-database` source: bindings or one URL, and filters."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from datahub.configuration.common import AllowDenyPattern
from pydantic import Field, SecretStr, model_validator

from catalog_sync.bindings import BindingRootError
from catalog_sync.errors import BadInputError
from catalog_sync.settings import get_settings
from catalog_sync.sources.base import AssetSourceConfig

DATABASE_TYPES = ["postgresql", "greenplum"]


class DatabaseSourceConfig(AssetSourceConfig):
    """Which databases to read (service bindings, or one SQLAlchemy URL) and what to keep."""

    binding_root: str | None = Field(
        default=None,
        description="Folder of service bindings; default $SERVICE_BINDING_ROOT. Ignored with `url`.",
    )
    binding_names: list[str] = Field(
        default_factory=list, description="Only these binding folders (default: all)."
    )
    binding_types: list[str] = Field(
        default_factory=lambda: list(DATABASE_TYPES),
        description="Binding types to read; `postgres` and `postgresql` are one type.",
    )
    binding_providers: list[str] = Field(
        default_factory=list, description="Only bindings from these providers (default: any)."
    )
    url: SecretStr | None = Field(
        default=None,
        description="One SQLAlchemy URL instead of bindings; put the password in ${VAR}.",
    )
    platform: Literal["auto", "postgres", "greenplum"] = Field(
        default="auto",
        description="DataHub platform; `auto` is `greenplum` when version() says Greenplum or "
        "Cloudberry, else `postgres`. Only the name: the queries always follow version().",
    )
    schema_pattern: AllowDenyPattern = Field(
        default_factory=AllowDenyPattern.allow_all,
        description="Regex allow/deny on schema names (as in DataHub's postgres source).",
    )
    table_pattern: AllowDenyPattern = Field(
        default_factory=AllowDenyPattern.allow_all,
        description="Regex allow/deny on `schema.table`.",
    )
    include_views: bool = Field(default=True, description="Views and materialized views.")
    table_sizes: bool = Field(
        default=True,
        description="Record size on disk (pg_total_relation_size). On a large Greenplum cluster "
        "each call asks every segment: turn off if the relations query is slow.",
    )
    connect_timeout: int = Field(
        default=10, ge=1, le=300, description="Seconds to wait for a connection."
    )
    query_timeout: int = Field(
        default=600, ge=0, description="statement_timeout in seconds for each catalog query; 0 = none."
    )

    @model_validator(mode="after")
    def _binding_root_exists(self) -> DatabaseSourceConfig:
        """Fail before anything runs when neither a URL nor a readable binding root is given,
        or when both a URL and binding options are (one would silently win)."""
        if self.url is not None:
            given = [k for k in ("binding_root", "binding_names", "binding_providers")
                     if getattr(self, k)]
            if given:
                raise BadInputError(f"url: cannot be combined with {given[0]}")
            return self
        root = self.resolved_binding_root()
        if root is None:
            raise BadInputError("binding_root: not set and SERVICE_BINDING_ROOT is empty")
        if not root.exists():
            raise BindingRootError(str(root), "not found")
        if not root.is_dir():
            raise BindingRootError(str(root), "not a folder")
        return self

    def resolved_binding_root(self) -> Path | None:
        if self.binding_root:
            return Path(self.binding_root)
        return get_settings().binding_root
