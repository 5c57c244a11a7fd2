"""`/v1/resolve`: tags (+ type, provider) or a binding name -> one connection, in a format."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Response
from fastapi.responses import PlainTextResponse

from catalog_sync.api.deps import Caller, ServicesDep, v1_router
from catalog_sync.api.params import BindingName, TagName
from catalog_sync.api.schemas import ConnectionOut, ErrorOut, ResolveErrorOut
from catalog_sync.auth import Scope
from catalog_sync.discovery import connection_for, password_status, resolve_one
from catalog_sync.discovery.formats import Format, render

router = v1_router("", "resolve")

_TEXT = {"text/plain": {"schema": {"type": "string"}}}
INCLUDED_HEADER = "X-Password-Included"
REASON_HEADER = "X-Password-Omitted-Reason"
_HEADERS = {
    INCLUDED_HEADER: {"description": "`true` or `false`", "schema": {"type": "string"}},
    REASON_HEADER: {"description": "why the password is absent (only when it is)",
                    "schema": {"type": "string"}},
}


@router.get(
    "/resolve",
    response_model=ConnectionOut,
    responses={
        200: {"content": _TEXT, "headers": _HEADERS,
              "description": "JSON for format=json, text otherwise; the headers say whether "
              "the password is in it"},
        404: {"model": ResolveErrorOut, "description": "no binding matches"},
        409: {"model": ResolveErrorOut, "description": "more than one binding matches"},
        422: {"model": ErrorOut},
    },
)
def resolve(
    services: ServicesDep,
    caller: Caller,
    tag: Annotated[list[TagName], Query(max_length=50, description="Carries all of these "
                                        "(none: every database binding is a candidate).")] = [],  # noqa: B006
    type: Annotated[str | None, Query(max_length=100)] = None,
    provider: Annotated[str | None, Query(max_length=100)] = None,
    binding: Annotated[BindingName | None, Query()] = None,
    format: Format = Format.JSON,
) -> Response:
    """The one database binding reached by assets with these tags, as a connection."""
    found = resolve_one(services.store, tag, type=type, provider=provider, name=binding)
    root = services.settings.binding_root
    conn = connection_for(found, root)
    secrets = caller.has(Scope.BINDINGS_SECRETS)
    given = password_status(conn, secrets=secrets, binding_root=root)
    rendered = render(conn, format, secrets=secrets, status=given)
    headers = {INCLUDED_HEADER: str(given.included).lower()}
    if given.reason:
        headers[REASON_HEADER] = given.reason
    if isinstance(rendered, str):
        return PlainTextResponse(rendered, headers=headers)
    return Response(ConnectionOut(**rendered).model_dump_json(), media_type="application/json",
                    headers=headers)
