"""What a catalog reader answers: asset queries, pages, tag counts, and the reader contract.

To add a catalog backend: implement `CatalogReader` (a `kind` string, `search`, `get`,
`tag_counts`, `check`) and pick it in `catalog_sync.catalog.open_catalog`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from catalog_sync.catalog.lite_reader import CatalogEntry

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50


class EntityKind(StrEnum):
    """Which entities a query covers: datasets (default), containers, or both."""

    DATASET = "dataset"
    CONTAINER = "container"
    ALL = "all"


@dataclass(frozen=True, slots=True)
class AssetQuery:
    """Filters are ANDed: every `all_tags`, at least one `any_tags`, none of `no_tags`."""

    all_tags: frozenset[str] = frozenset()
    any_tags: frozenset[str] = frozenset()
    no_tags: frozenset[str] = frozenset()
    platform: str | None = None
    subtype: str | None = None
    text: str | None = None
    kind: EntityKind = EntityKind.DATASET
    offset: int = 0
    limit: int = DEFAULT_PAGE_SIZE

    def __post_init__(self) -> None:
        # An oversized page is capped, not refused: pipelines ask for "everything" often.
        object.__setattr__(self, "limit", max(0, min(self.limit, MAX_PAGE_SIZE)))
        object.__setattr__(self, "offset", max(0, self.offset))

    def matches(self, entry: CatalogEntry) -> bool:
        """The non-tag-index part of the filter, shared by every backend that filters locally."""
        if self.kind is not EntityKind.ALL and entry.entity_type != self.kind.value:
            return False
        tags = set(entry.tags)
        if not self.all_tags <= tags or (self.any_tags and not self.any_tags & tags):
            return False
        if self.no_tags & tags:
            return False
        if self.platform is not None and entry.platform != self.platform:
            return False
        if self.subtype is not None and self.subtype not in entry.subtypes:
            return False
        return self.text is None or self.text.lower() in entry.name.lower()


@dataclass(frozen=True, slots=True)
class AssetPage:
    """One page of a search, in URN order, with the total number of matches."""

    total: int
    offset: int
    limit: int
    items: list[CatalogEntry] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class TagCount:
    """A tag and how many live datasets and containers carry it."""

    name: str
    count: int


def page_of(entries: Iterable[CatalogEntry], query: AssetQuery) -> AssetPage:
    """Filter already-ordered entries by `query` and cut the requested page."""
    matched = [e for e in entries if query.matches(e)]
    return AssetPage(
        total=len(matched), offset=query.offset, limit=query.limit,
        items=matched[query.offset: query.offset + query.limit],
    )


class CatalogReader(Protocol):
    """Read access to the catalog, whatever stores it."""

    kind: str
    in_memory: bool  # True when calls never block on I/O (safe on the event loop)

    def search(self, query: AssetQuery) -> AssetPage:
        """Assets matching `query`, one page."""
        ...

    def get(self, urn: str) -> CatalogEntry | None:
        """One dataset or container by URN, None if absent or removed."""
        ...

    def tag_counts(self) -> list[TagCount]:
        """Every tag in use, with its asset count, by name."""
        ...

    def check(self) -> None:
        """Raise CatalogUnavailableError when the catalog cannot be read."""
        ...
