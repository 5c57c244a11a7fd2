"""What the web pages share: templates, sessions, the tag definitions, and who is asking.

`Visitor` is the dependency of every page: the signed-in token (re-checked against the token
file on each request) or a `SignInRequired` that the app answers with a redirect to the
sign-in page, so an anonymous request never reaches a route that reads the catalog.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import parse_qsl, quote

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse, RedirectResponse, Response

from catalog_sync.api.deps import Services, read
from catalog_sync.auth import Scope, TokenRecord
from catalog_sync.cli.render import rows_of
from catalog_sync.errors import BadInputError, CatalogUnavailableError, TagRulesError
from catalog_sync.tagging import load_tag_set
from catalog_sync.tagging.definitions import TagSet
from catalog_sync.web.pages import asset_href
from catalog_sync.web.session import Session, Sessions

HERE = Path(__file__).resolve().parent
T = TypeVar("T")
logger = logging.getLogger(__name__)
MAX_FORM_BYTES = 16 * 1024


class SignInRequired(Exception):
    """No valid session: the page answers 303 to /sign-in, keeping where the visitor was."""

    def __init__(self, wanted: str) -> None:
        super().__init__("sign-in required")
        self.wanted = wanted


class PageError(Exception):
    """The catalog or the tag definitions cannot be read: an HTML page saying so in one line
    (the API answers the same errors as JSON, catalog_sync.api.errors)."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


class TagSets:
    """The tag definitions, read again only when a file in the folder changes."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._cached: tuple[tuple[tuple[str, int], ...], TagSet] | None = None
        self._lock = threading.Lock()

    def _stamp(self) -> tuple[tuple[str, int], ...]:
        files = sorted([*self.folder.glob("*.yml"), *self.folder.glob("*.yaml")])
        return tuple((p.name, p.stat().st_mtime_ns) for p in files)

    def current(self) -> TagSet:
        stamp = self._stamp()
        cached = self._cached
        if cached is not None and cached[0] == stamp:
            return cached[1]
        with self._lock:
            try:
                tag_set = load_tag_set(self.folder)
            except TagRulesError as err:
                raise PageError(500, f"the tag definitions cannot be read: {err}") from err
            self._cached = (stamp, tag_set)
        return tag_set


@dataclass
class Web:
    """Built once in `install_web`, beside the API's `Services` (the same catalog store)."""

    services: Services
    templates: Jinja2Templates
    sessions: Sessions
    tag_sets: TagSets

    async def read(self, call: Callable[..., T], *args: object) -> T:
        """A store call as the API makes it (off the event loop when it blocks); an
        unreachable catalog is a PageError, not a stack trace."""
        try:
            return await read(self.services, call, *args)
        except CatalogUnavailableError as err:
            logger.error("%s", err)
            raise PageError(503, err.message) from err

    def render(self, request: Request, template: str, visitor: Visitor | None,
               status_code: int = 200, **context: Any) -> HTMLResponse:
        tag_set = self.tag_sets.current()
        context = {"visitor": visitor, "views": tag_set.views, "tag_set": tag_set,
                   "frontend_url": self.services.settings.frontend_url,
                   "asset_href": asset_href, "rows": rows_of,
                   "store_kind": self.services.store.kind, **context}
        response = self.templates.TemplateResponse(request, template, context,
                                                   status_code=status_code)
        # Pages name the catalog's contents: never kept by shared caches or the back button.
        response.headers["Cache-Control"] = "no-store"
        return response


@dataclass(frozen=True, slots=True)
class Visitor:
    """A signed-in browser: its session (for the CSRF field) and its token's record."""

    session: Session
    record: TokenRecord

    @property
    def csrf(self) -> str:
        return self.session.csrf

    @property
    def can_edit_tags(self) -> bool:
        return self.record.has(Scope.TAGS_WRITE)


async def get_web(request: Request) -> Web:
    web: Web = request.app.state.web
    return web


WebDep = Annotated[Web, Depends(get_web)]


def wanted_path(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


async def signed_in(request: Request, web: WebDep) -> Visitor:
    """The visitor, or SignInRequired; a token without `catalog:read` reads nothing."""
    session = web.sessions.read(request)
    record = web.sessions.caller(session)
    if session is None or record is None or not record.has(Scope.CATALOG_READ):
        raise SignInRequired(wanted_path(request) if request.method == "GET" else "/")
    return Visitor(session, record)


VisitorDep = Annotated[Visitor, Depends(signed_in)]


def safe_next(value: str | None) -> str:
    """Only a path on this site (never `//host` or a scheme): no open redirect."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


async def to_sign_in(request: Request, err: Exception) -> Response:
    assert isinstance(err, SignInRequired)
    target = "/sign-in" if err.wanted == "/" else f"/sign-in?next={quote(err.wanted, safe='')}"
    return RedirectResponse(target, status_code=303)


async def show_page_error(request: Request, err: Exception) -> Response:
    assert isinstance(err, PageError)
    web: Web = request.app.state.web
    try:
        return web.render(request, "error.html", None, err.status_code, message=err.message)
    except PageError:  # the tag definitions themselves are broken: no layout to render with
        return HTMLResponse(f"<!doctype html><title>Error</title><p>{escape(err.message)}</p>",
                            err.status_code)


async def form_fields(request: Request) -> dict[str, str]:
    """An url-encoded form's fields (the last value of each); BadInputError for anything
    else (the pages' forms send nothing else, and this avoids a multipart parser)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    if content_type != "application/x-www-form-urlencoded":
        raise BadInputError("expected a form (application/x-www-form-urlencoded)")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise BadInputError(f"form larger than {MAX_FORM_BYTES} bytes")
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
