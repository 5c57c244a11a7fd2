"""Which tag names mean something: defined in the tags folder (exactly or by a `*` family) or
carried by some asset. A name that is neither is almost always a typo (`Training`), and a
filter on it would quietly match nothing, so it is refused with the closest known names."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from catalog_sync.errors import BadInputError
from catalog_sync.tagging.definitions import TagRule, TagSet

SUGGESTIONS = 3


class UnknownTagError(BadInputError):
    """A tag no definition covers and no asset carries (exit 2); names the closest ones."""

    def __init__(self, tag: str, closest: list[str]) -> None:
        hint = f"; closest: {', '.join(closest)}" if closest else ""
        super().__init__(f"unknown tag {tag!r}: not defined in the tags folder and on no "
                         f"asset{hint}")
        self.tag = tag
        self.closest = closest


def closest_tags(tag: str, known: Iterable[str]) -> list[str]:
    """Case-insensitive equals first, then similar spellings."""
    names = sorted(set(known))
    same = [n for n in names if n.lower() == tag.lower()]
    similar = difflib.get_close_matches(tag.lower(), [n.lower() for n in names],
                                        n=SUGGESTIONS, cutoff=0.6)
    by_lower = {n.lower(): n for n in names}
    return list(dict.fromkeys([*same, *(by_lower[s] for s in similar)]))[:SUGGESTIONS]


def check_known_tags(wanted: Iterable[str], tag_set: TagSet, in_use: Iterable[str]) -> None:
    """Raise UnknownTagError for the first of `wanted` that means nothing."""
    used = set(in_use)
    for tag in sorted(set(wanted)):
        if tag in used or tag_set.definition_for(tag) is not None:
            continue
        known = used | {d.name for d in tag_set.definitions if "*" not in d.name}
        raise UnknownTagError(tag, closest_tags(tag, known))


UNDEFINED_TAG_WARNING = "Undefined tag"


def undefined_rule_tags(
    tag_set: TagSet, extra_rules: Iterable[TagRule] = (), extra_tags: Iterable[str] = ()
) -> list[tuple[str, str]]:
    """(message, where) for every plain tag a rule (or the recipe's `tags:`) adds that no
    definition covers: a typo (`trainin`) would otherwise be written to the catalog silently.
    Templates (`{fact}`) are left to `tags lint`, which knows what facts can hold."""
    found = []
    for rule in (*tag_set.rules, *extra_rules):
        for template in rule.add:
            if "{" in template or tag_set.definition_for(template) is not None:
                continue
            where = f"{rule.file}:{rule.line}" if rule.line is not None else rule.file
            message = (f"rule {rule.name!r} adds {template!r}, which no definition in the tags "
                       f"folder covers{_hint(template, tag_set)}")
            found.append((message, where))
    for tag in extra_tags:
        if tag_set.definition_for(tag) is None:
            message = (f"the recipe's tags: adds {tag!r}, which no definition in the tags "
                       f"folder covers{_hint(tag, tag_set)}")
            found.append((message, "recipe tags"))
    return found


def _hint(tag: str, tag_set: TagSet) -> str:
    near = closest_tags(tag, (d.name for d in tag_set.definitions if "*" not in d.name))
    return f" (did you mean {', '.join(repr(n) for n in near)}?)" if near else ""
