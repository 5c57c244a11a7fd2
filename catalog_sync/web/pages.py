"""What the web pages show, built from the catalog store and the tag definitions (no HTML here).

The search page's counts are those of the current results: the matches are streamed once
through `CatalogReader.scan` (the same store call `assets --view` and resolution use) and their
tags, platforms and subtypes counted; beyond `FACET_LIMIT` matches the counts say they cover
the first ones only. The asset page is `catalog_sync.details.AssetDetails` (what `assets show`
prints and `/v1/assets/{urn}` returns) plus the container path and tag colours.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from itertools import islice
from urllib.parse import quote, urlencode

from catalog_sync.details import AssetDetails
from catalog_sync.store import AssetQuery, CatalogEntry, CatalogReader
from catalog_sync.tagging.definitions import TagSet

FACET_LIMIT = 10_000
OTHER_GROUP = "other"
_CONTAINER_DEPTH = 8  # database -> schema, lake root -> folders: never deeper in practice


@dataclass(frozen=True, slots=True)
class Facets:
    """Counts over the current results (the first `counted` of `total`)."""

    tags: Counter[str]
    platforms: Counter[str]
    subtypes: Counter[str]
    counted: int
    total: int

    @classmethod
    def empty(cls) -> Facets:
        return cls(Counter(), Counter(), Counter(), 0, 0)

    @property
    def partial(self) -> bool:
        return self.counted < self.total


def facets(store: CatalogReader, query: AssetQuery) -> Facets:
    """Tag, platform and subtype counts of every match of `query` (up to FACET_LIMIT)."""
    tags: Counter[str] = Counter()
    platforms: Counter[str] = Counter()
    subtypes: Counter[str] = Counter()
    counted = 0
    for entry in islice(store.scan(query), FACET_LIMIT):
        counted += 1
        tags.update(entry.tags)
        platforms[entry.platform] += 1
        subtypes.update(entry.subtypes)
    total = counted if counted < FACET_LIMIT else store.search(
        replace(query, offset=0, limit=0)).total
    return Facets(tags, platforms, subtypes, counted, total)


@dataclass(frozen=True, slots=True)
class TagChoice:
    """One tag in the filter picker: its colour, its count in the results, how it is used."""

    name: str
    colour: str | None
    description: str
    count: int
    mode: str | None  # "all" | "any" | "none" | None


@dataclass(frozen=True, slots=True)
class GroupChoice:
    name: str
    description: str
    exclusive: bool
    tags: list[TagChoice] = field(default_factory=list)


def tag_colour(tag_set: TagSet, tag: str) -> str | None:
    definition = tag_set.definition_for(tag)
    return definition.colour if definition else None


def picker(tag_set: TagSet, in_use: Iterable[str], query: AssetQuery,
           counts: Counter[str]) -> list[GroupChoice]:
    """The defined tags (families expanded to the tags in use) by group, in definition order;
    tags in use that no definition covers come last under `other`."""
    names = [d.name for d in tag_set.definitions if "*" not in d.name]
    families = [d for d in tag_set.definitions if "*" in d.name]
    used = sorted(set(in_use) | query.all_tags | query.any_tags | query.no_tags)
    names += [t for t in used if t not in names and any(f.covers(t) for f in families)]
    names += [t for t in used if t not in names]
    groups: dict[str, GroupChoice] = {
        g.name: GroupChoice(g.name, g.description, g.exclusive) for g in tag_set.groups}
    for name in names:
        definition = tag_set.definition_for(name)
        group_name = (definition.group if definition else None) or OTHER_GROUP
        group = groups.setdefault(group_name, GroupChoice(group_name, "", False))
        mode = ("all" if name in query.all_tags else "any" if name in query.any_tags
                else "none" if name in query.no_tags else None)
        group.tags.append(TagChoice(name, definition.colour if definition else None,
                                    definition.description if definition else "",
                                    counts.get(name, 0), mode))
    return [g for g in groups.values() if g.tags]


def query_string(query: AssetQuery, offset: int | None = None) -> str:
    """The search page's URL query for `query` (the same parameters as `/v1/assets`)."""
    params: list[tuple[str, str]] = [("q", query.text)] if query.text else []
    params += [("tag", t) for t in sorted(query.all_tags)]
    params += [("any_tag", t) for t in sorted(query.any_tags)]
    params += [("not_tag", t) for t in sorted(query.no_tags)]
    params += [(k, v) for k, v in (("platform", query.platform), ("subtype", query.subtype))
               if v]
    if query.kind.value != "dataset":
        params.append(("entity", query.kind.value))
    chosen = query.offset if offset is None else offset
    if chosen:
        params.append(("offset", str(chosen)))
    return urlencode(params)


def asset_href(urn: str) -> str:
    return "/assets/" + quote(urn, safe=":")


@dataclass(frozen=True, slots=True)
class PathPart:
    name: str
    href: str | None


def container_path(store: CatalogReader, entry: CatalogEntry) -> list[PathPart]:
    """The containers above `entry`, outermost first (database -> schema, root -> folder)."""
    parts: list[PathPart] = []
    seen = {entry.urn}
    urn = entry.container
    while urn and urn not in seen and len(parts) < _CONTAINER_DEPTH:
        seen.add(urn)
        parent = store.get(urn)
        if parent is None:
            parts.append(PathPart(urn, None))
            break
        parts.append(PathPart(parent.name, asset_href(urn)))
        urn = parent.container
    return parts[::-1]


def frontend_link(frontend_url: str | None, details: AssetDetails) -> str | None:
    """DataHub's own page of the asset, when DATAHUB_FRONTEND_URL names DataHub's UI."""
    if not frontend_url:
        return None
    return f"{frontend_url.rstrip('/')}/{details.type}/{quote(details.urn, safe='')}"
