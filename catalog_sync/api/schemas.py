"""Response models of the discovery API (they are also its OpenAPI schema)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from catalog_sync.store import CatalogEntry


class BindingRefOut(BaseModel):
    """Which service binding reaches an asset (names only, never secrets)."""

    name: str
    type: str | None = None
    provider: str | None = None


def binding_ref(properties: dict[str, str]) -> BindingRefOut | None:
    name = properties.get("binding_name")
    if not name:
        return None
    return BindingRefOut(name=name, type=properties.get("binding_type"),
                         provider=properties.get("binding_provider"))


class AssetSummary(BaseModel):
    urn: str
    type: str = Field(description="dataset or container")
    name: str
    platform: str
    subtypes: list[str]
    tags: list[str]
    binding: BindingRefOut | None = None

    @classmethod
    def of(cls, entry: CatalogEntry) -> AssetSummary:
        return cls(urn=entry.urn, type=entry.entity_type, name=entry.name,
                   platform=entry.platform, subtypes=entry.subtypes, tags=entry.tags,
                   binding=binding_ref(entry.properties))


class AssetPageOut(BaseModel):
    total: int
    offset: int
    limit: int = Field(description="page size used (requests above the cap are capped)")
    items: list[AssetSummary]


class TagCountOut(BaseModel):
    name: str
    count: int


class BindingCoordinates(BaseModel):
    """Which binding, and where it points (never a secret)."""

    binding: str
    type: str
    provider: str | None = None
    host: str | None = None
    port: int | None = None
    database: str | None = None


class ConnectionOut(BindingCoordinates):
    """A resolved connection; `password` only for tokens with `bindings:secrets`."""

    user: str | None = None
    sslmode: str | None = None
    password: str | None = None
    password_included: bool = Field(description="false: `password` is absent, see the reason")
    password_omitted_reason: str | None = Field(
        default=None, description="`scope bindings:secrets required`, `binding has no "
        "password`, or no binding root on the server; null when the password is included")


class LakeDatasetOut(BaseModel):
    """How to read one lake dataset, in the asked format's shape (json, pyarrow or fsspec);
    credentials in `storage_options`, `filesystem_kwargs` or `storage_options` only for
    tokens with `bindings:secrets`."""

    urn: str
    name: str
    location: str
    format: str = Field(description="parquet, delta or iceberg")
    partition_keys: list[str]
    binding: BindingRefOut | None = None
    storage_options: dict[str, Any] | None = None
    credentials_included: bool | None = None
    credentials_omitted_reason: str | None = None
    filesystem: str | None = Field(default=None, description="pyarrow.fs class (pyarrow)")
    filesystem_kwargs: dict[str, Any] | None = None
    path: str | None = None
    partitioning: str | None = None
    url: str | None = Field(default=None, description="fsspec URL (fsspec)")


class LakeAnswerOut(BaseModel):
    """Every lake dataset the tags land on (without `one`)."""

    datasets: list[LakeDatasetOut]


class CandidateOut(BindingCoordinates):
    """A binding considered by a resolution, with how many matching assets name it."""

    assets: int


class ResolveErrorOut(BaseModel):
    """Not exactly one binding matched: the candidates that were considered."""

    detail: str
    candidates: list[CandidateOut]


class ErrorOut(BaseModel):
    detail: Any


class HealthOut(BaseModel):
    status: str
    checks: dict[str, str] = Field(default_factory=dict)
