"""The one entry point behind the CLI and the API: options in, a checked ServerFile out, and
writing it (servers.json plus pgpass files) all-or-nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from catalog_sync.errors import BadInputError
from catalog_sync.pgadmin.atomic import OutputFile, ensure_private_dir, write_all
from catalog_sync.pgadmin.generator import ServerFile, ServerSettings, build_server_file
from catalog_sync.pgadmin.model import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_SSLMODE,
    NoServersError,
    ServerTarget,
    Warn,
    check_server_mode_email,
    check_sslmode,
    group_names,
)
from catalog_sync.pgadmin.pgpass import PGPASS_MODE
from catalog_sync.pgadmin.targets import targets_from_bindings, targets_from_catalog
from catalog_sync.store import CatalogReader
from catalog_sync.tagging import TagSet, load_tag_set


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportOptions:
    """What the caller asked for; checked before any binding or catalog is read.

    `passfile_dir` is the pgpass folder as pgAdmin will see it: an absolute path in desktop
    mode; with `server_mode` (the pgAdmin user's email) a folder inside that user's storage.
    """

    suffix: str
    groups: Sequence[str] = ()
    default_sslmode: str = DEFAULT_SSLMODE
    passfile_dir: str | None = None
    server_mode: str | None = None
    shared: bool = False
    sslrootcert: str | None = None
    connect_timeout: int | None = DEFAULT_CONNECT_TIMEOUT

    def group_names(self) -> dict[str, str]:
        check_sslmode(self.default_sslmode, "--sslmode")
        if self.server_mode is not None:
            check_server_mode_email(self.server_mode)
        return group_names(self.suffix, self.groups)

    def settings(self, tag_set: TagSet) -> ServerSettings:
        return ServerSettings(
            default_sslmode=self.default_sslmode, passfile_dir=self.passfile_dir,
            server_mode=self.server_mode is not None, shared=self.shared,
            sslrootcert=self.sslrootcert, connect_timeout=self.connect_timeout, tag_set=tag_set,
        )


def _require_root(binding_root: Path | None) -> Path:
    if binding_root is None:
        raise BadInputError("no binding root: set SERVICE_BINDING_ROOT or pass --binding-root")
    return binding_root


def _finish(targets: list[ServerTarget], groups: dict[str, str], options: ExportOptions, where: str,
            warn: Warn, tag_set: TagSet) -> ServerFile:
    result = build_server_file(targets, groups, options.settings(tag_set), warn=warn)
    if not result.servers:
        raise NoServersError(where, list(groups))
    return result


def export_from_bindings(
    options: ExportOptions, binding_root: Path | None, tags_dir: Path, warn: Warn
) -> ServerFile:
    """Bindings under the root, given roles by the tag rules in `tags_dir`."""
    groups = options.group_names()
    root = _require_root(binding_root)
    tag_set = load_tag_set(tags_dir)
    targets = targets_from_bindings(root, tag_set, list(groups), warn)
    return _finish(targets, groups, options, f"binding root {root}", warn, tag_set)


def export_from_catalog(
    options: ExportOptions, reader: CatalogReader, binding_root: Path | None, warn: Warn,
    tags_dir: Path,
) -> ServerFile:
    """Tagged database assets in the catalog, joined with their bindings; `tags_dir` gives
    the colours (and groups) of the tags pgAdmin shows."""
    groups = options.group_names()
    root = _require_root(binding_root)
    tag_set = load_tag_set(tags_dir)
    targets = targets_from_catalog(reader, root, list(groups), warn)
    return _finish(targets, groups, options, f"the catalog ({reader.kind})", warn, tag_set)


def write_server_file(result: ServerFile, out: Path, passfile_dir: Path | None) -> list[Path]:
    """servers.json (0644) and each pgpass file (0600), staged then replaced together."""
    files = [OutputFile(out, result.render(), 0o644)]
    pgpass = result.pgpass_files()
    if passfile_dir is not None and pgpass:
        ensure_private_dir(passfile_dir)
        files += [OutputFile(passfile_dir / name, data, PGPASS_MODE)
                  for name, data in pgpass.items()]
    write_all(files)
    return [f.path for f in files]
