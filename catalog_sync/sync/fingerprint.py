"""An unchanged run, recognised before it starts: a lake run skipped when none of its inputs moved.

What a lake run leaves in the embedded catalog is a function of its inputs: the recipe and the
environment and working folder it is read in, catalog-sync's code and DataHub's version, the
tags folder, every entry under the lake's local roots (name, size, modification time: the footer
cache's own test, plus the inode change time), and what the catalog holds for the run's assets
(their stored aspects, which the run compares against before writing). A run that ends without
failures records a digest of each beside its stale-removal state (`Observed`). The next run of
the recipe recomputes them first (`find_unchanged`), importing neither DataHub nor pyarrow, and
when every one matches there is nothing to read and nothing to write: the catalog already is
what the run would leave. It then reports the last run's counts, every dataset unchanged, and
its warnings again: a run is recorded only when its warnings are ones the listed files alone
explain (schema drift, unreadable files; `AssetSource.REPLAYABLE_WARNINGS`).

What the digests cannot vouch for keeps the full run: object stores (listing them costs what
the shortcut saves), sinks other than the embedded catalog, `incremental: false`,
`rewrite_unchanged: true`, recipes whose pipeline name or sink come from the environment.
A full run deletes the fingerprint before it writes anything, so a killed run leaves none behind.
Environment values enter the digest salted and hashed, never as they are.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import logging
import os
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from catalog_sync.report import Problem, RecipeResult
from catalog_sync.settings import Settings
from catalog_sync.store.lite.sql import catalog_digest
from catalog_sync.sync.paths import fingerprint_file

logger = logging.getLogger(__name__)

FORMAT = 1
LAKE_SOURCE = "catalog-sync-lake"
LITE_SINK = "catalog-sync-lite"  # catalog_sync.store.lite.sink.SINK_TYPE, without importing DataHub
_PACKAGE = Path(__file__).resolve().parents[1]
_VERSIONED = ("acryl-datahub", "pyarrow", "pydantic")
_ENV_PREFIX = "CATALOG_SYNC_"
_ENV_REFERENCE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
COUNTERS = ("datasets", "containers", "files", "rows", "bytes")


def _digest() -> hashlib.blake2b:
    return hashlib.blake2b(digest_size=32)


def tree_digest(roots: Iterable[Path]) -> str:
    """Every entry under each root, depth first in name order: path, kind, size, modification
    and change times. Symbolic links are followed, as the lake's filesystem follows them, each
    folder once."""
    h = _digest()
    seen: set[tuple[int, int]] = set()
    for root in roots:
        h.update(f"\x00root {root}".encode())
        stack = [root]
        while stack:
            folder = stack.pop()
            try:
                with os.scandir(folder) as listing:
                    entries = sorted(listing, key=lambda e: e.name)
            except OSError as err:  # gone or unreadable: recorded, so it never matches a listing
                h.update(f"\x00unlisted {folder} {err.errno}".encode())
                continue
            folders = []
            for entry in entries:
                try:
                    info = entry.stat()
                except OSError:  # a dangling link
                    h.update(f"\x00dangling {entry.path}".encode())
                    continue
                if entry.is_dir():  # ctime: a permission change can make it unlistable
                    h.update(f"\x00d {entry.path} {info.st_ctime_ns}".encode())
                    if (info.st_dev, info.st_ino) not in seen:
                        seen.add((info.st_dev, info.st_ino))
                        folders.append(Path(entry.path))
                else:
                    # ctime too: a permission change can make an unreadable file readable.
                    h.update(
                        f"\x00f {entry.path} {info.st_size} {info.st_mtime_ns} "
                        f"{info.st_ctime_ns}".encode()
                    )
            stack.extend(reversed(folders))
    return h.hexdigest()


@functools.cache
def code_stamp() -> str:
    """catalog-sync's modules (path, size, modification time) and the versions of what shapes
    the aspects it writes: an upgrade or an edited checkout makes every fingerprint stale.
    Once per process: the code a process runs is what it imported."""
    h = _digest()
    for path in sorted(_PACKAGE.rglob("*.py")):
        info = path.stat()
        h.update(f"{path} {info.st_size} {info.st_mtime_ns}\x00".encode())
    for name in _VERSIONED:
        try:
            h.update(f"{name} {importlib.metadata.version(name)}\x00".encode())
        except importlib.metadata.PackageNotFoundError:
            h.update(f"{name} -\x00".encode())
    return h.hexdigest()


def recipe_digest(recipe: Path, salt: str) -> str:
    """The recipe file, the environment variables it names or that configure catalog-sync
    (values salted and hashed), the working folder relative paths resolve against, and the
    code. DataHub's own variables (server, telemetry) do not shape what a lake run writes, and
    a GMS server disables the shortcut anyway."""
    text = recipe.read_bytes()
    h = _digest()
    h.update(salt.encode())
    h.update(text)
    h.update(f"\x00cwd {Path.cwd()}".encode())
    h.update(f"\x00tags {Path('tags').is_dir()}".encode())  # ./tags replaces the packaged ones
    names = set(_ENV_REFERENCE.findall(text.decode(errors="replace")))
    names.update(name for name in os.environ if name.startswith(_ENV_PREFIX))
    for name in sorted(names):
        h.update(f"\x00env {name}\x01{os.environ.get(name)!r}".encode())
    h.update(code_stamp().encode())
    return h.hexdigest()


@dataclass
class Fingerprint:
    """The inputs of one clean run, as digests, and what it reported."""

    recipe: str
    roots: list[str]
    tree: str
    tags_dir: str
    tags: str
    urns: list[str]
    catalog: str
    counts: dict[str, int]
    warnings: list[dict[str, str]] = field(default_factory=list)
    salt: str = ""
    format: int = FORMAT

    def save(self, path: Path) -> None:
        """Atomically, readable by the owner alone."""
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(asdict(self), handle)
        os.replace(partial, path)

    @classmethod
    def load(cls, path: Path) -> Fingerprint | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            fingerprint = cls(**data)
        except (OSError, ValueError, TypeError):
            return None
        return fingerprint if fingerprint.format == FORMAT else None


def light_pipeline_name(path: Path, settings: Settings) -> str | None:
    """The pipeline name of a recipe the shortcut may apply to, read without DataHub: a lake
    recipe into the embedded catalog; None for anything else (the full run decides)."""
    if settings.gms_url:
        return None
    try:
        recipe = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError):
        return None
    if not isinstance(recipe, dict) or "sink" in recipe:
        return None
    source = recipe.get("source")
    if not isinstance(source, dict) or source.get("type") != LAKE_SOURCE:
        return None
    name = recipe.get("pipeline_name", f"catalog-sync-{path.stem}")
    if not isinstance(name, str) or "$" in name:
        return None
    return name


@dataclass(frozen=True)
class Unchanged:
    """A recipe found unchanged, and how to confirm it once the catalog's run lock is held."""

    path: Path
    catalog: Path
    pipeline_name: str
    fingerprint: Fingerprint

    def confirmed(self) -> RecipeResult | None:
        """The run's result, if the catalog is still as recorded now that no writer runs: the
        inputs need no second look (one changed since is one changed just after this run, and
        the next run sees it), but a run that held the lock meanwhile may have written."""
        now = Fingerprint.load(fingerprint_file(self.catalog, self.pipeline_name))
        stored = self.fingerprint
        if now is None or now.salt != stored.salt:
            return None
        if catalog_digest(self.catalog, stored.urns) != stored.catalog:
            return None
        result = RecipeResult(
            recipe=str(self.path), source=LAKE_SOURCE, sink=LITE_SINK, inputs_unchanged=True
        )
        for counter in COUNTERS:
            setattr(result, counter, int(stored.counts.get(counter, 0)))
        result.unchanged = result.datasets
        # The same inputs give the same warnings (drift, unreadable files): reported again.
        result.warnings = [
            Problem(w["title"], w["message"], w["context"], str(self.path))
            for w in stored.warnings
        ]
        return result


def find_unchanged(path: Path, settings: Settings) -> Unchanged | None:
    """`path`'s recipe, if its inputs and the catalog match its last clean run's."""
    name = light_pipeline_name(path, settings)
    if name is None:
        return None
    catalog = settings.catalog
    stored = Fingerprint.load(fingerprint_file(catalog, name))
    if stored is None:
        return None
    checks: tuple[tuple[str, Callable[[], str], str], ...] = (
        ("recipe", lambda: recipe_digest(path, stored.salt), stored.recipe),
        ("tags", lambda: tree_digest([Path(stored.tags_dir)]), stored.tags),
        ("lake", lambda: tree_digest(Path(r) for r in stored.roots), stored.tree),
        ("catalog", lambda: catalog_digest(catalog, stored.urns), stored.catalog),
    )
    for what, compute, expected in checks:
        if compute() != expected:
            logger.info("%s: %s changed since the last clean run", path, what)
            return None
    return Unchanged(path, catalog, name, stored)


class Observed:
    """One full run's fingerprint in the making. The inputs are digested before the run reads
    them, so a file changed while it runs makes the next run a full one; the catalog after."""

    def __init__(self, recipe: Path) -> None:
        self.salt = secrets.token_hex(16)
        self.recipe = recipe_digest(recipe, self.salt)  # before DataHub sets its variables
        self.roots: list[str] | None = None
        self.tree = self.tags_dir = self.tags = ""

    def inputs(self, roots: Sequence[Path] | None, tags_dir: Path) -> None:
        """The source's listed folders (None: a listing cannot vouch for what it reads)."""
        if roots is None:
            return
        self.roots = [str(r.resolve()) for r in roots]
        self.tree = tree_digest(Path(r) for r in self.roots)
        self.tags_dir = str(tags_dir.resolve())
        self.tags = tree_digest([Path(self.tags_dir)])

    def record(
        self, catalog: Path, pipeline_name: str, urns: Iterable[str], result: RecipeResult
    ) -> None:
        """After a clean run into `catalog`: what its successor compares against."""
        if self.roots is None:
            return
        ordered = sorted(set(urns))
        Fingerprint(
            recipe=self.recipe, roots=self.roots, tree=self.tree, tags_dir=self.tags_dir,
            tags=self.tags, urns=ordered, catalog=catalog_digest(catalog, ordered),
            counts={c: int(getattr(result, c)) for c in COUNTERS}, salt=self.salt,
            warnings=[
                {"title": w.title, "message": w.message, "context": w.context}
                for w in result.warnings
            ],
        ).save(fingerprint_file(catalog, pipeline_name))


def forget(catalog: Path, pipeline_name: str) -> None:
    """Before a full run writes: its inputs are about to differ from the recorded ones."""
    fingerprint_file(catalog, pipeline_name).unlink(missing_ok=True)
