"""What the catalog store answers: entries, queries, pages and tag counts, as plain records.

Free of DataHub imports: the CLI builds queries at start-up, and the unchanged-run check reads
the embedded catalog before DataHub is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50


class EntityKind(StrEnum):
    """Which entities a query covers: datasets (default), containers, or both."""

    DATASET = "dataset"
    CONTAINER = "container"
    ALL = "all"

    @property
    def entity_types(self) -> tuple[str, ...]:
        """DataHub entity type names this kind covers."""
        return ("dataset", "container") if self is EntityKind.ALL else (self.value,)


@dataclass(slots=True)
class CatalogEntry:
    """One dataset or container as the catalog holds it (the same shape from every backend)."""

    urn: str
    entity_type: str
    name: str
    platform: str
    subtypes: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    tag_associations: list[dict[str, Any]] = field(default_factory=list)
    properties: dict[str, str] = field(default_factory=dict)
    description: str | None = None
    removed: bool = False
    container: str | None = None
    fields: list[dict[str, Any]] = field(default_factory=list)
    # DataHub's JSON of the detail aspects (`entries.DETAIL_ASPECTS`), filled by `get` only:
    # what `assets show` and `/v1/assets/{urn}` show beyond the search card.
    aspects: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """The `--json` shape of `catalog-sync assets`."""
        return {
            "urn": self.urn,
            "type": self.entity_type,
            "name": self.name,
            "platform": self.platform,
            "subtypes": self.subtypes,
            "tags": self.tags,
            "properties": self.properties,
        }


@dataclass(frozen=True, slots=True)
class AssetQuery:
    """Filters are ANDed: every `all_tags`, at least one `any_tags`, none of `no_tags`.

    `text` is free text: on the embedded store a case-insensitive "name contains"; on GMS,
    DataHub's own full-text search (it matches names, descriptions and more).
    """

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
        """The whole filter, for a backend that filters entries itself (the embedded index)."""
        if entry.removed or entry.entity_type not in self.kind.entity_types:
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
