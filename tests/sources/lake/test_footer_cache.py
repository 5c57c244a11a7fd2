"""Incremental lake scans: the footer cache skips unchanged files and changes nothing else."""

from __future__ import annotations

import datetime as dt
import logging
import decimal
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq
import pytest

from catalog_sync.sources.lake import footer, reader
from catalog_sync.sources.lake.footer_cache import FooterCache, decode, encode
from catalog_sync.sources.lake.rollup import TableRollup
from catalog_sync.sources.lake.table_memo import decode_rollup, encode_rollup
from catalog_sync.store.lite.sink import lite_sink
from tests.support.lake import ingest, latest, write_parquet, write_recipe

BASE = dt.datetime(2024, 3, 1, 12, tzinfo=dt.UTC)


def _rich(start: int, rows: int = 20) -> pa.Table:
    """Every statistic type the cache must carry: ints, floats, text, bytes, decimals, dates,
    zoned timestamps, times, durations, booleans, dictionaries, nested and all-null columns."""
    ids = range(start, start + rows)
    return pa.table({
        "id": pa.array(ids, pa.int64()),
        "u": pa.array([2**63 + i for i in ids], pa.uint64()),
        "score": pa.array([i / 3 if i % 4 else None for i in ids], pa.float32()),
        "name": pa.array([f"name-{i:03d}" for i in ids]),
        "blob": pa.array([bytes([i % 256, 0, 255]) for i in ids], pa.binary()),
        "amount": pa.array([decimal.Decimal(i * 7 - 50) / 100 for i in ids], pa.decimal128(9, 2)),
        "day": pa.array([dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in ids], pa.date32()),
        "at": pa.array([BASE + dt.timedelta(seconds=i) for i in ids], pa.timestamp("us", "UTC")),
        "local": pa.array([dt.datetime(2024, 1, 1) + dt.timedelta(hours=i) for i in ids],
                          pa.timestamp("ms")),
        "clock": pa.array([dt.time(i % 24, 30) for i in ids], pa.time64("us")),
        "took": pa.array([dt.timedelta(seconds=i) for i in ids], pa.duration("s")),
        "flag": pa.array([i % 2 == 0 for i in ids]),
        "tag": pa.array([["x", "y"][i % 2] for i in ids]).dictionary_encode(),
        "nested": pa.array([{"a": i} for i in ids]),
        "nothing": pa.array([None] * rows, pa.null()),
    })


def _lake(root: Path) -> list[str]:
    files = [write_parquet(root, f"flat/part-{i}.parquet", _rich(i * 20)) for i in range(3)]
    files += [write_parquet(root, f"events/day=2024-01-0{i}/p.parquet", _rich(i * 100),
                            compression="zstd", row_group_size=7) for i in range(1, 4)]
    return files


class _Reads(logging.Handler):
    """Collects the paths of the source's `footer read: <uri>` debug lines."""

    def __init__(self, paths: list[str]) -> None:
        super().__init__(logging.DEBUG)
        self.paths = paths

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg == "footer read: %s":
            self.paths.append(str(record.args[0]).removeprefix("file://"))  # type: ignore[index]


@pytest.fixture
def footer_reads() -> Iterator[list[str]]:
    """Paths whose footers the lake source read (in its worker processes), in order."""
    calls: list[str] = []
    source_logger = logging.getLogger("catalog_sync.sources.lake.source")
    handler, level = _Reads(calls), source_logger.level
    source_logger.addHandler(handler)
    source_logger.setLevel(logging.DEBUG)
    try:
        yield calls
    finally:
        source_logger.removeHandler(handler)
        source_logger.setLevel(level)


def _catalog_run(
    workdir: Path, catalog: str, exit_code: int = 0, **config: Any
) -> dict[tuple[str, str], Any]:
    """Ingest the lake into the embedded catalog file `catalog`; its latest aspects."""
    recipe = write_recipe(
        workdir / f"{catalog}.yml", {"paths": [str(workdir / "lake")], **config},
        sink=lite_sink(workdir / catalog),
    )
    result = ingest(str(recipe), "--json")
    assert result.exit_code == exit_code, result.output
    return latest(workdir / catalog)


def test_encode_decode_gives_back_the_same_footer(tmp_path: Path) -> None:
    path = write_parquet(tmp_path, "t/a.parquet", _rich(0), row_group_size=6)
    filesystem = pafs.LocalFileSystem()
    read = footer.read_footer(filesystem, filesystem.get_file_info(path))
    encoded = encode(read)
    assert encoded is not None
    again = decode(path, encoded, {})
    assert again == read
    assert again.schema.equals(read.schema, check_metadata=True)
    assert {n: type(s.min_value) for n, s in again.stats.items()} == {
        n: type(s.min_value) for n, s in read.stats.items()
    }


def test_unchanged_files_are_not_read_again(workdir: Path, footer_reads: list[str]) -> None:
    files = _lake(workdir / "lake")
    first = _catalog_run(workdir, "catalog.db")
    assert sorted(footer_reads) == sorted(files)
    assert (workdir / "catalog.footers.sqlite").is_file()  # beside the catalog by default
    footer_reads.clear()
    second = _catalog_run(workdir, "catalog.db")
    assert footer_reads == []
    assert second == first


def test_a_changed_file_is_read_again_and_output_equals_a_cold_run(
    workdir: Path, footer_reads: list[str]
) -> None:
    files = _lake(workdir / "lake")
    _catalog_run(workdir, "catalog.db")
    changed = files[4]
    write_parquet(workdir / "lake", "events/day=2024-01-02/p.parquet", _rich(7, rows=30))
    os.utime(changed, ns=(10**18, 10**18))
    gone = files[0]
    os.remove(gone)
    footer_reads.clear()
    warm = _catalog_run(workdir, "catalog.db")
    assert footer_reads == [changed]
    cold = _catalog_run(workdir, "cold.db", incremental=False)
    assert warm == cold
    cache = FooterCache(workdir / "catalog.footers.sqlite")
    try:  # the deleted file is forgotten, the changed one holds its new facts
        assert cache.table(f"file://{workdir}/lake/flat").keys() == {
            f"file://{p}" for p in files[1:3]
        }
        row = cache.table(f"file://{workdir}/lake/events")[f"file://{changed}"]
        assert (row[1], row[2]) == (10**18, 30)
    finally:
        cache.close()


def test_same_mtime_but_new_size_is_read_again(workdir: Path, footer_reads: list[str]) -> None:
    files = _lake(workdir / "lake")
    _catalog_run(workdir, "catalog.db")
    stat = os.stat(files[1])
    write_parquet(workdir / "lake", "flat/part-1.parquet", _rich(5, rows=3))
    os.utime(files[1], ns=(stat.st_atime_ns, stat.st_mtime_ns))
    footer_reads.clear()
    _catalog_run(workdir, "catalog.db")
    assert footer_reads == [files[1]]


def test_worker_processes_give_the_same_catalog(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _lake(workdir / "lake")
    (workdir / "lake" / "flat" / "broken.parquet").write_bytes(b"PAR1 not really")
    # An unreadable file is a warning (exit 0), read the same way by one worker or several.
    one = _catalog_run(workdir, "one.db", 0, read_processes=1, incremental=False)
    monkeypatch.setattr(reader, "CHUNK", 2)
    pooled = _catalog_run(workdir, "pool.db", 0, read_processes=2, incremental=False)
    assert pooled == one


@pytest.mark.parametrize("columns", [3, 1500])  # 1,500 columns: a footer above 64 KiB
def test_a_footer_parsed_from_the_tail_is_pyarrows_own(tmp_path: Path, columns: int) -> None:
    """The tail alone, parsed by pyarrow's public reader, gives what pyarrow reads from the
    whole file; odd files are refused with a reason."""
    table = _rich(0) if columns == 3 else pa.table({f"c{i}": [i] for i in range(columns)})
    path = write_parquet(tmp_path, "t/a.parquet", table, row_group_size=6)
    local = pafs.LocalFileSystem()
    tail = footer.tail_bytes(local, path, os.path.getsize(path))
    assert (len(tail) > 64 * 1024) is (columns > 3)
    read = footer.parse_footer(tail, local.get_file_info(path))
    whole = pq.ParquetFile(path)
    assert read.schema == whole.schema_arrow
    assert (read.rows, read.row_groups) == (whole.metadata.num_rows, whole.metadata.num_row_groups)
    truncated = tmp_path / "t" / "cut.parquet"
    truncated.write_bytes(Path(path).read_bytes()[:-20])
    with pytest.raises(ValueError, match="truncated or corrupt"):
        footer.read_footer(local, local.get_file_info(str(truncated)))
    lying = tmp_path / "t" / "lying.parquet"
    lying.write_bytes(b"PAR1" + b"\0" * 8 + (10**6).to_bytes(4, "little") + b"PAR1")
    with pytest.raises(ValueError, match="exceeds the file size"):
        footer.read_footer(local, local.get_file_info(str(lying)))


def test_a_table_memo_gives_back_the_same_rollup(tmp_path: Path) -> None:
    """Drift, partitions, nested fields and every statistic type survive the JSON memo."""
    filesystem = pafs.LocalFileSystem()
    paths = [write_parquet(tmp_path, f"t/k={i}/a.parquet", _rich(i * 20)) for i in range(2)]
    drifted = _rich(40).drop_columns(["name"]).append_column("flag2", pa.array([1] * 20))
    paths.append(write_parquet(tmp_path, "t/k=x/b.parquet", drifted.set_column(
        0, "id", pa.array([str(i) for i in range(20)]))))
    folded = TableRollup()
    for path in paths:
        read = footer.read_footer(filesystem, filesystem.get_file_info(path))
        folded.add(read, (("k", path.split("k=")[1].split("/")[0]),))
    assert folded.type_conflicts()  # the memo must carry drift too
    text = encode_rollup(folded)
    assert text is not None
    assert decode_rollup(text) == folded


def test_an_unchanged_table_is_not_folded_again(
    workdir: Path, footer_reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _lake(workdir / "lake")
    first = _catalog_run(workdir, "catalog.db")
    folds: list[int] = []
    real_add = TableRollup.add
    monkeypatch.setattr(TableRollup, "add", lambda self, *a: folds.append(1) or real_add(self, *a))
    assert _catalog_run(workdir, "catalog.db") == first
    assert folds == [] and footer_reads != []  # footers read once (first run), never folded again
    footer_reads.clear()
    new = write_parquet(workdir / "lake", "flat/part-9.parquet", _rich(900))
    _catalog_run(workdir, "catalog.db")
    assert len(folds) == 4  # only the changed table: its three cached files and the new one
    assert footer_reads == [new]  # the memoised run kept the other files' rows


def test_an_unusable_cache_is_a_warning_and_every_footer_is_read(
    workdir: Path, footer_reads: list[str]
) -> None:
    files = _lake(workdir / "lake")
    (workdir / "catalog.footers.sqlite").write_bytes(b"not a database, " * 1000)
    recipe = write_recipe(workdir / "r.yml", {"paths": [str(workdir / "lake")]},
                          sink=lite_sink(workdir / "catalog.db"))
    result = ingest(str(recipe), "--json")
    assert result.exit_code == 0, result.output
    assert "Footer cache unusable" in result.stdout
    assert sorted(footer_reads) == sorted(files)
