"""Tag definitions, groups, rules and views, loaded from the YAML files in `tags/`.

A `tags/` folder holds any number of `*.yml` files; each may carry `groups:`, `tags:`,
`rules:` and `views:`. Everything keeps the file and line it came from, for lint and errors.
"""

from __future__ import annotations

import fnmatch
import re
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from catalog_sync.errors import TagRulesError
from catalog_sync.tagging.yaml_lines import LINE_KEY, load_with_lines, strip_lines
from catalog_sync.templates import placeholders

# Facts a rule can match on; sources fill the ones that make sense for them.
MATCH_KEYS: frozenset[str] = frozenset(
    {
        "source",
        "platform",
        "subtype",
        "path",
        "bucket",
        "scheme",
        "binding_name",
        "binding_type",
        "binding_provider",
        "database",
        "schema",
        "table",
        "cloud",
    }
)

_TAG_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.:/\-{}*]{0,99}$")


def check_tag_name(name: str) -> str:
    """Tag names are short, printable and start with a letter or digit; `{fact}` templates and
    `*` families are allowed where a name is a pattern."""
    if not _TAG_NAME.match(name) or name != name.strip() or "  " in name:
        raise ValueError(f"invalid tag name {name!r}")
    return name


class _Located(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str = ""
    line: int | None = None


class TagGroup(_Located):
    """A family of tags; an exclusive group allows at most one of its tags per asset."""

    name: str
    description: str = ""
    exclusive: bool = False


class TagDefinition(_Located):
    """A tag's meaning. A name with `*` defines a family (`servicebinding:type:*`)."""

    name: str
    description: str = ""
    colour: str | None = Field(default=None, pattern=r"^#[0-9A-Fa-f]{6}$")
    group: str | None = None

    @field_validator("name")
    @classmethod
    def _valid_name(cls, value: str) -> str:
        return check_tag_name(value)

    def covers(self, tag: str) -> bool:
        """True when this definition names `tag` exactly or as a family pattern."""
        return fnmatch.fnmatchcase(tag, self.name) if "*" in self.name else tag == self.name


class TagRule(_Located):
    """Adds tags to every asset whose facts match all `match` globs (any glob of a list)."""

    name: str
    match: dict[str, list[str]] = Field(default_factory=dict)
    add: list[str]
    description: str = ""

    @field_validator("match", mode="before")
    @classmethod
    def _listify(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: v if isinstance(v, list) else [v] for k, v in value.items()}
        return value

    @field_validator("match")
    @classmethod
    def _known_keys(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = sorted(set(value) - MATCH_KEYS)
        if unknown:
            raise ValueError(
                f"unknown match key {unknown[0]!r} (known: {', '.join(sorted(MATCH_KEYS))})"
            )
        return {k: [str(g) for g in v] for k, v in value.items()}

    @field_validator("add")
    @classmethod
    def _valid_tags(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("a rule must add at least one tag")
        for template in value:
            placeholders(template)  # `{fact}` only: rule files are user text (templates.py)
        return [check_tag_name(v) for v in value]

    def matches(self, facts: dict[str, str]) -> bool:
        """All keys must be present in `facts` and match one of their globs."""
        for key, globs in self.match.items():
            value = facts.get(key)
            if value is None or not any(fnmatch.fnmatchcase(value, g) for g in globs):
                return False
        return True


class ViewDefinition(_Located):
    """A saved search: assets (datasets, containers) carrying any tag matching `any_tags`."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    description: str = ""
    any_tags: list[str]
    entity_types: list[str] = Field(default_factory=lambda: ["dataset", "container"])

    def covers(self, tags: frozenset[str] | set[str]) -> bool:
        """True when any of `tags` matches one of the view's tag globs."""
        return any(fnmatch.fnmatchcase(t, g) for t in tags for g in self.any_tags)


class TagSet(BaseModel):
    """Everything in one `tags/` folder."""

    model_config = ConfigDict(frozen=True)

    groups: tuple[TagGroup, ...] = ()
    definitions: tuple[TagDefinition, ...] = ()
    rules: tuple[TagRule, ...] = ()
    views: tuple[ViewDefinition, ...] = ()

    @cached_property
    def group_by_name(self) -> dict[str, TagGroup]:
        return {g.name: g for g in self.groups}

    def definition_for(self, tag: str) -> TagDefinition | None:
        """The exact definition of `tag`, else the first family pattern that covers it."""
        exact = next((d for d in self.definitions if d.name == tag), None)
        return exact or next((d for d in self.definitions if d.covers(tag)), None)

    def view(self, view_id: str) -> ViewDefinition:
        """The view with this id; an unknown id is bad input naming the known ones."""
        found = next((v for v in self.views if v.id == view_id), None)
        if found is None:
            known = ", ".join(v.id for v in self.views) or "none"
            raise TagRulesError("views", f"unknown view {view_id!r} (known: {known})")
        return found


def _parse(model: type[_Located], raw: Any, file: str, what: str) -> Any:
    if not isinstance(raw, dict):
        raise TagRulesError(file, f"each entry under {what} must be a mapping")
    line = raw.get(LINE_KEY)
    data = strip_lines(raw)
    try:
        return model.model_validate({**data, "file": file, "line": line})
    except ValidationError as err:
        first = err.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise TagRulesError(file, f"{what}.{loc}: {first['msg']}", line) from err


def _listed(doc: dict[str, Any], key: str, file: str) -> list[Any]:
    value = doc.get(key) or []
    if isinstance(value, dict) and key == "groups":
        return [
            {"name": k, **(v or {}), LINE_KEY: (v or {}).get(LINE_KEY, value.get(LINE_KEY))}
            for k, v in value.items()
            if k != LINE_KEY
        ]
    if not isinstance(value, list):
        raise TagRulesError(file, f"{key} must be a list", doc.get(LINE_KEY))
    return value


def _parse_each(
    model: type[_Located], items: list[Any], file: str, what: str,
    problems: list[TagRulesError] | None,
) -> list[Any]:
    parsed = []
    for raw in items:
        try:
            parsed.append(_parse(model, raw, file, what))
        except TagRulesError as err:
            if problems is None:
                raise
            problems.append(err)
    return parsed


_SECTIONS = ("groups", "tags", "rules", "views")


def _load_file(path: Path) -> dict[str, Any]:
    file = str(path)
    try:
        doc = load_with_lines(path) or {}
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise TagRulesError(
            file, f"not valid YAML: {getattr(err, 'problem', err)}",
            mark.line + 1 if mark else None,
        ) from err
    if not isinstance(doc, dict):
        raise TagRulesError(file, "top level must be a mapping")
    unknown = sorted(set(doc) - {*_SECTIONS, LINE_KEY})
    if unknown:
        raise TagRulesError(file, f"unknown key {unknown[0]!r}", doc.get(LINE_KEY))
    return doc


def load_tag_set(folder: Path, problems: list[TagRulesError] | None = None) -> TagSet:
    """Load every `*.yml`/`*.yaml` file in `folder` (sorted); a missing folder is an error.

    With a `problems` list (lint), bad entries and files are collected there and skipped,
    so one run reports them all; without it the first one raises.
    """
    if not folder.is_dir():
        raise TagRulesError(
            str(folder.absolute()),
            "tags folder not found (CATALOG_SYNC_TAGS_DIR or a recipe's tags_dir names it; "
            "unset, ./tags or else the packaged defaults are used)",
        )
    groups: list[TagGroup] = []
    definitions: list[TagDefinition] = []
    rules: list[TagRule] = []
    views: list[ViewDefinition] = []
    files = sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")])
    for path in files:
        file = str(path)
        try:
            doc = _load_file(path)
            sections = {key: _listed(doc, key, file) for key in _SECTIONS}
        except TagRulesError as err:
            if problems is None:
                raise
            problems.append(err)
            continue
        groups += _parse_each(TagGroup, sections["groups"], file, "groups", problems)
        definitions += _parse_each(TagDefinition, sections["tags"], file, "tags", problems)
        rules += _parse_each(TagRule, sections["rules"], file, "rules", problems)
        views += _parse_each(ViewDefinition, sections["views"], file, "views", problems)
    return TagSet(
        groups=tuple(groups), definitions=tuple(definitions), rules=tuple(rules), views=tuple(views)
    )


def parse_inline_rules(raw: list[dict[str, Any]], origin: str) -> list[TagRule]:
    """Rules given inside a recipe (`tag_rules:`), validated like the folder's own."""
    return [_parse(TagRule, r, origin, "tag_rules") for r in raw]
