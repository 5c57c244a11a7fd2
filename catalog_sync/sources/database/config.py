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
from catalog_sync.sources.database.instances import (
    BINDING_FIELDS,
    TEMPLATE_FIELDS,
    check_instance,
    template_fields,
)

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
    binding_types_by_name: dict[str, str] = Field(
        default_factory=dict,
        description="Types for binding folders that have no `type` entry (an operator's secret "
        "mounted as a binding, e.g. CloudNativePG's `<cluster>-app`): {folder: type}. A folder's "
        "own `type` still wins.",
    )
    platform_instance_by_name: dict[str, str] = Field(
        default_factory=dict,
        description="DataHub platform instance per binding folder: {folder: instance}; wins "
        "over `platform_instance`, which may be a template such as \"{binding_name}\" "
        "(fields: " + ", ".join(f"{{{f}}}" for f in TEMPLATE_FIELDS) + ").",
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
        fields = template_fields(self.platform_instance) if self.platform_instance else set()
        if self.platform_instance and not fields:
            check_instance(self.platform_instance, "platform_instance")
        for name, instance in self.platform_instance_by_name.items():
            check_instance(instance, f"platform_instance_by_name.{name}")
        if self.url is not None:
            given = [k for k in ("binding_root", "binding_names", "binding_providers",
                                 "binding_types_by_name", "platform_instance_by_name")
                     if getattr(self, k)]
            if given:
                raise BadInputError(f"url: cannot be combined with {given[0]}")
            if fields & BINDING_FIELDS:
                raise BadInputError("platform_instance: a url recipe has no binding to name "
                                    f"({{{min(fields & BINDING_FIELDS)}}})")
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
