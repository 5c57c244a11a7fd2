"""Table detection: flat folders, hive partitions at any depth, nested folders, hidden files."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from catalog_sync.sources.lake.fs import GcsOptions, S3Options, resolve_root
from catalog_sync.sources.lake.scan import find_tables
from catalog_sync.store.lite.index import read_entries
from tests.support.lake import ingest_json, write_parquet, write_recipe

ONE = pa.table({"x": [1]})

# table (relative to the lake root) -> its data files
LAYOUT = {
    "flat": ["a.parquet", "b.parquet"],
    "sales": ["region=eu/part-0.parquet", "region=us/part-0.parquet"],
    "events": [
        "year=2024/month=01/day=01/part-0.parquet",
        "year=2024/month=01/day=02/part-0.parquet",
        "year=2024/month=02/day=01/part-0.parquet",
    ],
    "zone/raw/clicks": ["dt=2024-01-01/f.parquet", "dt=2024-01-02/f.parquet"],
    "zone/curated/users": ["users.parquet"],
    "mixed": ["top.parquet", "sub/inner.parquet"],
}
HIDDEN = ["flat/_SUCCESS", "flat/.a.parquet.crc", "_tmp/t/x.parquet", "sales/_delta_log/0.json",
          ".staging/t/x.parquet"]


@pytest.fixture
def lake(tmp_path: Path) -> Path:
    root = tmp_path / "lake"
    for table, files in LAYOUT.items():
        for file in files:
            write_parquet(root, f"{table}/{file}", ONE)
    for hidden in HIDDEN:
        (root / hidden).parent.mkdir(parents=True, exist_ok=True)
        (root / hidden).write_bytes(b"not parquet")
    return root


def _tables(root: Path | str, **globs: list[str]) -> dict[str, list[str]]:
    lake_root = resolve_root(str(root), S3Options(), GcsOptions())
    return {
        t.relative: [f.path[len(t.path) + 1 :] for f in t.files]
        for t in find_tables(lake_root, **globs)  # type: ignore[arg-type]
    }


def test_every_table_folder_is_found_with_all_its_files(lake: Path) -> None:
    found = _tables(lake)
    assert found == {table: sorted(files) for table, files in LAYOUT.items()}


def test_hidden_files_and_folders_are_skipped(lake: Path) -> None:
    listed = [f for files in _tables(lake).values() for f in files]
    assert not any(part.startswith(("_", ".")) for f in listed for part in f.split("/"))
    assert "_tmp" not in _tables(lake) and ".staging/t" not in _tables(lake)


def test_partition_of_reads_key_value_folders_at_any_depth(lake: Path) -> None:
    root = resolve_root(str(lake), S3Options(), GcsOptions())
    events = next(t for t in find_tables(root) if t.relative == "events")
    assert [events.partition_of(f.path) for f in events.files] == [
        (("year", "2024"), ("month", "01"), ("day", "01")),
        (("year", "2024"), ("month", "01"), ("day", "02")),
        (("year", "2024"), ("month", "02"), ("day", "01")),
    ]
    mixed = next(t for t in find_tables(root) if t.relative == "mixed")
    assert {mixed.partition_of(f.path) for f in mixed.files} == {()}


def test_include_and_exclude_globs_select_tables(lake: Path) -> None:
    assert set(_tables(lake, include=["zone/*"])) == {"zone/raw/clicks", "zone/curated/users"}
    assert set(_tables(lake, exclude=["zone/*", "mixed"])) == {"flat", "sales", "events"}


def test_a_root_that_is_itself_a_table_is_one_dataset(tmp_path: Path) -> None:
    write_parquet(tmp_path / "only", "k=1/f.parquet", ONE)
    assert _tables(tmp_path / "only") == {"only": ["k=1/f.parquet"]}


def test_ingest_emits_one_dataset_per_table_folder(workdir: Path, lake: Path) -> None:
    recipe = write_recipe(workdir / "lake.yml", {"paths": [str(lake)]})
    report = ingest_json(recipe)
    files = sum(len(f) for f in LAYOUT.values())
    assert (report["datasets"], report["files"], report["rows"]) == (len(LAYOUT), files, files)
    datasets = [e for e in read_entries(workdir / "catalog.db") if e.entity_type == "dataset"]
    assert sorted(e.name for e in datasets) == sorted(f"{lake}/{t}" for t in LAYOUT)
    assert all(e.platform == "file" and e.subtypes == ["Table"] for e in datasets)


def test_a_stray_non_data_file_does_not_make_a_table(lake: Path) -> None:
    """A README beside the tables must not turn the lake root into one big table."""
    (lake / "README.md").write_text("# the lake")
    (lake / "docs").mkdir()
    (lake / "docs" / "notes.txt").write_text("notes")
    write_parquet(lake, "hive_style/000000_0", ONE)  # Hive's extension-less data files
    assert set(_tables(lake)) == set(LAYOUT) | {"hive_style"}


def test_file_uri_and_plain_path_find_the_same_tables(lake: Path) -> None:
    assert _tables(f"file://{lake}") == _tables(lake)
