"""The pages that read: search (`/`), a saved view (`/views/{id}`), one asset (`/assets/...`).

Every read goes through the app's catalog store (`Services.store`, the object `/v1` reads), via
`catalog_sync.api.deps.read` so a blocking backend (GMS) runs off the event loop.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import HTMLResponse

from catalog_sync.api.errors import one_line
from catalog_sync.api.routes.assets import AssetFilters
from catalog_sync.details import AssetDetails
from catalog_sync.errors import TagRulesError
from catalog_sync.store import AssetPage, AssetQuery, CatalogReader, CatalogStore
from catalog_sync.tagging.definitions import TagSet, ViewDefinition
from catalog_sync.tagging.views import view_query
from catalog_sync.web import pages
from catalog_sync.web.state import Visitor, VisitorDep, Web, WebDep

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True, slots=True)
class Results:
    """One page of matches with the counts of all of them."""

    page: AssetPage
    facets: pages.Facets
    in_use: list[str]


def _results(store: CatalogReader, query: AssetQuery | None) -> Results:
    in_use = [c.name for c in store.tag_counts()]
    if query is None:  # a view no tag in use matches: nothing can be in it
        return Results(AssetPage(0, 0, 0), pages.Facets.empty(), in_use)
    return Results(store.search(query), pages.facets(store, query), in_use)


def parse_query(params: list[tuple[str, str]]) -> AssetQuery:
    """The search form's parameters (those of `/v1/assets`, blank fields left out) as a
    query; ValidationError names the bad one."""
    lists = {"tag", "any_tag", "not_tag"}
    raw: dict[str, Any] = {k: [] for k in lists}
    for key, value in params:
        if value.strip() == "":
            continue
        if key in lists:
            raw[key].append(value)
        else:
            raw[key] = value
    return AssetFilters.model_validate(raw).query()


def _page(web: Web, request: Request, visitor: Visitor, query: AssetQuery | None,
          results: Results, tag_set: TagSet, view: ViewDefinition | None = None,
          status_code: int = 200, error: str | None = None) -> HTMLResponse:
    shown = query or AssetQuery()
    base = request.url.path
    page = results.page

    def page_href(offset: int) -> str:
        qs = pages.query_string(shown, offset) if view is None else (
            f"offset={offset}" if offset else "")
        return base + (f"?{qs}" if qs else "")

    return web.render(
        request, "search.html", visitor, status_code, query=shown, view=view, error=error,
        page=page, facets=results.facets,
        groups=pages.picker(tag_set, results.in_use, shown, results.facets.tags),
        previous=page_href(max(0, page.offset - page.limit)) if page.offset > 0 else None,
        next=page_href(page.offset + page.limit) if page.offset + page.limit < page.total
        else None,
        colour=lambda t: pages.tag_colour(tag_set, t),
    )


@router.get("/", response_class=HTMLResponse)
async def search(request: Request, visitor: VisitorDep, web: WebDep) -> HTMLResponse:
    """Search by name, tags (all, any, none), platform and subtype; the URL is the query."""
    tag_set = web.tag_sets.current()
    try:
        query = parse_query(list(request.query_params.multi_items()))
    except ValidationError as err:
        results = await web.read(_results, web.services.store, AssetQuery(limit=0))
        return _page(web, request, visitor, None, results, tag_set, status_code=422,
                     error=one_line(err.errors()))
    results = await web.read(_results, web.services.store, query)
    return _page(web, request, visitor, query, results, tag_set)


@router.get("/views/{view_id}", response_class=HTMLResponse)
async def saved_view(request: Request, view_id: str, visitor: VisitorDep, web: WebDep,
                     offset: int = 0) -> HTMLResponse:
    """A saved view of tags/views.yml: the assets `catalog-sync assets --view ID` lists."""
    tag_set = web.tag_sets.current()
    try:
        view = tag_set.view(view_id)
    except TagRulesError as err:
        return web.render(request, "error.html", visitor, 404, message=err.message)
    store = web.services.store

    def run() -> Results:
        in_use = [c.name for c in store.tag_counts()]
        query = view_query(view, in_use)
        if query is not None:
            query = AssetQuery(any_tags=query.any_tags, kind=query.kind, offset=max(0, offset))
        return _results(store, query)

    results = await web.read(run)
    return _page(web, request, visitor, None, results, tag_set, view=view)


@dataclass(frozen=True, slots=True)
class AssetView:
    details: AssetDetails
    path: list[pages.PathPart]
    upstream_hrefs: dict[str, str]
    downstreams: list[str]


def load_asset(store: CatalogStore, urn: str) -> AssetView | None:
    entry = store.get(urn)
    if entry is None:
        return None
    is_dataset = entry.entity_type == "dataset"
    # The pipelines recorded reading it (usage recording), as `assets show` lists them.
    details = AssetDetails.of(entry, store.usage_of(urn) if is_dataset else [])
    return AssetView(details, pages.container_path(store, entry),
                     {u.dataset: pages.asset_href(u.dataset) for u in details.upstreams},
                     store.downstreams(urn) if is_dataset else [])


async def render_asset(web: Web, request: Request, visitor: Visitor, urn: str,
                       status_code: int = 200, error: str | None = None,
                       notice: str | None = None) -> HTMLResponse:
    """The asset page (also after a refused edit, with `error`)."""
    found = await web.read(load_asset, web.services.store, urn)
    if found is None:
        return web.render(request, "error.html", visitor, 404,
                          message=f"no asset {urn!r:.300} in the catalog")
    tag_set = web.tag_sets.current()
    in_use = await web.read(web.services.store.tag_counts)
    choices = [c.name for g in pages.picker(tag_set, [c.name for c in in_use], AssetQuery(),
                                            Counter()) for c in g.tags]
    return web.render(
        request, "asset.html", visitor, status_code, asset=found.details, path=found.path,
        upstream_hrefs=found.upstream_hrefs, downstreams=found.downstreams, error=error,
        notice=notice, tag_choices=choices,
        colour=lambda t: pages.tag_colour(tag_set, t),
        datahub_link=pages.frontend_link(web.services.settings.frontend_url, found.details),
        # catalog-sync's own bookkeeping (fingerprints) is not the steward's business.
        shown_properties=sorted((k, v) for k, v in found.details.properties.items()
                                if not k.startswith("catalog_sync.")),
        profile_by_path={f.path: f for f in (found.details.profile.fields
                                             if found.details.profile else [])},
    )


@router.get("/assets/{urn:path}", response_class=HTMLResponse)
async def asset(request: Request, urn: str, visitor: VisitorDep, web: WebDep,
                added: str | None = None, removed: str | None = None) -> HTMLResponse:
    """One dataset or container: what `catalog-sync assets show` prints."""
    notice = (f"Added {added!r}." if added else "") + (f"Removed {removed!r}." if removed else "")
    return await render_asset(web, request, visitor, urn, notice=notice or None)
