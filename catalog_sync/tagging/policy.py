"""The tag policy: a pure function from an asset's facts and the rules to its tags."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from catalog_sync.tagging.definitions import TagRule, TagSet
from catalog_sync.templates import fill

RECIPE_ORIGIN = "recipe"


@dataclass(frozen=True, slots=True)
class TagDecision:
    """The tags an asset gets, each with the rule that produced it, and any group conflicts."""

    origins: Mapping[str, str] = field(default_factory=dict)
    conflicts: tuple[str, ...] = ()

    @property
    def tags(self) -> frozenset[str]:
        return frozenset(self.origins)


def _expand(template: str, facts: Mapping[str, str]) -> str | None:
    """`servicebinding:type:{binding_type}` -> the fact's value; None when a fact is missing.
    Templates were checked when the rule loaded (catalog_sync.templates); facts are data."""
    if "{" not in template:
        return template
    return fill(template, facts)


def decide_tags(
    facts: Mapping[str, str],
    tag_set: TagSet,
    extra_tags: Sequence[str] = (),
    extra_rules: Sequence[TagRule] = (),
) -> TagDecision:
    """Apply every matching rule in order; the first rule to add a tag is its origin."""
    origins: dict[str, str] = {}
    plain = dict(facts)
    for rule in (*tag_set.rules, *extra_rules):
        if rule.matches(plain):
            for template in rule.add:
                tag = _expand(template, plain)
                if tag:
                    origins.setdefault(tag, rule.name)
    for tag in extra_tags:
        origins.setdefault(tag, RECIPE_ORIGIN)
    return TagDecision(origins=origins, conflicts=exclusive_conflicts(origins, tag_set))


def exclusive_conflicts(origins: Mapping[str, str], tag_set: TagSet) -> tuple[str, ...]:
    """One message per exclusive group that holds more than one of the asset's tags."""
    by_group: dict[str, list[str]] = {}
    for tag in sorted(origins):
        definition = tag_set.definition_for(tag)
        group = tag_set.group_by_name.get(definition.group or "") if definition else None
        if group and group.exclusive:
            by_group.setdefault(group.name, []).append(tag)
    return tuple(
        f"tags {', '.join(repr(t) for t in tags)} are in exclusive group {name!r} "
        f"(from {', '.join(sorted({origins[t] for t in tags}))})"
        for name, tags in sorted(by_group.items())
        if len(tags) > 1
    )
