"""The steward's web page at `/`: server-rendered Jinja2 templates and a little plain JavaScript
shipped in the package (no CDN, no build step), reading the API's own catalog store.

`install_web(app, services)` adds it to the API app: the pages (routes/), the sign-in
redirect for anonymous visitors, and `/static` for the stylesheet and script.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from catalog_sync.api.deps import Services
from catalog_sync.web.routes import browse, edits, signin
from catalog_sync.web.session import Sessions, session_key
from catalog_sync.web.state import (
    HERE,
    PageError,
    SignInRequired,
    TagSets,
    Web,
    show_page_error,
    to_sign_in,
)

STATIC_PATH = "/static"


def install_web(app: FastAPI, services: Services) -> None:
    """Mount the pages on `app`, sharing `services` (store, tokens, settings) with `/v1`."""
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.state.web = Web(
        services=services, templates=templates,
        sessions=Sessions(session_key(services.settings), services.tokens),
        tag_sets=TagSets(services.settings.tags_dir),
    )
    app.mount(STATIC_PATH, StaticFiles(directory=str(HERE / "static")), name="web-static")
    for router in (signin.router, browse.router, edits.router):
        app.include_router(router)
    app.add_exception_handler(SignInRequired, to_sign_in)
    app.add_exception_handler(PageError, show_page_error)
