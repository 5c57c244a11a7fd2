"""A steward's tag edit from the asset page: `tags add|remove`'s own code, under the same lock.

The form posts the URN, the tag and the action with the session's CSRF secret; the token needs
`tags:write`. `catalog_sync.tagging.edits` records an added tag as manual (kept by every later
ingest and `tags apply`) and refuses a second tag of an exclusive group; the store's
`editing()` holds the catalog as `catalog-sync tags add` does.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, RedirectResponse, Response

from catalog_sync.auth import Scope
from catalog_sync.errors import (
    BadInputError,
    CatalogSyncError,
    EntityNotFoundError,
    RunLockedError,
)
from catalog_sync.store import CatalogStore
from catalog_sync.tagging.definitions import TagSet
from catalog_sync.tagging.edits import ManualEdit, add_manual_tag, remove_tag
from catalog_sync.web import csrf
from catalog_sync.web.pages import asset_href
from catalog_sync.web.routes.browse import render_asset
from catalog_sync.web.state import VisitorDep, WebDep, form_fields

router = APIRouter(include_in_schema=False)
ACTIONS = ("add", "remove")


def edit(store: CatalogStore, tag_set: TagSet, urn: str, tag: str, action: str) -> ManualEdit:
    with store.editing(f"catalog-sync web: tags {action}"):
        if action == "add":
            return add_manual_tag(store, tag_set, urn, tag)
        return remove_tag(store, urn, tag)


def _status(err: CatalogSyncError) -> int:
    if isinstance(err, EntityNotFoundError):
        return 404
    if isinstance(err, RunLockedError):
        return 409
    return 422 if isinstance(err, BadInputError) else 503


@router.post("/tags/edit", response_class=HTMLResponse)
async def edit_tags(request: Request, visitor: VisitorDep, web: WebDep) -> Response:
    """Add or remove one tag on one asset (form: urn, tag, action, csrf)."""
    try:
        form = await form_fields(request)
    except BadInputError as err:
        return web.render(request, "error.html", visitor, 415, message=str(err))
    try:
        csrf.check(visitor.session, form.get(csrf.FIELD))
    except csrf.CsrfError as err:
        return web.render(request, "error.html", visitor, 403, message=str(err))
    urn, tag, action = form.get("urn", ""), form.get("tag", "").strip(), form.get("action", "")
    if not visitor.record.has(Scope.TAGS_WRITE):
        return await render_asset(web, request, visitor, urn, 403,
                                  error="your token lacks scope tags:write: it can read only")
    if action not in ACTIONS or not tag:
        return await render_asset(web, request, visitor, urn, 422,
                                  error="choose a tag, and add or remove")
    try:
        done = await run_in_threadpool(edit, web.services.store, web.tag_sets.current(), urn,
                                       tag, action)
    except CatalogSyncError as err:
        return await render_asset(web, request, visitor, urn, _status(err), error=str(err))
    key = "added" if action == "add" else "removed"
    target = asset_href(urn) + (f"?{key}={quote(done.tag)}" if done.changed else "")
    return RedirectResponse(target, status_code=303)
