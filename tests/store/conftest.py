"""A catalog of 130 datasets and their containers, in whichever backend the test runs on."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from catalog_sync.bindings import Binding
from catalog_sync.model import Asset
from catalog_sync.store import CatalogStore
from tests.support.backends import Backend
from tests.support.catalog import database_assets, lake_asset, write_catalog

CLOUDS = ("aws", "gcp", "azure")


@dataclass
class Populated:
    backend: Backend
    store: CatalogStore
    assets: list[Asset]


def populated_assets() -> list[Asset]:
    """100 lake datasets (every other one `training`, a cloud each) and 30 tables."""
    lake = [
        lake_asset(f"lake/set{i:03d}", {"data lake", CLOUDS[i % 3]}
                   | ({"training"} if i % 2 == 0 else set()))
        for i in range(100)
    ]
    gp = Binding(name="gp-train", type="greenplum", provider="vmware", host="gp", port=5432,
                 database="warehouse")
    _, tables = database_assets(gp, [f"public.t{i:02d}" for i in range(30)], role="training")
    return [*lake, *tables]


@pytest.fixture
def populated(backend: Backend) -> Populated:
    assets = populated_assets()
    write_catalog(backend, assets)
    return Populated(backend, backend.store(), assets)
