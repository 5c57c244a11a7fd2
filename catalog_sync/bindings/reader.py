"""Reading a binding root through pyservicebinding, keeping each binding's folder name.

pyservicebinding returns one dict per folder in `os.listdir` order and drops the names; it also
returns untyped folders. This wrapper pairs its results with the folder names (same listing),
skips hidden entries (Kubernetes' `..data`), and ignores untyped folders with a warning, as the
servicebinding.io spec says.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from pyservicebinding.binding import ServiceBinding

from catalog_sync.bindings.model import Binding, normalize_type
from catalog_sync.errors import BadInputError

logger = logging.getLogger(__name__)

Warn = Callable[[str, str], None]


class BindingRootError(BadInputError):
    """The binding root is missing or unreadable; names the path."""

    def __init__(self, root: str, reason: str) -> None:
        super().__init__(f"binding root {root}: {reason}")
        self.root = root


def _log_warning(context: str, message: str) -> None:
    logger.warning("%s: %s", context, message)


def _reader(root: Path) -> ServiceBinding:
    reader = ServiceBinding.__new__(ServiceBinding)
    reader.root = str(root)  # the library reads only the env var; point it at our root
    return reader


def read_bindings(
    root: Path,
    *,
    types: set[str] | None = None,
    providers: set[str] | None = None,
    names: set[str] | None = None,
    warn: Warn = _log_warning,
) -> list[Binding]:
    """Typed bindings under `root`, sorted by name, filtered by name, type and provider."""
    if not root.exists():
        raise BindingRootError(str(root), "not found")
    if not root.is_dir():
        raise BindingRootError(str(root), "not a folder")
    try:
        folders = [d for d in os.listdir(root) if (root / d).is_dir()]
        entries = _reader(root).all_bindings()
    except OSError as err:
        raise BindingRootError(str(root), f"unreadable ({err.strerror or err})") from err
    except UnicodeDecodeError as err:  # an entry that is not text (binary or wrong encoding)
        raise BindingRootError(str(root), "unreadable (an entry is not UTF-8 text)") from err
    if len(folders) != len(entries):
        raise BindingRootError(str(root), "changed while being read; try again")
    wanted_types = {normalize_type(t) for t in types} if types else None
    found: list[Binding] = []
    for name, values in zip(folders, entries, strict=True):
        if name.startswith("."):
            continue
        if not values.get("type"):
            warn(str(root / name), "binding folder has no `type` entry; ignored")
            continue
        binding = Binding.from_entries(name, values)
        if names and name not in names:
            continue
        if wanted_types and binding.type not in wanted_types:
            continue
        if providers and binding.provider not in providers:
            continue
        found.append(binding)
    return sorted(found, key=lambda b: b.name)
