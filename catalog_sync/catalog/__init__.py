"""Reading the catalog back: the embedded DataHub Lite store, or DataHub GMS."""

from __future__ import annotations

from catalog_sync.catalog.query import AssetPage, AssetQuery, CatalogReader, EntityKind, TagCount
from catalog_sync.settings import Settings

__all__ = [
    "AssetPage", "AssetQuery", "CatalogReader", "EntityKind", "TagCount", "open_catalog",
]


def open_catalog(settings: Settings) -> CatalogReader:
    """GMS when `DATAHUB_GMS_URL` is set, else the embedded DataHub Lite file."""
    if settings.gms_url:
        from catalog_sync.catalog.gms import GmsCatalog

        token = settings.gms_token.get_secret_value() if settings.gms_token else None
        return GmsCatalog(server=settings.gms_url, token=token)
    from catalog_sync.catalog.lite_index import LiteCatalog

    return LiteCatalog(settings.catalog)
