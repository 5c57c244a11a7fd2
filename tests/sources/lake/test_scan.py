"""Table detection: flat folders, hive partitions at any depth, nested folders, hidden files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pytest

from catalog_sync.sources.lake.fs import GcsOptions, S3Options, resolve_root
from catalog_sync.sources.lake.scan import find_tables
from catalog_sync.store.lite.index import read_entries
from tests.support.lake import ingest, ingest_json, write_parquet, write_recipe

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
    "mixed/sub": ["inner.parquet"],  # `mixed/top.parquet` beside it is a stray file
    "mixed/inner_notes": ["a.parquet", "docs/readme.txt"],  # docs/ holds no table: it belongs
}
STRAY = ["mixed/top.parquet"]
HIDDEN = ["flat/_SUCCESS", "flat/.a.parquet.crc", "_tmp/t/x.parquet", "sales/_temporary/0.json",
          ".staging/t/x.parquet"]


@pytest.fixture
def lake(tmp_path: Path) -> Path:
    root = tmp_path / "lake"
    for table, files in LAYOUT.items():
        for file in files:
            write_parquet(root, f"{table}/{file}", ONE)
    for file in STRAY:
        write_parquet(root, file, ONE)
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
    mixed = next(t for t in find_tables(root) if t.relative == "mixed/sub")
    assert {mixed.partition_of(f.path) for f in mixed.files} == {()}


def test_include_and_exclude_globs_select_tables(lake: Path) -> None:
    assert set(_tables(lake, include=["zone/*"])) == {"zone/raw/clicks", "zone/curated/users"}
    assert set(_tables(lake, exclude=["zone/*", "mixed/*"])) == {"flat", "sales", "events"}


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


def test_stray_files_beside_tables_are_warnings_not_a_merged_table(workdir: Path) -> None:
    lake = workdir / "lake"
    write_parquet(lake, "sales/orders/f.parquet", pa.table({"id": [1, 2]}))
    write_parquet(lake, "sales/customers/f.parquet", pa.table({"name": ["a"]}))
    write_parquet(lake, "sales/copied.parquet", pa.table({"x": [1]}))
    report = ingest_json(write_recipe(workdir / "r.yml", {"paths": [str(lake)]}))
    names = sorted(e.name for e in read_entries(workdir / "catalog.db")
                   if e.entity_type == "dataset")
    assert names == [f"{lake}/sales/customers", f"{lake}/sales/orders"]
    assert [(w["title"], w["context"]) for w in report["warnings"]] == [
        ("Stray file beside tables", f"file://{lake}/sales/copied.parquet")
    ]
    assert (report["datasets"], report["rows"]) == (2, 3)


def test_a_layout_change_keeps_datasets_whose_folders_still_exist(workdir: Path) -> None:
    lake = workdir / "lake"
    write_parquet(lake, "sales/orders/f.parquet", pa.table({"id": [1, 2]}))
    write_parquet(lake, "sales/customers/f.parquet", pa.table({"name": ["a"]}))
    write_parquet(lake, "gone/f.parquet", pa.table({"id": [1]}))
    recipe = write_recipe(workdir / "r.yml", {"paths": [str(lake)]})
    ingest_json(recipe)
    # A partition folder makes `sales` itself a table; `gone` really is gone.
    write_parquet(lake, "sales/region=eu/f.parquet", pa.table({"id": [3]}))
    shutil.rmtree(lake / "gone")
    report = ingest_json(recipe)
    contexts = sorted(c for w in report["warnings"]
                      if w["title"] == "Layout changed: dataset kept"
                      for c in w["context"].split("; "))
    assert contexts == [f"file://{lake}/sales/customers", f"file://{lake}/sales/orders"]
    assert report["soft_deleted"] == 1  # only `gone`
    removed = {e.name: e.removed for e in read_entries(workdir / "catalog.db")
               if e.entity_type == "dataset"}
    assert removed == {f"{lake}/sales": False, f"{lake}/sales/orders": False,
                       f"{lake}/sales/customers": False}  # `gone` soft-deleted: not listed


def test_files_that_are_not_parquet_are_warnings_never_a_failed_table(workdir: Path) -> None:
    lake = workdir / "lake"
    write_parquet(lake, "t/000000_0", pa.table({"x": [1, 2]}))  # Hive's extension-less parquet
    (lake / "t" / "000001_0").write_text("id,name\n1,a\n")  # extension-less CSV
    (lake / "csv_only").mkdir()
    (lake / "csv_only" / "000000_0").write_text("id,name\n1,a\n")
    result = ingest(str(write_recipe(workdir / "r.yml", {"paths": [str(lake)]})), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["failures"] == []
    contexts = {c for w in report["warnings"] if w["title"] == "Not a parquet file"
                for c in w["context"].split("; ")}
    assert contexts == {f"file://{lake}/t/000001_0", f"file://{lake}/csv_only/000000_0"}
    assert (report["datasets"], report["files"], report["rows"]) == (1, 1, 2)
