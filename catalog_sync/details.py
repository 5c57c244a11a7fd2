"""Everything the catalog knows about one asset, in one model: what `catalog-sync assets show`
prints and `/v1/assets/{urn}` returns (the same object, so the two never drift apart).

Built from a catalog reader's `CatalogEntry` and the DataHub aspects it carries (`aspects`:
`schemaMetadata`, `datasetProfile`, `upstreamLineage`, `viewProperties`, in DataHub's JSON);
whatever a backend does not hold is simply absent. It is a superset of the earlier detail
shape (`tags` as names, `fields` with path/native_type/nullable/description).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from catalog_sync.emit.tags import added_by, tag_name
from catalog_sync.store import CatalogEntry

if TYPE_CHECKING:
    from catalog_sync.usage.aspects import PipelineUse


class FieldDetail(BaseModel):
    path: str
    native_type: str | None = None
    nullable: bool | None = None
    description: str | None = None
    default: str | None = Field(default=None, description="column default, when recorded")
    primary_key: bool = False
    partition_key: bool = False


class ForeignKeyDetail(BaseModel):
    name: str
    columns: list[str]
    target: str = Field(description="URN of the referenced dataset")
    target_columns: list[str]


class ColumnProfile(BaseModel):
    path: str
    null_count: int | None = None
    null_proportion: float | None = None
    min: str | None = None
    max: str | None = None


class ProfileDetail(BaseModel):
    rows: int | None = None
    columns: int | None = None
    size_bytes: int | None = None
    timestamp_ms: int | None = None
    fields: list[ColumnProfile] = Field(default_factory=list)


class TagDetail(BaseModel):
    name: str
    added_by: str | None = Field(description="`catalog-sync` (a rule), `manual` (a steward), "
                                 "or null (DataHub's UI or another tool)")
    rule: str | None = None


class BindingDetail(BaseModel):
    """The service binding that reaches the asset: names and coordinates, never a secret."""

    name: str
    type: str | None = None
    provider: str | None = None
    host: str | None = None
    port: int | None = None
    database: str | None = None
    sslmode: str | None = None


class UpstreamDetail(BaseModel):
    dataset: str
    type: str | None = None


class ViewDetail(BaseModel):
    definition: str
    language: str | None = None
    materialized: bool = False


class ReadByDetail(BaseModel):
    """A pipeline recorded as reading the dataset (usage recording), and its last read."""

    pipeline: str
    job: str = Field(description="the pipeline's DataHub dataJob URN")
    last_read_ms: int

    def last_read_utc(self) -> str:
        """The last read as `YYYY-MM-DD HH:MM` UTC (the CLI and the web page show it so)."""
        return f"{dt.datetime.fromtimestamp(self.last_read_ms / 1000, dt.UTC):%Y-%m-%d %H:%M}"


class AssetDetails(BaseModel):
    urn: str
    type: str = Field(description="dataset or container")
    name: str
    platform: str
    subtypes: list[str]
    tags: list[str]
    description: str | None = None
    container: str | None = None
    binding: BindingDetail | None = None
    tag_associations: list[TagDetail] = Field(default_factory=list)
    properties: dict[str, str]
    fields: list[FieldDetail]
    primary_keys: list[str] = Field(default_factory=list)
    foreign_keys: list[ForeignKeyDetail] = Field(default_factory=list)
    profile: ProfileDetail | None = None
    upstreams: list[UpstreamDetail] = Field(default_factory=list)
    view: ViewDetail | None = None
    read_by: list[ReadByDetail] = Field(default_factory=list)

    @classmethod
    def of(cls, entry: CatalogEntry, read_by: Sequence[PipelineUse] = ()) -> AssetDetails:
        schema = entry.aspects.get("schemaMetadata") or {}
        keys = list(schema.get("primaryKeys") or [])
        return cls(
            urn=entry.urn, type=entry.entity_type, name=entry.name, platform=entry.platform,
            subtypes=entry.subtypes, tags=entry.tags, description=entry.description,
            container=entry.container, binding=_binding(entry.properties),
            tag_associations=[_tag(a) for a in entry.tag_associations],
            properties=entry.properties,
            fields=[_field(f, keys) for f in entry.fields],
            primary_keys=keys,
            foreign_keys=[_foreign_key(k) for k in schema.get("foreignKeys") or []],
            profile=_profile(entry.aspects.get("datasetProfile")),
            upstreams=[UpstreamDetail(dataset=u.get("dataset", ""), type=u.get("type"))
                       for u in (entry.aspects.get("upstreamLineage") or {}).get("upstreams")
                       or []],
            view=_view(entry.aspects.get("viewProperties")),
            read_by=[ReadByDetail(pipeline=u.pipeline, job=u.job_urn,
                                  last_read_ms=u.last_read_ms) for u in read_by],
        )


def _binding(properties: dict[str, str]) -> BindingDetail | None:
    if not properties.get("binding_name"):
        return None
    port = properties.get("port")
    return BindingDetail(
        name=properties["binding_name"], type=properties.get("binding_type"),
        provider=properties.get("binding_provider"), host=properties.get("host"),
        port=int(port) if port and port.isdigit() else None,
        database=properties.get("database"), sslmode=properties.get("sslmode"),
    )


def _tag(association: dict[str, Any]) -> TagDetail:
    rule = None
    context = association.get("context")
    if isinstance(context, str):
        try:
            parsed = json.loads(context)
        except ValueError:
            parsed = None
        rule = parsed.get("rule") if isinstance(parsed, dict) else None
    return TagDetail(name=tag_name(association["tag"]), added_by=added_by(association),
                     rule=rule if isinstance(rule, str) else None)


def _default(json_props: Any) -> str | None:
    try:
        value = json.loads(json_props).get("default") if isinstance(json_props, str) else None
    except (ValueError, AttributeError):
        return None
    return None if value is None else str(value)


def _field(raw: dict[str, Any], primary_keys: list[str]) -> FieldDetail:
    path = raw.get("fieldPath", "")
    return FieldDetail(
        path=path, native_type=raw.get("nativeDataType"), nullable=raw.get("nullable"),
        description=raw.get("description"), default=_default(raw.get("jsonProps")),
        primary_key=bool(raw.get("isPartOfKey")) or path in primary_keys,
        partition_key=bool(raw.get("isPartitioningKey")),
    )


def _field_name(urn: str) -> str:
    """`urn:li:schemaField:(urn:li:dataset:(...),col)` -> `col`."""
    return urn.rsplit(",", 1)[-1].rstrip(")") if urn.startswith("urn:li:schemaField:") else urn


def _foreign_key(raw: dict[str, Any]) -> ForeignKeyDetail:
    return ForeignKeyDetail(
        name=raw.get("name", ""), columns=[_field_name(f) for f in raw.get("sourceFields") or []],
        target=raw.get("foreignDataset", ""),
        target_columns=[_field_name(f) for f in raw.get("foreignFields") or []],
    )


def _profile(raw: dict[str, Any] | None) -> ProfileDetail | None:
    if not raw:
        return None
    return ProfileDetail(
        rows=raw.get("rowCount"), columns=raw.get("columnCount"), size_bytes=raw.get("sizeInBytes"),
        timestamp_ms=raw.get("timestampMillis"),
        fields=[ColumnProfile(path=f.get("fieldPath", ""), null_count=f.get("nullCount"),
                              null_proportion=f.get("nullProportion"), min=f.get("min"),
                              max=f.get("max"))
                for f in raw.get("fieldProfiles") or []],
    )


def _view(raw: dict[str, Any] | None) -> ViewDetail | None:
    if not raw or not raw.get("viewLogic"):
        return None
    return ViewDetail(definition=raw["viewLogic"], language=raw.get("viewLanguage"),
                      materialized=bool(raw.get("materialized")))
