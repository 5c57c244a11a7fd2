"""`catalog-sync tags lint`: problems in `tags/` found before any rule runs, each at file:line.

Checks: entries that do not load (invalid names, bad keys), unknown tags and groups, rules that
can never match (a fact no source produces for that combination, a glob that contradicts
`source`/`platform`/`scheme`, an empty list), tags a rule can never add (a template over a fact
its assets lack), and conflicts inside a mutually exclusive group (one rule adding two of its
tags, or two rules that certainly overlap adding different ones).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from catalog_sync.errors import TagRulesError
from catalog_sync.tagging.definitions import MATCH_KEYS, TagRule, TagSet, load_tag_set
from catalog_sync.templates import TemplateError, fill, placeholders


@dataclass(frozen=True, slots=True)
class FactProfile:
    """The facts one kind of asset carries: values that are always the same, keys that vary."""

    name: str
    fixed: tuple[tuple[str, str], ...]
    free: frozenset[str]


_LAKE_FREE = frozenset({"path", "table"})
_DATABASE_FREE = frozenset(
    {"subtype", "binding_name", "binding_type", "binding_provider", "database", "schema", "table"}
)
# What each source puts in Asset.facts (sources/lake/assets.py, sources/database/assets.py);
# keep in step with the sources. No source produces `cloud`, so a rule matching it never fires.
PROFILES: tuple[FactProfile, ...] = (
    FactProfile("lake on local disk", (("source", "lake"), ("platform", "file"),
                                       ("scheme", "file"), ("subtype", "Table")), _LAKE_FREE),
    FactProfile("lake on S3", (("source", "lake"), ("platform", "s3"), ("scheme", "s3"),
                               ("subtype", "Table")), _LAKE_FREE | {"bucket"}),
    FactProfile("lake on GCS", (("source", "lake"), ("platform", "gcs"), ("scheme", "gs"),
                                ("subtype", "Table")), _LAKE_FREE | {"bucket"}),
    FactProfile("PostgreSQL", (("source", "database"), ("platform", "postgres")), _DATABASE_FREE),
    FactProfile("Greenplum", (("source", "database"), ("platform", "greenplum")), _DATABASE_FREE),
)

_GLOB_CHARS = re.compile(r"[*?\[]")


@dataclass(frozen=True, slots=True)
class LintProblem:
    """One report line."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.message}"


def _is_literal(glob: str) -> bool:
    return not _GLOB_CHARS.search(glob)


def _template_fields(template: str) -> list[str] | None:
    """Field names in a `{fact}` template; None when it is not plain `{name}` placeholders."""
    try:
        return placeholders(template)
    except TemplateError:
        return None


def _profiles_for(rule: TagRule) -> list[FactProfile]:
    """Profiles on which every match key exists and every fixed value fits the rule's globs."""
    fitting = []
    for profile in PROFILES:
        fixed = dict(profile.fixed)
        if all(
            (key in fixed and any(fnmatch.fnmatchcase(fixed[key], g) for g in globs))
            or (key not in fixed and key in profile.free)
            for key, globs in rule.match.items()
        ):
            fitting.append(profile)
    return fitting


def _resolved(template: str, rule: TagRule) -> str | None:
    """A template with each fact filled in when the rule pins it to one value, else None."""
    pinned = {}
    for key, globs in rule.match.items():
        if len(globs) == 1 and _is_literal(globs[0]):
            pinned[key] = globs[0]
    if _template_fields(template) is None:
        return None
    return fill(template, pinned)


def _sample(template: str) -> str:
    """A template with every fact replaced by a placeholder, to test family coverage."""
    fields = _template_fields(template) or []
    return (fill(template, {f: "x" for f in fields}) or template) if fields else template


def _group_of(tag: str, tag_set: TagSet) -> str | None:
    definition = tag_set.definition_for(tag)
    group = tag_set.group_by_name.get(definition.group or "") if definition else None
    return group.name if group and group.exclusive else None


def _globs_overlap(left: list[str], right: list[str]) -> bool:
    """True only when some value certainly matches a glob of each list."""
    return any(
        a == b or a == "*" or b == "*"
        or (_is_literal(a) and fnmatch.fnmatchcase(a, b))
        or (_is_literal(b) and fnmatch.fnmatchcase(b, a))
        for a in left for b in right
    )


def _certainly_overlap(a: TagRule, b: TagRule) -> bool:
    shared_profiles = {p.name for p in _profiles_for(a)} & {p.name for p in _profiles_for(b)}
    if not shared_profiles:
        return False
    return all(_globs_overlap(a.match[k], b.match[k]) for k in set(a.match) & set(b.match))


def _check_names(tag_set: TagSet) -> Iterator[LintProblem]:
    seen: dict[str, str] = {}
    for d in tag_set.definitions:
        at = (d.file, d.line)
        if "{" in d.name or "}" in d.name:
            yield LintProblem(*at, f"invalid tag name {d.name!r}: templates belong in rules")
        if d.group and d.group not in tag_set.group_by_name:
            yield LintProblem(*at, f"tag {d.name!r} names unknown group {d.group!r}")
        if d.name in seen:
            yield LintProblem(*at, f"tag {d.name!r} is already defined at {seen[d.name]}")
        seen.setdefault(d.name, f"{d.file}:{d.line}")
    rules: dict[str, str] = {}
    for r in tag_set.rules:
        if r.name in rules:
            yield LintProblem(r.file, r.line, f"rule name {r.name!r} is already used at "
                              f"{rules[r.name]} (associations record the rule by name)")
        rules.setdefault(r.name, f"{r.file}:{r.line}")


def _check_rule(rule: TagRule, tag_set: TagSet) -> Iterator[LintProblem]:
    here = (rule.file, rule.line)
    for key, globs in rule.match.items():
        if not globs:
            yield LintProblem(*here, f"rule {rule.name!r} can never match: {key} is an empty list")
    profiles = _profiles_for(rule)
    if not profiles and all(rule.match.values()):
        yield LintProblem(*here, f"rule {rule.name!r} can never match: no source produces "
                          f"{', '.join(f'{k}={v}' for k, v in rule.match.items())} together")
    for template in rule.add:
        fields = _template_fields(template)
        if "*" in template:
            yield LintProblem(*here, f"invalid tag name {template!r} in rule {rule.name!r}: "
                              "`*` families belong in definitions, a rule adds one tag")
            continue
        if fields is None or any(f not in MATCH_KEYS for f in fields):
            yield LintProblem(*here, f"invalid tag template {template!r} in rule {rule.name!r} "
                              f"(facts: {', '.join(sorted(MATCH_KEYS))})")
            continue
        if tag_set.definition_for(_sample(template)) is None:
            yield LintProblem(*here, f"rule {rule.name!r} adds unknown tag {template!r} "
                              "(no definition or `*` family in tags/ covers it)")
        if fields and profiles and all(
            any(f not in dict(p.fixed) and f not in p.free for f in fields) for p in profiles
        ):
            yield LintProblem(*here, f"rule {rule.name!r} can never add {template!r}: its assets "
                              "lack the fact it names")
    yield from _check_own_conflict(rule, tag_set)


def _exclusive_tags(rule: TagRule, tag_set: TagSet) -> dict[str, set[str]]:
    """Exclusive group -> the tags of it the rule certainly adds."""
    by_group: dict[str, set[str]] = {}
    for template in rule.add:
        tag = _resolved(template, rule)
        group = _group_of(tag, tag_set) if tag else None
        if tag and group:
            by_group.setdefault(group, set()).add(tag)
    return by_group


def _check_own_conflict(rule: TagRule, tag_set: TagSet) -> Iterator[LintProblem]:
    for group, tags in sorted(_exclusive_tags(rule, tag_set).items()):
        if len(tags) > 1:
            yield LintProblem(rule.file, rule.line, f"rule {rule.name!r} adds "
                              f"{', '.join(sorted(tags))} from mutually exclusive group {group!r}")


def _check_pair_conflicts(tag_set: TagSet) -> Iterator[LintProblem]:
    for a, b in combinations(tag_set.rules, 2):
        a_tags, b_tags = _exclusive_tags(a, tag_set), _exclusive_tags(b, tag_set)
        clashes = sorted(g for g in a_tags if g in b_tags and a_tags[g] != b_tags[g])
        if clashes and _certainly_overlap(a, b):
            for group in clashes:
                yield LintProblem(
                    b.file, b.line,
                    f"rule {b.name!r} adds {', '.join(sorted(b_tags[group]))} and rule {a.name!r} "
                    f"({a.file}:{a.line}) adds {', '.join(sorted(a_tags[group]))} to the same "
                    f"assets, but group {group!r} is mutually exclusive",
                )


def _check_views(tag_set: TagSet) -> Iterator[LintProblem]:
    ids: set[str] = set()
    for v in tag_set.views:
        if v.id in ids:
            yield LintProblem(v.file, v.line, f"view id {v.id!r} is used twice")
        ids.add(v.id)
        for glob in v.any_tags:
            if tag_set.definition_for(glob.replace("*", "x")) is None:
                yield LintProblem(v.file, v.line, f"view {v.id!r} names unknown tag {glob!r}")
        for kind in v.entity_types:
            if kind not in ("dataset", "container"):
                yield LintProblem(v.file, v.line, f"view {v.id!r}: unknown entity type {kind!r}")


def lint_tag_set(tag_set: TagSet) -> list[LintProblem]:
    """Every problem in a loaded tag set, in file and line order."""
    problems = [*_check_names(tag_set), *_check_views(tag_set), *_check_pair_conflicts(tag_set)]
    for rule in tag_set.rules:
        problems += _check_rule(rule, tag_set)
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.message))


def lint_folder(folder: Path) -> list[LintProblem]:
    """Load `folder` collecting load errors too, then lint what loaded."""
    errors: list[TagRulesError] = []
    tag_set = load_tag_set(folder, problems=errors)
    loaded = [LintProblem(e.path, e.line, e.problem) for e in errors]
    return sorted([*loaded, *lint_tag_set(tag_set)], key=lambda p: (p.file, p.line or 0, p.message))
