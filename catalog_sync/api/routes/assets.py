"""`/v1/assets`: search by tags (all, any, none), platform, subtype and name; one asset by URN."""

from __future__ import annotations

from typing import Annotated

from fastapi import HTTPException, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from catalog_sync.api.cache import search_key
from catalog_sync.api.deps import ServicesDep, read, v1_router
from catalog_sync.api.params import MAX_TEXT, TagName
from catalog_sync.api.schemas import AssetPageOut, AssetSummary, ErrorOut
from catalog_sync.details import AssetDetails
from catalog_sync.store import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, AssetQuery, EntityKind

router = v1_router("/assets", "assets")

_MAX_TEXT = MAX_TEXT


class AssetFilters(BaseModel):
    """Query parameters of an asset search (one model: FastAPI validates it in one pass)."""

    model_config = ConfigDict(extra="forbid")

    tag: list[TagName] = Field(default=[], max_length=50,
                               description="Carries all of these tags.")
    any_tag: list[TagName] = Field(default=[], max_length=50, description="Carries at least one.")
    not_tag: list[TagName] = Field(default=[], max_length=50,
                                   description="Carries none of these.")
    platform: str | None = Field(default=None, max_length=_MAX_TEXT)
    subtype: str | None = Field(default=None, max_length=_MAX_TEXT)
    q: str | None = Field(default=None, max_length=_MAX_TEXT, description="Name contains.")
    entity: EntityKind = EntityKind.DATASET
    offset: int = Field(default=0, ge=0, le=10**9)
    limit: int = Field(default=DEFAULT_PAGE_SIZE, ge=1, description=f"Capped at {MAX_PAGE_SIZE}.")

    def query(self) -> AssetQuery:
        """The store query these parameters ask for (the web page's search form uses the same
        parameters, catalog_sync.web.routes.browse)."""
        return AssetQuery(
            all_tags=frozenset(self.tag), any_tags=frozenset(self.any_tag),
            no_tags=frozenset(self.not_tag), platform=self.platform, subtype=self.subtype,
            text=self.q, kind=self.entity, offset=self.offset, limit=self.limit,
        )


@router.get("", response_model=AssetPageOut, responses={422: {"model": ErrorOut}})
async def search_assets(
    request: Request, services: ServicesDep, filters: Annotated[AssetFilters, Query()]
) -> Response:
    """Datasets (or containers) matching every filter, a page at a time, in URN order."""
    query = filters.query()
    key = search_key(services.store, request.scope["query_string"])
    body = services.cache.get(key) if key is not None else None
    if body is None:
        page = await read(services, services.store.search, query)
        body = AssetPageOut(
            total=page.total, offset=page.offset, limit=page.limit,
            items=[AssetSummary.of(e) for e in page.items],
        ).model_dump_json().encode()
        if key is not None:
            services.cache.put(key, body)
    return Response(body, media_type="application/json")


@router.get("/{urn:path}", response_model=AssetDetails, responses={404: {"model": ErrorOut}})
async def get_asset(urn: str, services: ServicesDep) -> AssetDetails:
    """One dataset or container: schema (keys, defaults), profile, lineage, view SQL, tags with
    who added each, binding coordinates, the pipelines that read it: what `catalog-sync
    assets show` prints."""
    entry = await read(services, services.store.get, urn)
    if entry is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no asset {urn!r:.300}")
    uses = (await read(services, services.store.usage_of, urn)
            if entry.entity_type == "dataset" else [])
    return AssetDetails.of(entry, uses)
