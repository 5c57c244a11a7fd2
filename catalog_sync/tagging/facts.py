"""The facts tag rules match on, recorded on each catalogued asset so rules can be re-run later.

Ingestion stores an asset's facts as the custom property `catalog_sync.facts` (JSON) on its
dataset or container, and the tags its recipe added on its own (`tags:` and inline
`tag_rules:`, which `tags/` does not know) as `catalog_sync.recipe_tags`. `tags plan` reads both
back from the catalog, so a rule change can be evaluated without re-ingesting anything.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

FACTS_PROPERTY = "catalog_sync.facts"
RECIPE_TAGS_PROPERTY = "catalog_sync.recipe_tags"


def fact_properties(
    facts: Mapping[str, str], recipe_origins: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The custom properties that record `facts` (and recipe-owned tags, if any)."""
    properties = {FACTS_PROPERTY: json.dumps(dict(facts), sort_keys=True)}
    if recipe_origins:
        properties[RECIPE_TAGS_PROPERTY] = json.dumps(dict(recipe_origins), sort_keys=True)
    return properties


def _json_map(properties: Mapping[str, str], key: str) -> dict[str, str] | None:
    raw = properties.get(key)
    if raw is None:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(value, dict):
        return None
    return {str(k): str(v) for k, v in value.items()}


def recorded_facts(properties: Mapping[str, str]) -> dict[str, str] | None:
    """The facts ingestion recorded, or None for an entity catalog-sync never tagged."""
    return _json_map(properties, FACTS_PROPERTY)


def recorded_recipe_tags(properties: Mapping[str, str]) -> dict[str, str]:
    """Tag -> origin for tags the asset's recipe added beyond the rules in `tags/`."""
    return _json_map(properties, RECIPE_TAGS_PROPERTY) or {}
