"""Tags as code: definitions and rules from `tags/`, and the pure policy that applies them."""

from __future__ import annotations

from catalog_sync.tagging.definitions import (
    TagDefinition,
    TagGroup,
    TagRule,
    TagSet,
    load_tag_set,
)
from catalog_sync.tagging.policy import TagDecision, decide_tags

__all__ = [
    "TagDecision",
    "TagDefinition",
    "TagGroup",
    "TagRule",
    "TagSet",
    "decide_tags",
    "load_tag_set",
]
