"""The `catalog-sync-lake` DataHub source: parquet table folders -> tagged datasets."""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
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
from catalog_sync.settings import get_settings
from catalog_sync.sources.base import AssetSource, AssetSourceConfig, AssetSourceReport
from catalog_sync.sources.lake.assets import catalogued_under, table_asset
from catalog_sync.sources.lake.binding_roots import BrokenBinding, binding_roots
from catalog_sync.sources.lake.config import LakeSourceConfig
from catalog_sync.sources.lake.delta import read_delta
from catalog_sync.sources.lake.footer_cache import (
    Encoded,
    FooterCache,
    decode,
    from_wire,
    wire_row,
)
from catalog_sync.sources.lake.footer_worker import (
    CRASHED,
    ENCRYPTED,
    NOT_PARQUET,
    UNREADABLE,
    Item,
    Result,
    Skipped,
)
from catalog_sync.sources.lake.fs import LakeRoot, resolve_root
from catalog_sync.sources.lake.iceberg import read_iceberg
from catalog_sync.sources.lake.layout import LayoutGuard
from catalog_sync.sources.lake.reader import FooterReader, default_processes
from catalog_sync.sources.lake.rollup import TableRollup
from catalog_sync.sources.lake.scan import TableFolder, find_tables
from catalog_sync.sources.lake.table_log import StoreOptions, TableLog, TableLogError
from catalog_sync.sources.lake.table_memo import decode_rollup, encode_rollup, files_digest

logger = logging.getLogger(__name__)

SKIPPED_TITLES = (UNREADABLE, NOT_PARQUET, ENCRYPTED, CRASHED)


@dataclass
class LakeSourceReport(AssetSourceReport):
    """Lake counters: what was read, and what could not be."""

    files: int = 0
    rows: int = 0
    bytes: int = 0
    unreadable_files: int = 0
    footers_read: int = 0
    footers_cached: int = 0
    scan_seconds: float = 0.0


@dataclass(slots=True)
class _Job:
    """A table folder and what the cache knows of it: per file its cache row when unchanged
    (None: to be read), or the whole finished rollup when no file changed. A Delta or Iceberg
    table's files are the live ones its `log` lists."""

    folder: TableFolder
    known: list[Encoded | None]
    digest: str = ""
    memo: TableRollup | None = None
    log: TableLog | None = None

    @property
    def files(self) -> list[pafs.FileInfo]:
        return [f.info for f in self.log.files] if self.log else self.folder.files

    def partitions(self) -> list[tuple[tuple[str, str], ...]]:
        if self.log is not None:
            return [f.partition for f in self.log.files]
        return [self.folder.partition_of(info.path) for info in self.folder.files]

    def records(self) -> list[int | None]:
        return [f.records for f in self.log.files] if self.log else [None] * len(self.files)


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


def _dataset_path(folder: TableFolder) -> str:
    """The dataset name a table folder gets (its path; without `/` in a bucket)."""
    return folder.path.lstrip("/") if folder.root.bucket else folder.path


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
        bound, self._broken = binding_roots(config)
        self.roots = _checked_roots(config) + [b.root for b in bound]
        # Each binding's root is read with its own options; `paths` with the recipe's.
        self._stores = {b.root.uri: b.store for b in bound}
        self._schemas: dict[bytes, Any] = {}  # serialized schema -> pyarrow schema, shared
        self._layout = LayoutGuard(self, env=config.env, instance=config.platform_instance)
        self._store = StoreOptions(config.s3, config.gcs)

    @classmethod
    def create(cls, config_dict: dict[str, Any], ctx: PipelineContext) -> LakeSource:
        return cls(LakeSourceConfig.model_validate(config_dict), ctx)

    @classmethod
    def check_config(cls, config: AssetSourceConfig) -> None:
        super().check_config(config)
        assert isinstance(config, LakeSourceConfig)
        _checked_roots(config)

    REPLAYABLE_WARNINGS = frozenset({
        "Folder not listable", "Schema drift: type conflict", "Statistics not converted",
        "Stray file beside tables", "Layout changed: dataset kept", *SKIPPED_TITLES,
    })

    def listed_inputs(self) -> list[Path] | None:
        """The local roots, when the run reads only what their listing vouches for: footers
        of files whose size and modification time are known (`incremental`), compared with
        the catalog (not `rewrite_unchanged`)."""
        if not self.config.incremental or self.config.rewrite_unchanged:
            return None
        if any(root.scheme != "file" for root in self.roots):
            return None
        return [Path(root.path) for root in self.roots]

    def _report_broken(self, broken: BrokenBinding) -> None:
        """A binding that gave no root: a failure naming it (so stale removal removes
        nothing), and the datasets the catalog holds under its root kept as they are."""
        self.report.failure(title="Binding not read", message=broken.reason,
                            context=f"binding {broken.name}")
        if broken.root is None:
            return
        for asset in catalogued_under(broken.root, broken.root.path, self.last_urns(),
                                      env=self.config.env,
                                      instance=self.config.platform_instance):
            self.keep_asset(asset)

    def _tables(self) -> Iterator[TableFolder]:
        for broken in self._broken:
            self._report_broken(broken)
        for root in self.roots:
            unlisted = partial(self._layout.unlisted, root)
            stray = partial(self._layout.stray, root)
            for folder in find_tables(root, self.config.include, self.config.exclude,
                                      unlisted, stray):
                self._layout.seen.add(_dataset_path(folder))
                progress.discovered("files", len(folder.files))
                yield folder

    def _log(self, folder: TableFolder) -> TableLog | None:
        """A Delta or Iceberg table's live state; None (a failure, its dataset kept) when its
        log cannot be read: without it the live files cannot be known."""
        read = read_delta if folder.format == "delta" else read_iceberg
        try:
            return read(folder.root, folder.path,
                        self._stores.get(folder.root.uri, self._store))
        except TableLogError as err:
            uri = folder.root.uri_of(folder.path)
            what = "Delta log" if folder.format == "delta" else "Iceberg metadata"
            self.report.warning(title=f"{what} unreadable", message=err.reason, context=uri)
            self.report.failure(
                title="Table not ingested",
                message=f"its live files cannot be known without its {what}; the catalogued "
                        "dataset is kept",
                context=uri,
            )
            for asset in catalogued_under(folder.root, folder.path, self.last_urns(),
                                          env=self.config.env,
                                          instance=self.config.platform_instance):
                self.keep_asset(asset)
            return None

    def _footer_cache(self) -> FooterCache | None:
        """The cache file: configured, else beside the catalog or file sink this run writes.
        An unusable one (not SQLite, unwritable) is a warning and the run reads every footer."""
        if not self.config.incremental:
            return None
        if self.config.footer_cache:
            path = Path(self.config.footer_cache).expanduser()
        else:
            sink = self.ctx.pipeline_config.sink if self.ctx.pipeline_config else None
            sink_config = (sink.config or {}) if sink is not None else {}
            if sink is not None and sink.type == "file" and sink_config.get("filename"):
                beside = Path(sink_config["filename"])
            elif sink is not None and sink.type == "datahub-lite":
                beside = Path((sink_config.get("config") or {}).get("file", get_settings().catalog))
            else:
                beside = get_settings().catalog
            path = beside.with_name(f"{beside.stem}.footers.sqlite")
        try:
            return FooterCache(path)
        except (sqlite3.Error, OSError) as err:
            self.report.warning(
                title="Footer cache unusable", message=f"every footer is read: {err}",
                context=str(path),
            )
            return None

    def _jobs(self, cache: FooterCache | None) -> Iterator[tuple[_Job, pafs.FileSystem, list[Item]]]:
        """Each table with its unchanged files' cache rows and the files left to read."""
        for folder in self._tables():
            uri_of = folder.root.uri_of
            job = _Job(folder, [])
            if folder.format != "parquet":
                job.log = self._log(folder)
                if job.log is None:
                    continue
                progress.discovered("files", len(job.log.files))
            elif cache is not None:
                job.digest = files_digest(folder.path, folder.files)
                job.memo = self._memo(cache, uri_of(folder.path), job.digest)
                if job.memo is not None:
                    yield job, folder.root.filesystem, []
                    continue
            cached = cache.table(uri_of(folder.path)) if cache is not None else {}
            missing: list[Item] = []
            for info in job.files:
                row = cached.get(uri_of(info.path))
                if row is not None and (row[0], row[1]) == (info.size, info.mtime_ns):
                    job.known.append(row)
                else:
                    job.known.append(None)
                    missing.append((info.path, info.size, info.mtime_ns))
            yield job, folder.root.filesystem, missing

    @staticmethod
    def _memo(cache: FooterCache, table_uri: str, digest: str) -> TableRollup | None:
        stored = cache.memo(table_uri)
        if stored is None or stored[0] != digest:
            return None
        try:
            return decode_rollup(stored[1])
        except (ValueError, KeyError, TypeError) as err:  # damaged: fold the table again
            logger.warning("table memo of %s unusable, folding again: %s", table_uri, err)
            return None

    def assets(self) -> Iterable[Asset]:
        resumed = time.perf_counter()  # scan time: listing, reading, folding; not emission
        cache = self._footer_cache()
        processes = self.config.read_processes or default_processes()
        try:
            with FooterReader[_Job](
                processes=processes, threads=self.config.read_concurrency,
                for_cache=cache is not None,
            ) as reader:
                for job, results in reader.stream(self._jobs(cache)):
                    folder = job.folder
                    rollup = self._rollup(job, results, cache)
                    progress.done("files", len(job.files))
                    if rollup.files == 0 and rollup.bad_files == rollup.not_parquet:
                        # Nothing parquet here after all: not a table (each file was named).
                        continue
                    if rollup.files == 0:
                        # No dataset: stale removal must not take the table for gone.
                        self.report.failure(
                            title="Table folder without readable parquet files",
                            message="no dataset emitted",
                            context=folder.root.uri_of(folder.path),
                        )
                        continue
                    if job.log is None:
                        self._note_drift(folder, rollup)
                    self.report.files += rollup.files
                    self.report.rows += rollup.rows
                    self.report.bytes += rollup.bytes
                    asset = table_asset(
                        folder, rollup, env=self.config.env,
                        instance=self.config.platform_instance, profile=self.config.profile,
                        log=job.log,
                    )
                    self.report.scan_seconds += time.perf_counter() - resumed
                    yield asset
                    resumed = time.perf_counter()
            self._layout.keep_moved(self.roots)
            if cache is not None:
                for root in self.roots:
                    cache.prune(root.uri_of(root.path))
        finally:
            if cache is not None:
                cache.close()
        self.report.scan_seconds = round(self.report.scan_seconds + time.perf_counter() - resumed, 3)
        logger.info("footers read: %s, unchanged and not read: %s, scan %.2f s",
                    self.report.footers_read, self.report.footers_cached,
                    self.report.scan_seconds)

    def _rollup(self, job: _Job, results: list[Result], cache: FooterCache | None) -> TableRollup:
        """Fold a table's footers, cached or just read, in file order; remember the new ones."""
        folder, table_uri = job.folder, job.folder.root.uri_of(job.folder.path)
        if job.memo is not None and cache is not None:
            self.report.footers_cached += len(folder.files)
            cache.keep_table(table_uri)
            return job.memo
        rollup = TableRollup()
        fresh: list[tuple[str, Encoded]] = []
        unchanged: list[str] = []
        read = iter(results)
        for info, row, partition, records in zip(
            job.files, job.known, job.partitions(), job.records(), strict=True
        ):
            uri = folder.root.uri_of(info.path)
            if row is not None:
                unchanged.append(uri)
                self.report.footers_cached += 1
                footer = decode(info.path, row, self._schemas)
            else:
                result = next(read)
                self.report.footers_read += 1
                logger.debug("footer read: %s", uri)
                if isinstance(result, Skipped):
                    rollup.bad_files += 1
                    rollup.not_parquet += result.title == NOT_PARQUET
                    self.report.unreadable_files += 1
                    # A warning: the table is still emitted from its other files, so stale
                    # removal has nothing to drop because of it. A folder with no readable
                    # parquet file at all is a failure (see `assets`).
                    self.report.warning(
                        title=result.title,
                        message=f"skipped: {result.reason}".splitlines()[0][:300],
                        context=uri,
                    )
                    continue
                footer = from_wire(info.path, result, self._schemas)
                if cache is not None and (new_row := wire_row(result)) is not None:
                    fresh.append((uri, new_row))
            if footer.unconverted:
                self.report.warning(
                    title="Statistics not converted",
                    message=f"min/max left out for {', '.join(footer.unconverted)}",
                    context=uri,
                )
            if records is not None and records != footer.rows:
                footer = replace(footer, rows=records)  # the log's count is the table's
            rollup.add(footer, partition)
        if cache is not None:
            memo = encode_rollup(rollup) if not rollup.bad_files and job.digest else None
            cache.save(fresh, unchanged, (table_uri, job.digest, memo))
        return rollup

    def _note_drift(self, folder: TableFolder, rollup: TableRollup) -> None:
        for name, types in rollup.type_conflicts().items():
            self.report.warning(
                title="Schema drift: type conflict",
                message=f"column {name!r} has types {', '.join(types)}",
                context=folder.root.uri_of(folder.path),
            )
