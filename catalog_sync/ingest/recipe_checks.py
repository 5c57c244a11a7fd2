"""What is wrong with a recipe, said in one line: checks on the file before DataHub's loader
reads it, and validation errors turned into the key at fault with a "did you mean".

DataHub's loader parses the YAML before it expands `${VAR}`, so an empty file, a list or a folder
come back as Python internals ('NoneType' object has no attribute 'copy'), and an unset variable
in flow style (`paths: [${LAKE}]`) as a YAML error. These checks answer first.
"""

from __future__ import annotations

import difflib
import re
import types
from collections.abc import Iterable, Sequence
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from catalog_sync.errors import RecipeError

# `${NAME}` needs NAME set; `${NAME:-default}` / `${NAME-default}` does not.
_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(:?-[^}]*)?\}")
_COMMENT = re.compile(r"(^|\s)#.*$")
SOURCE_PLUGINS = "datahub.ingestion.source.plugins"
# Values under keys like these are never echoed back in an error message.
_SECRET_WORDS = ("secret", "password", "token", "key", "credential")


def check_recipe_file(path: Path, environ: dict[str, str]) -> None:
    """A folder, an empty file, a top level that is not a mapping, an unset `${VAR}`: each is
    a RecipeError naming it."""
    name = str(path)
    if path.is_dir():
        raise RecipeError(name, "is a folder, not a recipe file")
    if not path.is_file():
        raise RecipeError(name, "recipe file not found")
    text = path.read_text(errors="replace")
    for number, line in enumerate(text.splitlines(), start=1):
        for match in _REFERENCE.finditer(_COMMENT.sub("", line)):
            if match.group(2) is None and match.group(1) not in environ:
                raise RecipeError(name, f"line {number}: environment variable "
                                  f"{match.group(1)} is not set (referenced as {match.group(0)})")
    try:
        top = yaml.safe_load(text)
    except yaml.YAMLError:
        return  # DataHub's loader reports it with the line and column
    if top is None:
        raise RecipeError(name, "the recipe is empty; it needs at least `source: {type, config}`")
    if not isinstance(top, dict):
        raise RecipeError(name, f"the top level is a {type(top).__name__}, not a mapping with "
                          "`source` (and optionally `sink`, `transformers`, ...)")


def yaml_hint(line: str) -> str:
    """Flow style (`[...]`, `{...}`) treats the braces of `${VAR}` as YAML: say to quote it."""
    return " (quote `${...}` inside [...] or {...}: '${VAR}')" if "${" in line else ""


def closest(word: str, candidates: Iterable[str]) -> str | None:
    found = difflib.get_close_matches(word, sorted(set(candidates)), n=1, cutoff=0.6)
    return found[0] if found else None


def _model_at(model: type[BaseModel] | None, loc: Sequence[Any]) -> type[BaseModel] | None:
    """The pydantic model a location inside `model` points into (None when not a model)."""
    for part in loc:
        field = model.model_fields.get(str(part)) if model is not None else None
        if field is None:
            return None
        annotation: Any = field.annotation
        if get_origin(annotation) in (Union, types.UnionType):
            annotation = next((a for a in get_args(annotation) if isinstance(a, type)), None)
        model = annotation if isinstance(annotation, type) and issubclass(
            annotation, BaseModel) else None
    return model


def _field_names(model: type[BaseModel] | None) -> list[str]:
    if model is None:
        return []
    names = list(model.model_fields)
    names += [f.alias for f in model.model_fields.values() if f.alias]
    return names


def explain(err: ValidationError, prefix: str, model: type[BaseModel] | None = None) -> str:
    """One line for a validation error: an unknown key first (with the closest known one), as
    a misspelt key also makes the right one "missing"; values of secret keys never shown."""
    errors = err.errors()
    extra = next((e for e in errors if e["type"] == "extra_forbidden"), None)
    first = extra or errors[0]
    loc = ".".join(str(p) for p in (prefix, *first["loc"]) if p != "")
    if extra is not None:
        parent, key = extra["loc"][:-1], str(extra["loc"][-1])
        missing = [str(e["loc"][-1]) for e in errors
                   if e["type"] == "missing" and e["loc"][:-1] == parent]
        guess = closest(key, [*missing, *_field_names(_model_at(model, parent))])
        hint = f"; did you mean {guess!r}?" if guess else ""
        return f"{loc}: unknown key{hint}"
    value = first.get("input")
    secret = any(word in loc.lower() for word in _SECRET_WORDS)
    shown = f" (got {value!r})" if isinstance(value, str | int | float) and not secret else ""
    return f"{loc}: {first['msg']}{shown}"


def unknown_source_type(kind: object) -> str:
    """`unknown source type 'x'`, the closest registered one, and catalog-sync's own."""
    plugins = entry_points(group=SOURCE_PLUGINS)
    names = [p.name for p in plugins]
    ours = sorted(p.name for p in plugins if p.value.startswith("catalog_sync."))
    guess = closest(str(kind), names)
    hint = f"; did you mean {guess!r}?" if guess else ""
    others = len(set(names) - set(ours))
    return (f"source.type: unknown source type {kind!r}{hint} catalog-sync's sources: "
            f"{', '.join(ours)}; DataHub's own: {others} more (`datahub check plugins`)")
