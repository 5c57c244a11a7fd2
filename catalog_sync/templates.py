"""User text with `{name}` placeholders, filled in as data.

Group names (`--group`, `?group=`) and tag-rule templates (`servicebinding:type:{binding_type}`)
are written by people and, through the API, by any token holder. Python's `str.format` would
run their format specs and attribute look-ups (`{suffix:>50000000}` allocates 50 MB,
`{suffix.__class__.__mro__}` prints interpreter internals), so templates never reach it: the only
syntax is `{name}`, a bare identifier, and every other brace is an error naming the template.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

_TOKEN = re.compile(r"\{([^{}]*)\}")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class TemplateError(ValueError):
    """A template that is not plain text with `{name}` placeholders; says what is wrong."""


def placeholders(template: str, allowed: Collection[str] | None = None) -> list[str]:
    """The names in `template`, in order; TemplateError for any other brace or, when `allowed`
    is given, a name outside it."""
    names: list[str] = []
    for match in _TOKEN.finditer(template):
        name = match.group(1)
        if not _NAME.match(name):
            raise TemplateError(
                f"{template!r}: {match.group(0)!r} is not a placeholder; only {{name}} is "
                "allowed (no format specs, conversions, attributes or indexes)"
            )
        if allowed is not None and name not in allowed:
            known = ", ".join(f"{{{n}}}" for n in sorted(allowed)) or "none"
            raise TemplateError(f"{template!r}: unknown placeholder {{{name}}} (allowed: {known})")
        names.append(name)
    if "{" in _TOKEN.sub("", template) or "}" in _TOKEN.sub("", template):
        raise TemplateError(f"{template!r}: unmatched brace; only {{name}} placeholders are allowed")
    return names


def fill(template: str, values: Mapping[str, str]) -> str | None:
    """`template` with each `{name}` replaced by its value; None when a value is missing.
    The template must have passed `placeholders`; values are inserted verbatim, never parsed."""
    missing = False

    def value(match: re.Match[str]) -> str:
        nonlocal missing
        found = values.get(match.group(1))
        if found is None:
            missing = True
            return ""
        return found

    filled = _TOKEN.sub(value, template)
    return None if missing else filled
