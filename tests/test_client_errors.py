"""The Python client raises the project's own error, naming the URL, when the API is down."""

from __future__ import annotations

import socket

import pytest

from catalog_sync.client import ApiUnavailableError, CatalogClient
from catalog_sync.errors import CatalogSyncError


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_api_that_is_down_is_a_catalog_sync_error_naming_the_url() -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    with CatalogClient(url=url, token="cst_x_secret-token", timeout=2) as client, \
            pytest.raises(ApiUnavailableError) as caught:
        client.tags()
    assert isinstance(caught.value, CatalogSyncError)
    assert url in str(caught.value) and "secret-token" not in str(caught.value)
