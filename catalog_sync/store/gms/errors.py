"""DataHub GMS failures as one line naming the server and the reason, never the token.

DataHub's client raises many unrelated types (requests' connection and HTTP errors, its own
OperationalError and GraphError, urllib3's retry errors). `reaching` turns each into
CatalogUnavailableError by its type and fields alone (HTTP status, OS error), not its text; the
only text passed on is what GMS itself said in a GraphQL error, first line only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import requests
from datahub.configuration.common import GraphError, OperationalError

from catalog_sync.errors import CatalogSyncError, CatalogUnavailableError


def _chain(err: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo: list[BaseException] = [err]
    while todo:
        current = todo.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo += [c for c in (current.__cause__, current.__context__) if c is not None]
        todo += [a for a in current.args if isinstance(a, BaseException)]


def _status(err: BaseException) -> int | None:
    for link in _chain(err):
        response = getattr(link, "response", None)
        if isinstance(link, requests.HTTPError) and response is not None:
            return int(response.status_code)
    return None


def _os_reason(err: BaseException) -> str | None:
    for link in _chain(err):
        reason = getattr(link, "reason", None)  # urllib3's MaxRetryError carries its cause
        if isinstance(reason, BaseException) and reason is not link:
            inner = _os_reason(reason)
            if inner:
                return inner
        if isinstance(link, OSError) and link.strerror:
            return link.strerror
    return None


def gms_reason(err: BaseException) -> str:
    """Why a GMS call failed, in a few words."""
    status = _status(err)
    if status in (401, 403):
        return f"GMS refused the request (HTTP {status}): check DATAHUB_GMS_TOKEN"
    if status is not None:
        return f"GMS answered HTTP {status}"
    if any(isinstance(link, requests.Timeout) for link in _chain(err)):
        return "no answer in time"
    if any(isinstance(link, requests.ConnectionError) for link in _chain(err)):
        return f"unreachable ({_os_reason(err) or 'connection failed'})"
    if isinstance(err, OperationalError):  # a subclass of GraphError: checked first
        return f"GMS refused the request ({err.message})"
    if isinstance(err, GraphError):
        first = str(err).splitlines()[0] if str(err) else "GraphQL error"
        return first[:300]
    return type(err).__name__


@contextmanager
def reaching(location: str) -> Iterator[None]:
    """Run GMS calls; their failures become one CatalogUnavailableError line."""
    try:
        yield
    except CatalogSyncError:
        raise
    except Exception as err:
        raise CatalogUnavailableError(location, gms_reason(err)) from err
