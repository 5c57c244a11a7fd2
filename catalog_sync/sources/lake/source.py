"""The `catalog-sync-lake` DataHub source: parquet table folders -> tagged datasets."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pyarrow.fs as pafs
from datahub.ingestion.api.common import PipelineContext
from datahub.ingestion.api.decorators import (
    SupportStatus,
    config_class,
    platform_name,
    support_status,
)

from catalog_sync import progress
from catalog_sync.errors import BadInputError
from catalog_sync.model import Asset
from catalog_sync.sources.base import AssetSource, AssetSourceConfig, AssetSourceReport
from catalog_sync.sources.lake.assets import table_asset
from catalog_sync.sources.lake.config import LakeSourceConfig
from catalog_sync.sources.lake.footer import FOOTER_ERRORS, FileFooter, read_footer
from catalog_sync.sources.lake.fs import LakeRoot, resolve_root
from catalog_sync.sources.lake.rollup import TableRollup
from catalog_sync.sources.lake.scan import TableFolder, find_tables

logger = logging.getLogger(__name__)


@dataclass
class LakeSourceReport(AssetSourceReport):
    """Lake counters: what was read, and what could not be."""

    files: int = 0
    rows: int = 0
    bytes: int = 0
    unreadable_files: int = 0


def _read(filesystem: pafs.FileSystem, info: pafs.FileInfo) -> FileFooter | BaseException:
    try:
        return read_footer(filesystem, info)
    except FOOTER_ERRORS as err:
        return err


def _checked_roots(config: LakeSourceConfig) -> list[LakeRoot]:
    """Every configured path resolved and checked to be a reachable folder (else bad input)."""
    roots = []
    for index, uri in enumerate(config.paths):
        root = resolve_root(uri, config.s3, config.gcs)
        try:
            info = root.filesystem.get_file_info(root.path)
        except OSError as err:
            reason = str(err).splitlines()[0]
            raise BadInputError(f"paths[{index}]: cannot reach {uri!r}: {reason}") from err
        if info.type != pafs.FileType.Directory:
            what = "is not a folder" if info.type == pafs.FileType.File else "not found"
            raise BadInputError(f"paths[{index}]: {uri!r} {what}")
        roots.append(root)
    return roots


@platform_name("File")
@config_class(LakeSourceConfig)
@support_status(SupportStatus.BETA)
class LakeSource(AssetSource):
    """Parquet table folders (hive partitions included) from local disk, S3 or GCS, described
    from their footers alone."""

    config: LakeSourceConfig
    report: LakeSourceReport
    platform = "file"

    def __init__(self, config: LakeSourceConfig, ctx: PipelineContext) -> None:
        super().__init__(config, ctx)
        self.report = LakeSourceReport()
        self.roots = _checked_roots(config)

    @classmethod
    def create(cls, config_dict: dict[str, Any], ctx: PipelineContext) -> LakeSource:
        return cls(LakeSourceConfig.model_validate(config_dict), ctx)

    @classmethod
    def check_config(cls, config: AssetSourceConfig) -> None:
        super().check_config(config)
        assert isinstance(config, LakeSourceConfig)
        _checked_roots(config)

    def _tables(self) -> Iterator[TableFolder]:
        for root in self.roots:
            for folder in find_tables(root, self.config.include, self.config.exclude):
                progress.discovered("files", len(folder.files))
                yield folder

    def assets(self) -> Iterable[Asset]:
        with ThreadPoolExecutor(self.config.read_concurrency, "footer") as pool:
            for folder in self._tables():
                rollup = TableRollup()
                filesystem = folder.root.filesystem
                for info, result in zip(
                    folder.files, pool.map(lambda i: _read(filesystem, i), folder.files),
                    strict=True,
                ):
                    progress.done("files")
                    if isinstance(result, BaseException):
                        rollup.bad_files += 1
                        self.report.unreadable_files += 1
                        # A failure, not a warning: the run must not count as complete, or
                        # stale removal would drop a table whose files could not be read.
                        self.report.failure(
                            title="Unreadable parquet file",
                            message=f"skipped: {result}".splitlines()[0][:300],
                            context=folder.root.uri_of(info.path),
                        )
                        continue
                    rollup.add(result, folder.partition_of(info.path))
                if rollup.files == 0:
                    self.report.failure(
                        title="Table folder without readable parquet files",
                        message="no dataset emitted",
                        context=folder.root.uri_of(folder.path),
                    )
                    continue
                self._note_drift(folder, rollup)
                self.report.files += rollup.files
                self.report.rows += rollup.rows
                self.report.bytes += rollup.bytes
                yield table_asset(
                    folder, rollup, env=self.config.env,
                    instance=self.config.platform_instance, profile=self.config.profile,
                )

    def _note_drift(self, folder: TableFolder, rollup: TableRollup) -> None:
        for name, types in rollup.type_conflicts().items():
            self.report.warning(
                title="Schema drift: type conflict",
                message=f"column {name!r} has types {', '.join(types)}",
                context=folder.root.uri_of(folder.path),
            )
