"""`/v1/resolve`: tags (+ type, provider) or a binding name -> one database connection, or the
lake datasets they land on and how to read them, in a format (`discovery.answer` decides
which; the `X-Resolved-Kind` header says which it did)."""

from __future__ import annotations

from typing import Annotated

from fastapi import HTTPException, Query, Response, status
from fastapi.responses import JSONResponse, PlainTextResponse

from catalog_sync.api.deps import Caller, ServicesDep, v1_router
from catalog_sync.api.params import BindingName, PipelineName, TagName
from catalog_sync.api.schemas import (
    ConnectionOut,
    ErrorOut,
    LakeAnswerOut,
    LakeDatasetOut,
    ResolveErrorOut,
)
from catalog_sync.auth import Scope
from catalog_sync.discovery import connection_for, password_status, resolve_one
from catalog_sync.discovery.answer import render_lake, resolve_lake, wants_lake
from catalog_sync.discovery.formats import Format, render
from catalog_sync.usage.aspects import Pipeline
from catalog_sync.usage.record import record_reads

router = v1_router("", "resolve")

_TEXT = {"text/plain": {"schema": {"type": "string"}}}
INCLUDED_HEADER = "X-Password-Included"
REASON_HEADER = "X-Password-Omitted-Reason"
KIND_HEADER = "X-Resolved-Kind"
USAGE_HEADER = "X-Usage-Recorded"
_HEADERS = {
    USAGE_HEADER: {"description": "with `pipeline`: `true`, or `false` when recording failed "
                   "(the answer is given anyway)", "schema": {"type": "string"}},
    KIND_HEADER: {"description": "`database` or `lake`", "schema": {"type": "string"}},
    INCLUDED_HEADER: {"description": "`true` or `false`", "schema": {"type": "string"}},
    REASON_HEADER: {"description": "why the password is absent (only when it is)",
                    "schema": {"type": "string"}},
}


@router.get(
    "/resolve",
    response_model=ConnectionOut | LakeAnswerOut | LakeDatasetOut,
    responses={
        200: {"content": _TEXT, "headers": _HEADERS,
              "description": "JSON for format=json, text otherwise; the headers say whether "
              "the password is in it"},
        404: {"model": ResolveErrorOut, "description": "no binding or lake dataset matches"},
        409: {"model": ResolveErrorOut, "description": "more than one binding matches (or "
              "lake dataset, with `one`)"},
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
    one: Annotated[bool, Query(description="Lake datasets: exactly one, as an object.")] = False,
    pipeline: Annotated[PipelineName | None, Query(
        description="The reading pipeline (NAMESPACE/NAME or NAMESPACE.NAME), "
        "recorded as a DataHub dataJob reading these datasets; needs scope usage:write.",
    )] = None,
) -> Response:
    """The database binding, or the lake datasets, reached by assets with these tags."""
    secrets = caller.has(Scope.BINDINGS_SECRETS)
    reader = Pipeline.parse(pipeline) if pipeline is not None else None
    if reader is not None and not caller.has(Scope.USAGE_WRITE):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "token lacks scope usage:write "
                            "(needed to record a pipeline's reads)")
    if wants_lake(services.store, tag, format, type, provider, binding):
        accesses = resolve_lake(services.store, tag, type=type, provider=provider,
                                name=binding, one=one,
                                binding_root=services.settings.binding_root)
        answer = render_lake(accesses, format, secrets=secrets, one=one)
        kind = {KIND_HEADER: "lake"}
        if reader is not None:
            failed = record_reads(services.store, reader, [a.dataset.urn for a in accesses])
            kind[USAGE_HEADER] = str(failed is None).lower()
        if isinstance(answer, str):
            return PlainTextResponse(answer, headers=kind)
        model = LakeDatasetOut if one else LakeAnswerOut
        return JSONResponse(model.model_validate(answer).model_dump(mode="json",
                                                                    exclude_unset=True),
                            headers=kind)
    found = resolve_one(services.store, tag, type=type, provider=provider, name=binding)
    root = services.settings.binding_root
    conn = connection_for(found, root)
    given = password_status(conn, secrets=secrets, binding_root=root)
    rendered = render(conn, format, secrets=secrets, status=given)
    headers = {INCLUDED_HEADER: str(given.included).lower(), KIND_HEADER: "database"}
    if reader is not None:
        failed = record_reads(services.store, reader, list(found.assets))
        headers[USAGE_HEADER] = str(failed is None).lower()
    if given.reason:
        headers[REASON_HEADER] = given.reason
    if isinstance(rendered, str):
        return PlainTextResponse(rendered, headers=headers)
    return Response(ConnectionOut(**rendered).model_dump_json(), media_type="application/json",
                    headers=headers)
