"""Which DataHub platform instance each database is catalogued under, and which bindings would
write the same URNs.

DataHub tells datasets apart by platform, platform instance, env and name, and a name is
`database.schema.table`: two bindings to same-named databases on different servers (prod and
staging) would write the same URNs, each silently overwriting the other. A platform instance
per binding keeps them apart: a recipe map from binding name to instance, or a template over
the binding's coordinates (`"{binding_name}"`).
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from catalog_sync.errors import BadInputError
from catalog_sync.sources.database.targets import Target

TEMPLATE_FIELDS = ("binding_name", "binding_type", "binding_provider", "host", "port",
                   "database")
BINDING_FIELDS = frozenset(f for f in TEMPLATE_FIELDS if f.startswith("binding_"))
# An instance sits inside URNs (`urn:li:dataPlatformInstance:(urn:li:dataPlatform:x,<here>)`).
_INSTANCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")


def template_fields(template: str) -> set[str]:
    """The fields a `platform_instance` template names; BadInputError for any other."""
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as err:
        raise BadInputError(f"platform_instance: not a valid template ({err})") from err
    unknown = sorted(n for n in names if n not in TEMPLATE_FIELDS)
    if unknown:
        raise BadInputError(f"platform_instance: unknown field {{{unknown[0]}}}; use "
                            + ", ".join(f"{{{f}}}" for f in TEMPLATE_FIELDS))
    return names


def check_instance(value: str, where: str) -> str:
    if not _INSTANCE.match(value):
        raise BadInputError(f"{where}: platform instance {value!r} must be 1-200 letters, "
                            "digits, '.', '_', '-'")
    return value


def instance_for(target: Target, template: str | None, by_name: Mapping[str, str]) -> str | None:
    """The target's instance: the recipe's map entry for its binding, else the template filled
    with its coordinates, else none. BadInputError when the template needs a coordinate the
    target lacks."""
    binding = target.binding
    if binding is not None and binding.name in by_name:
        return by_name[binding.name]
    if template is None:
        return None
    facts = {**target.coordinates, "database": target.database}
    missing = [f for f in TEMPLATE_FIELDS if f in template_fields(template) and not facts.get(f)]
    if missing:
        raise BadInputError(f"platform_instance {template!r}: {target.label} has no {missing[0]}")
    return check_instance(template.format_map(facts), f"platform_instance for {target.label}")


@dataclass(frozen=True, slots=True)
class Clash:
    """Targets whose assets would share URNs: same platform, instance, env and database."""

    targets: tuple[Target, ...]
    platform: str
    database: str
    instance: str | None

    def message(self) -> str:
        labels = ", ".join(t.label for t in self.targets)
        where = f"platform instance {self.instance!r}" if self.instance else "no platform instance"
        first, second = (t.label for t in self.targets[:2])
        return (
            f"{labels} would write the same URNs ({self.platform} database {self.database!r}, "
            f"{where}); none of them was ingested. Give each its own platform instance: "
            f"`platform_instance: \"{{binding_name}}\"`, or `platform_instance_by_name: "
            f"{{{first}: prod, {second}: staging}}`"
        )


def clashes(placed: Iterable[tuple[Target, str]]) -> list[Clash]:
    """Groups of (target, platform) that share platform, instance and database (one recipe
    has one env, so env cannot tell its targets apart)."""
    groups: dict[tuple[str, str | None, str], list[Target]] = {}
    for target, platform in placed:
        groups.setdefault((platform, target.instance, target.database), []).append(target)
    return [Clash(tuple(members), platform, database, instance)
            for (platform, instance, database), members in groups.items() if len(members) > 1]
