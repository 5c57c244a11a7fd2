"""A small Python client of the discovery API for pipelines (httpx).

    client = CatalogClient(url="http://catalog-sync:8080", token=os.environ["TOKEN"])
    conn = client.connection(tags=["training"], type="greenplum")
    engine = sqlalchemy.create_engine(client.resolve(tags=["training"], format="sqlalchemy"))

    dataset = open_dataset(tags=["training", "data lake"])  # a pyarrow.dataset.Dataset

Without `url`/`token` it reads CATALOG_SYNC_API_URL / CATALOG_SYNC_API_TOKEN. Not exactly one
match raises the same NoMatchError / AmbiguousMatchError (with candidates) as local resolution.
The module-level `open_dataset` asks the API when CATALOG_SYNC_API_URL is set, else reads the
local catalog and binding root (no API).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import quote

import httpx
from pydantic import SecretStr

from catalog_sync.discovery import (
    AmbiguousMatchError,
    Connection,
    NoMatchError,
    PasswordStatus,
    ResolvedBinding,
)
from catalog_sync.discovery.project import project_binding
from catalog_sync.discovery.resolve import ANY_DATABASE
from catalog_sync.errors import BadInputError, CatalogSyncError
from catalog_sync.settings import get_settings

if TYPE_CHECKING:
    import pyarrow.dataset as ds

KIND_HEADER = "X-Resolved-Kind"  # the API's: `lake` or `database`
USAGE_HEADER = "X-Usage-Recorded"  # the API's: `false` when a pipeline's reads went unrecorded
logger = logging.getLogger(__name__)


class ApiError(CatalogSyncError):
    """The API refused or failed a request; carries the HTTP status."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"discovery API answered {status}: {detail}")
        self.status = status


class ApiUnavailableError(CatalogSyncError):
    """The API could not be reached (refused, timed out, DNS): names the URL, exit 1."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"discovery API {url} unreachable: {reason}")
        self.url = url
        self.reason = reason


def _candidates(body: dict[str, Any]) -> list[ResolvedBinding]:
    return [
        ResolvedBinding(name=c["binding"], type=c["type"], provider=c.get("provider"),
                        host=c.get("host"), port=c.get("port"), database=c.get("database"))
        for c in body.get("candidates", [])
    ]


class CatalogClient:
    """Assets, tags, resolve and projection over HTTP; keyword-only, one of url or http."""

    def __init__(
        self, *, url: str | None = None, token: str | None = None,
        http: httpx.Client | None = None, timeout: float = 10.0,
    ) -> None:
        settings = get_settings()
        if token is None and settings.api_token is not None:
            token = settings.api_token.get_secret_value()
        if not token:
            raise BadInputError("no API token: pass token= or set CATALOG_SYNC_API_TOKEN")
        headers = {"Authorization": f"Bearer {token}"}
        if http is not None:
            if url is not None:
                raise BadInputError("pass either url or http, not both")
            http.headers.update(headers)
            self._http = http
        else:
            url = url or settings.api_url
            if not url:
                raise BadInputError("no API URL: pass url= or set CATALOG_SYNC_API_URL")
            self._http = httpx.Client(base_url=url, headers=headers, timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _get(self, path: str, params: list[tuple[str, Any]]) -> httpx.Response:
        try:
            response = self._http.get(path, params=[(k, v) for k, v in params if v is not None])
        except httpx.TransportError as err:
            # The token is a header, never part of the URL or of httpx's message.
            reason = str(err).splitlines()[0] if str(err) else type(err).__name__
            raise ApiUnavailableError(str(self._http.base_url).rstrip("/"), reason) from err
        if response.status_code < 400:
            return response
        try:
            body = response.json()
        except ValueError:
            body = {"detail": response.text}
        detail = str(body.get("detail", ""))
        if response.status_code == 404 and "candidates" in body:
            raise NoMatchError(detail, _candidates(body))
        if response.status_code == 409:
            raise AmbiguousMatchError(detail, _candidates(body))
        raise ApiError(response.status_code, detail)

    def assets(
        self, *, tags: Iterable[str] = (), any_tags: Iterable[str] = (),
        not_tags: Iterable[str] = (), platform: str | None = None, subtype: str | None = None,
        q: str | None = None, entity: str = "dataset", offset: int = 0, limit: int = 50,
    ) -> dict[str, Any]:
        """One page: {total, offset, limit, items}."""
        params: list[tuple[str, Any]] = [("tag", t) for t in tags]
        params += [("any_tag", t) for t in any_tags] + [("not_tag", t) for t in not_tags]
        params += [("platform", platform), ("subtype", subtype), ("q", q), ("entity", entity),
                   ("offset", offset), ("limit", limit)]
        page: dict[str, Any] = self._get("/v1/assets", params).json()
        return page

    def iter_assets(self, **filters: Any) -> Iterator[dict[str, Any]]:
        """Every matching asset, page by page."""
        offset = 0
        while True:
            page = self.assets(**filters, offset=offset, limit=500)
            yield from page["items"]
            offset += len(page["items"])
            if not page["items"] or offset >= page["total"]:
                return

    def asset(self, urn: str) -> dict[str, Any]:
        """One asset by URN: tags, properties, schema fields, binding reference."""
        found: dict[str, Any] = self._get(f"/v1/assets/{quote(urn, safe='')}", []).json()
        return found

    def tags(self) -> list[dict[str, Any]]:
        counts: list[dict[str, Any]] = self._get("/v1/tags", []).json()
        return counts

    def resolve(
        self, *, tags: Iterable[str] = (), type: str | None = None,
        provider: str | None = None, binding: str | None = None, format: str = "json",
        one: bool = False, pipeline: str | None = None,
    ) -> dict[str, Any] | str:
        """The connection as a dict (format json) or a string (dsn, sqlalchemy, jdbc, env);
        for lake datasets a dict (json, pyarrow, fsspec) or a string (duckdb, env). With
        `pipeline`, the catalog records that it read them (token scope usage:write)."""
        return self.resolve_any(tags=tags, type=type, provider=provider, binding=binding,
                                format=format, one=one, pipeline=pipeline)[1]

    def resolve_any(
        self, *, tags: Iterable[str] = (), type: str | None = None,
        provider: str | None = None, binding: str | None = None, format: str = "json",
        one: bool = False, pipeline: str | None = None,
    ) -> tuple[str, dict[str, Any] | str]:
        """`resolve`, and which kind the API resolved: `database` or `lake`."""
        params: list[tuple[str, Any]] = [("tag", t) for t in tags]
        params += [("type", type), ("provider", provider), ("binding", binding),
                   ("format", format), ("one", "true" if one else None),
                   ("pipeline", pipeline)]
        response = self._get("/v1/resolve", params)
        if response.headers.get(USAGE_HEADER) == "false":  # the read goes on: a warning
            logger.warning("the API could not record %s's reads (see its log)", pipeline)
        kind = response.headers.get(KIND_HEADER, "database")
        if response.headers.get("content-type", "").startswith("application/json"):
            body: dict[str, Any] = response.json()
            return kind, body
        return kind, response.text

    def open_dataset(
        self, *, tags: Iterable[str] = (), type: str | None = None,
        provider: str | None = None, binding: str | None = None, pipeline: str | None = None,
    ) -> ds.Dataset:
        """The one lake dataset these tags land on, opened over exactly the catalogued table
        (credentials as the token's scope allows; else the reader's own AWS_* environment)."""
        from catalog_sync.discovery.open import access_from_json, open_lake_dataset

        body = self.resolve(tags=tags, type=type or "lake", provider=provider,
                            binding=binding, format="json", one=True, pipeline=pipeline)
        assert isinstance(body, dict)
        return open_lake_dataset(access_from_json(body))

    def connection(self, **query: Any) -> Connection:
        """`resolve` as a Connection (password a SecretStr, present only with the scope)."""
        return self.connection_and_status(**query)[0]

    def connection_and_status(self, **query: Any) -> tuple[Connection, PasswordStatus]:
        """`connection`, and whether the API included the password (if not, why). A
        connection is a database's: without a `type`, any database type (`database`), so tags
        that also land on lake datasets still resolve."""
        query["type"] = query.get("type") or ANY_DATABASE
        body = self.resolve(**query, format="json")
        assert isinstance(body, dict)
        password = body.get("password")
        conn = Connection(
            binding=body["binding"], type=body["type"], provider=body.get("provider"),
            host=body.get("host"), port=body.get("port"), database=body.get("database"),
            username=body.get("user"), password=SecretStr(password) if password else None,
            sslmode=body.get("sslmode"),
        )
        included = bool(body.get("password_included", password is not None))
        return conn, PasswordStatus(included, body.get("password_omitted_reason"))

    def project_binding(self, folder: Path, **query: Any) -> list[str]:
        """Write the resolved connection as a servicebinding.io folder (files mode 0600)."""
        return project_binding(self.connection(**query), folder)



def open_dataset(
    *, tags: Iterable[str] = (), type: str | None = None, provider: str | None = None,
    binding: str | None = None, pipeline: str | None = None, url: str | None = None,
    token: str | None = None,
) -> ds.Dataset:
    """The one lake dataset these tags land on, as a pyarrow Dataset: through the API when a
    URL is given or CATALOG_SYNC_API_URL is set, else from the local catalog and binding root.
    With `pipeline`, the catalog records that it read the dataset (a failure is a warning)."""
    settings = get_settings()
    if url or settings.api_url:
        with CatalogClient(url=url, token=token) as client:
            return client.open_dataset(tags=tags, type=type, provider=provider,
                                       binding=binding, pipeline=pipeline)
    from catalog_sync.discovery.answer import resolve_lake
    from catalog_sync.discovery.open import open_lake_dataset
    from catalog_sync.store import open_store
    from catalog_sync.usage.aspects import Pipeline
    from catalog_sync.usage.record import record_reads

    reader = Pipeline.parse(pipeline) if pipeline is not None else None
    store = open_store(settings)
    try:
        access = resolve_lake(store, tags, type=type or "lake", provider=provider,
                              name=binding, one=True, binding_root=settings.binding_root)[0]
        if reader is not None:
            record_reads(store, reader, [access.dataset.urn])
    finally:
        store.close()
    return open_lake_dataset(access)
