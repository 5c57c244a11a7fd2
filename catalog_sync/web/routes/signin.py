"""Sign-in and sign-out: a `catalog:read` token entered once becomes the session cookie.

The token travels only in the POST body, never in a URL; the page's cookie holds its id and a
fingerprint (catalog_sync.web.session), and the sign-in form is CSRF-checked like the others.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from catalog_sync.auth import Scope
from catalog_sync.errors import BadInputError
from catalog_sync.web import csrf
from catalog_sync.web.state import Web, WebDep, form_fields, safe_next

router = APIRouter(include_in_schema=False)


def _form(web: Web, request: Request, next_path: str, status_code: int = 200,
          error: str | None = None) -> Response:
    session = web.sessions.read(request) or web.sessions.anonymous()
    response = web.render(request, "sign_in.html", None, status_code, csrf=session.csrf,
                          next=next_path, error=error)
    web.sessions.write(request, response, session)
    return response


@router.get("/sign-in", response_class=HTMLResponse)
async def sign_in_page(request: Request, web: WebDep, next: str | None = None) -> Response:
    """The sign-in form (already signed in: straight on)."""
    target = safe_next(next)
    record = web.sessions.caller(web.sessions.read(request))
    if record is not None and record.has(Scope.CATALOG_READ):
        return RedirectResponse(target, status_code=303)
    return _form(web, request, target)


@router.post("/sign-in", response_class=HTMLResponse)
async def sign_in(request: Request, web: WebDep) -> Response:
    """Check the token; a fresh session (new CSRF secret) on success."""
    try:
        form = await form_fields(request)
    except BadInputError as err:
        return _form(web, request, "/", 415, str(err))
    target = safe_next(form.get("next"))
    try:
        csrf.check(web.sessions.read(request), form.get(csrf.FIELD))
    except csrf.CsrfError as err:
        return _form(web, request, target, 403, str(err))
    record = web.services.tokens.verify(form.get("token", "").strip())
    if record is None:
        return _form(web, request, target, 401,
                     "not a valid token (create one with `catalog-sync token create`)")
    if not record.has(Scope.CATALOG_READ):
        return _form(web, request, target, 403, "this token lacks scope catalog:read")
    response = RedirectResponse(target, status_code=303)
    web.sessions.write(request, response, web.sessions.signed_in(record))
    return response


@router.post("/sign-out")
async def sign_out(request: Request, web: WebDep) -> Response:
    """End the session (CSRF-checked, so another site cannot sign a steward out)."""
    try:
        form = await form_fields(request)
        csrf.check(web.sessions.read(request), form.get(csrf.FIELD))
    except (BadInputError, csrf.CsrfError) as err:
        return web.render(request, "error.html", None, 403, message=str(err))
    response = RedirectResponse("/sign-in", status_code=303)
    web.sessions.clear(request, response)
    return response
