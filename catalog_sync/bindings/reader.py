"""Reading `$SERVICE_BINDING_ROOT`: a folder per binding, each kept under its folder name.

The folders are read directly (`bindings.folder`), not through pyservicebinding, which drops
folder names, keeps untyped folders, reads every file as text (binary keystores fail it) and
follows links anywhere. As the servicebinding.io spec says, a folder without a `type` entry is
ignored with a warning, unless the caller names its type (`types_by_name`: a CloudNativePG or
Crunchy PGO secret mounted as a binding has no `type`). A folder is filtered by name, then
type, then provider before anything else in it is read. One malformed folder is one
`BindingError` for `on_error`; the other bindings are still read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any

from catalog_sync.bindings.entries import READ_ENTRIES
from catalog_sync.bindings.folder import BindingError, read_entries
from catalog_sync.bindings.model import Binding, normalize_type
from catalog_sync.bindings.objects import OBJECT_ENTRIES, OBJECT_TYPES, ObjectBinding
from catalog_sync.errors import BadInputError

logger = logging.getLogger(__name__)

Warn = Callable[[str, str], None]
Parse = Callable[[str, dict[str, str]], tuple[Any, list[str]]]
OnError = Callable[[BindingError], None]


class BindingRootError(BadInputError):
    """The binding root is missing or unreadable; names the path."""

    def __init__(self, root: str, reason: str) -> None:
        super().__init__(f"binding root {root}: {reason}")
        self.root = root


def _log_warning(context: str, message: str) -> None:
    logger.warning("%s: %s", context, message)


def _raise(err: BindingError) -> None:
    raise err


def binding_folders(root: Path) -> list[str]:
    """The visible folders under `root`, sorted; BindingRootError if it cannot be listed."""
    if not root.exists():
        raise BindingRootError(str(root), "not found")
    if not root.is_dir():
        raise BindingRootError(str(root), "not a folder")
    try:
        names = sorted(p.name for p in root.iterdir() if not p.name.startswith("."))
    except OSError as err:
        raise BindingRootError(str(root), f"unreadable ({err.strerror or err})") from err
    return [n for n in names if (root / n).is_dir()]


def _type_of(name: str, entries: dict[str, str], types_by_name: Mapping[str, str],
             warn: Warn, where: str) -> str | None:
    """The folder's own `type` rules; the caller's type stands in only where it has none."""
    own = entries.get("type")
    given = types_by_name.get(name)
    if own and given and normalize_type(own) != normalize_type(given):
        warn(where, "the folder's `type` differs from binding_types_by_name; using the folder's")
    if own:
        return own
    if given:
        return given
    warn(where, "binding folder has no `type` entry; ignored")
    return None


def read_bindings(
    root: Path,
    *,
    types: set[str] | None = None,
    providers: set[str] | None = None,
    names: set[str] | None = None,
    types_by_name: Mapping[str, str] | None = None,
    warn: Warn = _log_warning,
    on_error: OnError = _raise,
    disagree: Warn | None = None,
    read: Collection[str] = READ_ENTRIES,
    parse: Parse = Binding.parse,
) -> list[Any]:
    """Bindings under `root`, sorted by name, filtered by name, type and provider. A folder
    that cannot be read goes to `on_error` (by default raised), entries that disagree to
    `disagree` (by default `warn`), folders ignored to `warn`. `read` and `parse` say which
    entries a binding is read for and what record it becomes: a database `Binding` by
    default, an `ObjectBinding` for object storage (`bindings.objects`)."""
    wanted_types = {normalize_type(t) for t in types} if types else None
    by_name = dict(types_by_name or {})
    found: list[Any] = []
    for name in binding_folders(root):
        if names and name not in names:
            continue
        where = str(root / name)
        try:
            head = read_entries(root, name, ("type", "provider"))
            kind = _type_of(name, head, by_name, warn, where)
            if kind is None:
                continue
            if wanted_types and normalize_type(kind) not in wanted_types:
                continue
            if providers and head.get("provider") not in providers:
                continue
            entries = read_entries(root, name, read)
            binding, conflicts = parse(name, {**entries, "type": kind})
        except BindingError as err:
            on_error(err)
            continue
        for conflict in conflicts:
            (disagree or warn)(where, conflict)
        found.append(binding)
    return found


def read_object_bindings(
    root: Path,
    *,
    types: set[str] | None = None,
    providers: set[str] | None = None,
    names: set[str] | None = None,
    types_by_name: Mapping[str, str] | None = None,
    on_error: OnError = _raise,
    warn: Warn = _log_warning,
) -> list[ObjectBinding]:
    """`read_bindings` for object storage: `s3` and `gcs` folders as `ObjectBinding`s. An
    object bucket claim has no `type` entry: name its folder in `types_by_name`."""
    found: list[ObjectBinding] = read_bindings(
        root, types=types or set(OBJECT_TYPES), providers=providers, names=names,
        types_by_name=types_by_name, on_error=on_error, warn=warn, read=OBJECT_ENTRIES,
        parse=ObjectBinding.parse,
    )
    return found
