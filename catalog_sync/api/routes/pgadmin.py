"""`/v1/pgadmin/servers.json`: the same server-import file as `catalog-sync pgadmin`, from the
catalog. It holds no secrets; pgpass files come only from the CLI."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import HTTPException, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from catalog_sync.api.deps import ServicesDep, v1_router
from catalog_sync.api.params import GroupOption, ServerModeEmail, SslMode, Suffix
from catalog_sync.api.schemas import ErrorOut
from catalog_sync.pgadmin import ExportOptions, NoServersError, export_from_catalog
from catalog_sync.pgadmin.model import DEFAULT_CONNECT_TIMEOUT

logger = logging.getLogger(__name__)

router = v1_router("/pgadmin", "pgadmin")


class ConnectionParametersOut(BaseModel):
    """What pgAdmin 7+ passes to libpq."""

    sslmode: str
    passfile: str | None = Field(default=None, description="only with `passfile_dir`")
    sslrootcert: str | None = None
    connect_timeout: int | None = None


class TagOut(BaseModel):
    color: str
    text: str


class ServerOut(BaseModel):
    """One pgAdmin server entry, in the keys `pgadmin4-cli load-servers` (7+) reads."""

    model_config = ConfigDict(populate_by_name=True)

    Name: str
    Group: str
    Host: str
    Port: int
    MaintenanceDB: str
    Username: str
    Shared: bool | None = Field(default=None, description="only with `shared=true`")
    Comment: str | None = None
    Tags: list[TagOut] | None = Field(default=None, description="role and cloud tags")
    ConnectionParameters: ConnectionParametersOut


class ServersFileOut(BaseModel):
    """pgAdmin's server-import file: servers numbered from "1", sorted by group then name."""

    Servers: dict[str, ServerOut]


def _warn(context: str, message: str) -> None:
    logger.warning("pgadmin export: %s: %s", context, message)


@router.get(
    "/servers.json",
    response_model=ServersFileOut,
    responses={404: {"model": ErrorOut, "description": "no tagged database to list"},
               422: {"model": ErrorOut}, 503: {"model": ErrorOut}},
)
def servers_json(
    services: ServicesDep,
    suffix: Annotated[Suffix, Query(description="Ends every group name.")],
    group: Annotated[
        list[GroupOption], Query(max_length=200, description="ROLE=GROUP NAME: plain text up "
                                 "to 64 characters, or up to 32 on each side of {suffix}.")
    ] = [],  # noqa: B006 - FastAPI copies query defaults
    sslmode: Annotated[SslMode, Query(description="For bindings without one.")] = "prefer",
    passfile_dir: Annotated[
        str | None, Query(max_length=1024, description="Folder of the pgpass files, as pgAdmin "
                          "sees it (with server_mode: inside the user's storage); sets "
                          "ConnectionParameters.passfile for bindings with a password.")
    ] = None,
    server_mode: Annotated[
        ServerModeEmail | None, Query(description="pgAdmin user (email) in server mode")
    ] = None,
    shared: Annotated[bool, Query(description="Mark every server Shared.")] = False,
    connect_timeout: Annotated[int, Query(ge=0, le=3600)] = DEFAULT_CONNECT_TIMEOUT,
) -> Response:
    """pgAdmin's servers.json for the tagged databases: one group per role, no secrets."""
    root = services.settings.binding_root
    if root is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE,
                            "no binding root configured (SERVICE_BINDING_ROOT)")
    options = ExportOptions(suffix=suffix, groups=tuple(group), default_sslmode=sslmode,
                            passfile_dir=passfile_dir, server_mode=server_mode, shared=shared,
                            connect_timeout=connect_timeout)
    try:
        result = export_from_catalog(options, services.store, root, _warn,
                                     services.settings.tags_dir)
    except NoServersError as err:
        raise HTTPException(status.HTTP_404_NOT_FOUND, err.message) from err
    return Response(result.render(), media_type="application/json")
