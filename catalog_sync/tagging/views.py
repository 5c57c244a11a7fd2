"""A saved view (tags/views.yml) as an asset query: what `assets --view` and the web page show.

A view is the assets of its entity types carrying any tag that matches one of its globs. The
store matches tags by exact name, so the globs are expanded against the tags in use first: the
same expansion the GMS view sync saves (catalog_sync.store.gms.views).
"""

from __future__ import annotations

from collections.abc import Iterable

from catalog_sync.store.model import AssetQuery, EntityKind
from catalog_sync.tagging.definitions import ViewDefinition


def view_query(
    view: ViewDefinition, tags_in_use: Iterable[str], all_tags: frozenset[str] = frozenset()
) -> AssetQuery | None:
    """The query of `view` (narrowed to `all_tags` as well); None when no tag in use matches
    it, so nothing can be in it."""
    covered = frozenset(t for t in tags_in_use if view.covers({t}))
    if not covered:
        return None
    kinds = set(view.entity_types)
    kind = EntityKind.ALL if len(kinds) > 1 else EntityKind(next(iter(kinds)))
    return AssetQuery(all_tags=all_tags, any_tags=covered, kind=kind)
