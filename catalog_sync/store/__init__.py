"""The catalog store: the only code that touches DataHub storage (see `interface`).

Two backends: the embedded DataHub Lite file (`lite`, the default) and DataHub GMS (`gms`, when
`DATAHUB_GMS_URL` is set). This module is the one place that picks one: from the settings
(`open_store`), or from the sink a recipe writes to (`store_for_sink`, `store_for_pipeline`).
It imports no backend until one is asked for: the records in `model` are light.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from catalog_sync.store.interface import CatalogReader, CatalogStore, TagEdit
from catalog_sync.store.model import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    AssetPage,
    AssetQuery,
    CatalogEntry,
    EntityKind,
    TagCount,
)

if TYPE_CHECKING:
    from datahub.ingestion.api.common import PipelineContext
    from datahub.ingestion.graph.client import DataHubGraph

    from catalog_sync.settings import Settings

__all__ = [
    "DEFAULT_PAGE_SIZE", "MAX_PAGE_SIZE", "AssetPage", "AssetQuery", "CatalogEntry",
    "CatalogReader", "CatalogStore", "EntityKind", "TagCount", "TagEdit",
    "open_store", "store_for_pipeline", "store_for_sink",
]

LITE_SINKS = frozenset({"catalog-sync-lite", "datahub-lite"})
REST_SINKS = frozenset({"catalog-sync-rest", "datahub-rest"})


def open_store(settings: Settings) -> CatalogStore:
    """GMS when `DATAHUB_GMS_URL` is set, else the embedded DataHub Lite file."""
    if settings.gms_url:
        from catalog_sync.store.gms.store import GmsStore

        token = settings.gms_token.get_secret_value() if settings.gms_token else None
        return GmsStore(server=settings.gms_url, token=token, state_dir=settings.catalog.parent)
    from catalog_sync.store.lite.store import LiteStore

    return LiteStore(settings.catalog)


def lite_file(sink: dict[str, Any]) -> Path | None:
    """The SQLite file of a DataHub Lite sink config, if that is what it is."""
    if sink.get("type") not in LITE_SINKS:
        return None
    lite = sink.get("config") or {}
    if lite.get("type", "sqlite") != "sqlite":
        return None
    file = (lite.get("config") or {}).get("file")
    return Path(file) if file else None


def store_for_sink(
    sink: dict[str, Any], settings: Settings, graph: DataHubGraph | None = None
) -> CatalogStore | None:
    """The store a recipe's sink writes into; None for sinks with no catalog (`file`)."""
    catalog = lite_file(sink)
    if catalog is not None:
        from catalog_sync.store.lite.store import LiteStore

        return LiteStore(catalog)
    if sink.get("type") in REST_SINKS:
        from catalog_sync.store.gms.store import GmsStore

        config = sink.get("config") or {}
        server = config.get("server") or settings.gms_url or ""
        token = None if graph is not None else config.get("token")
        return GmsStore(server=server, token=token, graph=graph,
                        state_dir=settings.catalog.parent)
    return None


def store_for_pipeline(ctx: PipelineContext) -> CatalogStore | None:
    """The store the pipeline of `ctx` writes into (its sink), for the sources' reads."""
    from catalog_sync.settings import get_settings

    config = ctx.pipeline_config
    sink = getattr(config, "sink", None) if config else None
    if sink is None:
        return None
    as_dict = {"type": sink.type, "config": sink.config or {}}
    if as_dict["type"] in REST_SINKS and ctx.graph is None:
        return None
    return store_for_sink(as_dict, get_settings(), graph=ctx.graph)
