"""The web page over the API's sample catalog (tests.support.catalog.sample_catalog), on both
backends, with a reader's token and a steward's (`tags:write`), driven by Starlette's
TestClient: cookies are kept per client, as a browser keeps them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from catalog_sync.api.main import create_app
from catalog_sync.auth import TokenStore
from catalog_sync.settings import get_settings
from catalog_sync.store import CatalogStore
from tests.support.backends import Backend
from tests.support.catalog import sample_catalog

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Site:
    client: TestClient
    tokens: dict[str, str]
    store: CatalogStore
    backend: Backend

    def csrf(self, page: Response) -> str:
        found = CSRF.search(page.text)
        assert found, page.text[:500]
        return found.group(1)

    def sign_in(self, who: str = "read", next_path: str = "/") -> Response:
        form = self.client.get("/sign-in")
        return self.client.post("/sign-in", data={
            "token": self.tokens[who], "csrf": self.csrf(form), "next": next_path},
            follow_redirects=False)


@pytest.fixture
def site(backend: Backend) -> Iterator[Site]:
    sample_catalog(backend)
    tokens_file = TokenStore(get_settings().tokens_path)
    tokens = {
        "read": tokens_file.create(["catalog:read"], "reader")[1],
        "steward": tokens_file.create(["catalog:read", "tags:write"], "steward")[1],
        "no-read": tokens_file.create(["bindings:secrets"], "odd")[1],
    }
    store = backend.store()
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        yield Site(client, tokens, store, backend)
    store.close()
