"""Unreadable files inside a table folder: a warning naming each path, the rest ingested, exit 0.
A folder with no readable file at all is a failure (no dataset, and stale removal must not
take it for gone)."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa

from tests.support.lake import aspect, file_dataset_urn, ingest, write_parquet, write_recipe

GOOD = pa.table({"id": list(range(10)), "name": [f"n{i}" for i in range(10)]})


def _bad_files(table: Path) -> dict[str, bytes]:
    """name -> content: corrupt, truncated, zero-byte and not-parquet files."""
    good = (table / "good-0.parquet").read_bytes()
    return {
        "corrupt.parquet": b"PAR1" + bytes(range(256)) * 4 + b"PAR1",
        "truncated.parquet": good[: len(good) // 2],
        "empty.parquet": b"",
        "notes.csv": b"id,name\n1,a\n",
    }


def test_unreadable_files_are_warnings_and_the_rest_is_ingested(workdir: Path) -> None:
    table = workdir / "lake" / "people"
    write_parquet(table, "good-0.parquet", GOOD)
    write_parquet(table, "k=1/good-1.parquet", GOOD)
    bad = _bad_files(table)
    for name, content in bad.items():
        (table / name).write_bytes(content)
    write_parquet(workdir / "lake", "other/f.parquet", GOOD)

    result = ingest(str(write_recipe(workdir / "r.yml", {"paths": [str(workdir / "lake")]})),
                    "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {"datasets", "files", "rows", "bytes", "warnings", "failures", "seconds"} <= set(report)
    assert report["failures"] == []
    # DataHub's report folds warnings with the same title and message into one entry.
    warned = {c: w for w in report["warnings"] for c in w["context"].split("; ")}
    assert set(warned) == {f"file://{table}/{name}" for name in bad}
    assert {name: warned[f"file://{table}/{name}"]["title"] for name in bad} == {
        "corrupt.parquet": "Unreadable parquet file",
        "truncated.parquet": "Unreadable parquet file",
        "empty.parquet": "Unreadable parquet file",
        "notes.csv": "Not a parquet file",  # sniffed: no PAR1 magic at either end
    }
    assert warned[f"file://{table}/empty.parquet"]["message"] == "skipped: zero-byte file"
    assert (report["datasets"], report["files"], report["rows"]) == (2, 3, 30)

    props = aspect(workdir / "catalog.db", file_dataset_urn(table),
                   "datasetProperties")["customProperties"]
    assert (props["row_count"], props["file_count"], props["unreadable_files"]) == ("20", "2", "4")
    fields = aspect(workdir / "catalog.db", file_dataset_urn(table), "schemaMetadata")["fields"]
    assert [f["fieldPath"] for f in fields] == ["id", "name", "k"]


def test_the_human_report_names_the_paths(workdir: Path) -> None:
    table = workdir / "lake" / "t"
    write_parquet(table, "good-0.parquet", GOOD)
    (table / "broken.parquet").write_bytes(b"garbage")
    result = ingest(str(write_recipe(workdir / "r.yml", {"paths": [str(workdir / "lake")]})))
    assert result.exit_code == 0, result.output
    assert f"file://{table}/broken.parquet" in result.output
    assert "1 warning," in result.output


def test_a_folder_without_any_readable_file_is_a_failure(workdir: Path) -> None:
    write_parquet(workdir / "lake", "fine/f.parquet", GOOD)
    (workdir / "lake" / "junk").mkdir()
    (workdir / "lake" / "junk" / "a.parquet").write_bytes(b"")
    result = ingest(str(write_recipe(workdir / "r.yml", {"paths": [str(workdir / "lake")]})),
                    "--json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert [(f["title"], f["context"]) for f in report["failures"]] == [
        ("Table folder without readable parquet files", f"file://{workdir}/lake/junk")
    ]
    assert report["datasets"] == 1
