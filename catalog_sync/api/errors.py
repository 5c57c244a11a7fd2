"""Domain errors -> HTTP answers. Status codes live only here, at the API edge; clients get one
line (and candidates for resolution errors), never a stack trace."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from catalog_sync.auth import TokenFileError
from catalog_sync.bindings import BindingRootError
from catalog_sync.discovery import AmbiguousMatchError, ResolutionError
from catalog_sync.errors import BadInputError, CatalogUnavailableError

logger = logging.getLogger(__name__)


async def _resolution(_: Request, err: Exception) -> JSONResponse:
    assert isinstance(err, ResolutionError)
    code = status.HTTP_409_CONFLICT if isinstance(err, AmbiguousMatchError) else 404
    return JSONResponse({"detail": err.message, "candidates": err.candidate_summaries()}, code)


async def _unavailable(_: Request, err: Exception) -> JSONResponse:
    logger.error("%s", err)
    if isinstance(err, CatalogUnavailableError):  # names the catalog and why, never a token
        return JSONResponse({"detail": err.message}, 503)
    return JSONResponse({"detail": "binding root or token file unavailable; see server log"}, 503)


async def _bad_input(_: Request, err: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(err)}, status.HTTP_422_UNPROCESSABLE_CONTENT)


def one_line(errors: Sequence[Any]) -> str:
    """The first validation error as one line naming the parameter and the value (query
    values hold no secrets: the token travels in a header). The web page says the same."""
    first = errors[0] if errors else {}
    where = " ".join(str(p) for p in first.get("loc", ()))
    shown = f" (got {first['input']!r:.100})" if "input" in first else ""
    return f"{where}: {first.get('msg', 'invalid')}{shown}"


async def _invalid_request(_: Request, err: Exception) -> JSONResponse:
    """FastAPI's validation errors in the API's one shape (`one_line`)."""
    assert isinstance(err, RequestValidationError)
    return JSONResponse({"detail": one_line(err.errors())},
                        status.HTTP_422_UNPROCESSABLE_CONTENT)


async def _unexpected(request: Request, err: Exception) -> JSONResponse:
    logger.exception("unexpected error on %s %s", request.method, request.url.path)
    return JSONResponse({"detail": "internal error; see server log"}, 500)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ResolutionError, _resolution)
    app.add_exception_handler(CatalogUnavailableError, _unavailable)
    app.add_exception_handler(BindingRootError, _unavailable)
    app.add_exception_handler(TokenFileError, _unavailable)
    app.add_exception_handler(BadInputError, _bad_input)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(Exception, _unexpected)
