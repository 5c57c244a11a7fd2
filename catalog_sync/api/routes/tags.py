"""`/v1/tags`: every tag in use with its asset count."""

from __future__ import annotations

from catalog_sync.api.deps import ServicesDep, read, v1_router
from catalog_sync.api.schemas import TagCountOut

router = v1_router("/tags", "tags")


@router.get("", response_model=list[TagCountOut])
async def list_tags(services: ServicesDep) -> list[TagCountOut]:
    """Tags with the number of live datasets and containers carrying each."""
    counts = await read(services, services.store.tag_counts)
    return [TagCountOut(name=c.name, count=c.count) for c in counts]
