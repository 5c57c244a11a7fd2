"""What a change in the lake's layout must never cost: catalogued datasets whose folders exist.

Stale removal soft-deletes every dataset a run does not emit. A folder that cannot be listed,
or one that is no longer a table folder although it still exists (a stray file, a new
subfolder or a partition folder changed what the walk calls a table), is not a deleted
table: its datasets are kept, with a warning naming them, and never re-emitted from a guess.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

import pyarrow.fs as pafs

from catalog_sync.model import Asset
from catalog_sync.sources.lake.assets import catalogued_under
from catalog_sync.sources.lake.fs import LakeRoot


class _Source(Protocol):
    """The part of the lake source this module uses."""

    report: Any

    def keep_asset(self, asset: Asset) -> None: ...

    def last_urns(self) -> frozenset[str]: ...


class LayoutGuard:
    """Collects which table folders a run saw, and keeps what it must not remove."""

    def __init__(self, source: _Source, *, env: str, instance: str | None) -> None:
        self.source = source
        self.env = env
        self.instance = instance
        self.seen: set[str] = set()  # table folder paths this run found (emitted or not)

    def _under(self, root: LakeRoot, path: str) -> list[Asset]:
        return catalogued_under(root, path, self.source.last_urns(), env=self.env,
                                instance=self.instance)

    def unlisted(self, root: LakeRoot, path: str, err: OSError) -> None:
        """A folder that cannot be listed is not a deleted one: the tables catalogued under it
        stay as they are (kept in the stale-removal state, nothing re-emitted)."""
        tables = self._under(root, path)
        for asset in tables:
            self.source.keep_asset(asset)
            self.seen.add(asset.name)
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        self.source.report.warning(
            title="Folder not listable",
            message=f"skipped, {len(tables)} catalogued tables under it kept: {reason}",
            context=root.uri_of(path),
        )

    def stray(self, root: LakeRoot, folder: str, files: Iterable[pafs.FileInfo]) -> None:
        """Data files beside table subfolders belong to no table: named, never merged."""
        for info in files:
            self.source.report.warning(
                title="Stray file beside tables",
                message="not ingested: its folder holds table folders, so it is not a table",
                context=root.uri_of(info.path),
            )

    def keep_moved(self, roots: Iterable[LakeRoot]) -> None:
        """Catalogued datasets this run did not find whose folders still exist: kept."""
        for root in roots:
            for asset in self._under(root, root.path):
                path = asset.name  # a table's dataset name is its folder's path
                if path in self.seen:
                    continue
                try:
                    exists = root.filesystem.get_file_info(path).type == pafs.FileType.Directory
                except OSError:
                    exists = True  # cannot tell: keeping is the safe side
                if not exists:
                    continue  # really gone: stale removal takes it out
                self.source.keep_asset(asset)
                self.source.report.warning(
                    title="Layout changed: dataset kept",
                    message="its folder still exists but is no longer a table folder; the "
                            "dataset is kept, not removed",
                    context=root.uri_of(path),
                )
