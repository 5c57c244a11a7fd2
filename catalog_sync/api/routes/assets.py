"""`/v1/assets`: search by tags (all, any, none), platform, subtype and name; one asset by URN."""

from __future__ import annotations

from typing import Annotated

from fastapi import HTTPException, Query, Response, status

from catalog_sync.api.deps import ServicesDep, read, v1_router
from catalog_sync.api.schemas import AssetDetail, AssetPageOut, AssetSummary, ErrorOut
from catalog_sync.catalog import AssetQuery, EntityKind
from catalog_sync.catalog.query import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

router = v1_router("/assets", "assets")

_MAX_TEXT = 200
TagList = Annotated[list[str], Query(max_length=50)]


def _tags(values: list[str], param: str) -> frozenset[str]:
    for value in values:
        if not value.strip() or len(value) > _MAX_TEXT:
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT,
                f"{param}: tag names are 1-{_MAX_TEXT} characters, got {value!r:.60}",
            )
    return frozenset(values)


@router.get("", response_model=AssetPageOut, responses={422: {"model": ErrorOut}})
async def search_assets(
    services: ServicesDep,
    tag: Annotated[list[str], Query(description="Carries all of these tags.")] = [],  # noqa: B006
    any_tag: Annotated[list[str], Query(description="Carries at least one.")] = [],  # noqa: B006
    not_tag: Annotated[list[str], Query(description="Carries none of these.")] = [],  # noqa: B006
    platform: Annotated[str | None, Query(max_length=_MAX_TEXT)] = None,
    subtype: Annotated[str | None, Query(max_length=_MAX_TEXT)] = None,
    q: Annotated[str | None, Query(max_length=_MAX_TEXT, description="Name contains.")] = None,
    entity: EntityKind = EntityKind.DATASET,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
    limit: Annotated[int, Query(ge=1, description=f"Capped at {MAX_PAGE_SIZE}.")] = (
        DEFAULT_PAGE_SIZE
    ),
) -> Response:
    """Datasets (or containers) matching every filter, a page at a time, in URN order."""
    query = AssetQuery(
        all_tags=_tags(tag, "tag"), any_tags=_tags(any_tag, "any_tag"),
        no_tags=_tags(not_tag, "not_tag"), platform=platform, subtype=subtype, text=q,
        kind=entity, offset=offset, limit=limit,
    )
    generation = getattr(services.reader, "generation", None)
    key = (generation, query) if generation is not None else None
    body = services.cache.get(key) if key else None
    if body is None:
        page = await read(services, services.reader.search, query)
        body = AssetPageOut(
            total=page.total, offset=page.offset, limit=page.limit,
            items=[AssetSummary.of(e) for e in page.items],
        ).model_dump_json().encode()
        if key:
            services.cache.put(key, body)
    return Response(body, media_type="application/json")


@router.get("/{urn:path}", response_model=AssetDetail, responses={404: {"model": ErrorOut}})
async def get_asset(urn: str, services: ServicesDep) -> AssetDetail:
    """One dataset or container: tags, properties, schema fields, binding reference."""
    entry = await read(services, services.reader.get, urn)
    if entry is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no asset {urn!r:.300}")
    return AssetDetail.of(entry)
