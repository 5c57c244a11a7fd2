"""Bad recipes through the real `catalog-sync ingest`: one line naming the key or path, exit 2,
and the catalog exactly as it was (or not created at all)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pyarrow as pa
import pytest
import yaml

from catalog_sync.settings import get_settings
from tests.conftest import REPO
from tests.support.lake import all_rows, ingest, ingest_json, write_parquet, write_recipe

SECRET = "wrong-type-secret-0123456789"


def _lake_recipe(workdir: Path, **config: object) -> dict[str, object]:
    return {"source": {"type": "catalog-sync-lake",
                       "config": {"paths": [str(workdir / "lake")], **config}}}


def _cases(workdir: Path) -> dict[str, tuple[dict[str, object], str]]:
    """case -> (recipe, what the one error line must name)."""
    missing = workdir / "no-such-lake"
    a_file = workdir / "lake" / "t" / "f.parquet"
    return {
        "unknown recipe key": ({**_lake_recipe(workdir), "sinks": {}}, "sinks: unknown recipe key"),
        "unknown source key": (_lake_recipe(workdir, pathz=["x"]), "source.config.pathz"),
        "unknown s3 key": (_lake_recipe(workdir, s3={"endpoint": "x"}),
                           "source.config.s3.endpoint"),
        "wrong type": (_lake_recipe(workdir, read_concurrency="many"),
                       "source.config.read_concurrency"),
        "paths not a list": ({"source": {"type": "catalog-sync-lake",
                                         "config": {"paths": str(workdir / "lake")}}},
                             "source.config.paths"),
        "missing path": ({"source": {"type": "catalog-sync-lake",
                                     "config": {"paths": [str(workdir / "lake"), str(missing)]}}},
                         f"paths[1]: '{missing}' not found"),
        "path is a file": ({"source": {"type": "catalog-sync-lake",
                                       "config": {"paths": [str(a_file)]}}},
                           f"paths[0]: '{a_file}' is not a folder"),
        "unsupported scheme": ({"source": {"type": "catalog-sync-lake",
                                           "config": {"paths": ["ftp://host/lake"]}}},
                               "unsupported scheme 'ftp'"),
        "bad tag": (_lake_recipe(workdir, tags=["ok", " bad"]), "source.config.tags"),
        "unknown source type": ({"source": {"type": "catalog-sync-lakes", "config": {}}},
                                "source.type: unknown source type 'catalog-sync-lakes'"),
        "secret of the wrong type": (_lake_recipe(workdir, s3={"secret_access_key": [SECRET]}),
                                     "source.config.s3.secret_access_key"),
    }


CASES = list(_cases(Path("/")))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def lake(workdir: Path) -> Path:
    write_parquet(workdir / "lake", "t/f.parquet", pa.table({"x": [1, 2, 3]}))
    return workdir / "lake"


def _check_bad(workdir: Path, case: str) -> None:
    recipe, names = _cases(workdir)[case]
    path = workdir / "bad.yml"
    path.write_text(yaml.safe_dump(recipe))
    result = ingest(str(path))
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {path}: ")
    assert names in lines[0]
    assert result.stdout == ""
    assert SECRET not in result.output


@pytest.fixture(scope="module")
def populated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalog filled by one good run, made once and copied into each test."""
    base = tmp_path_factory.mktemp("populated")
    write_parquet(base / "lake", "t/f.parquet", pa.table({"x": [1, 2, 3]}))
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CATALOG_SYNC_CATALOG", str(base / "catalog.db"))
        env.setenv("CATALOG_SYNC_TAGS_DIR", str(REPO / "tags"))
        get_settings.cache_clear()
        ingest_json(write_recipe(base / "good.yml", {"paths": [str(base / "lake")]}))
    get_settings.cache_clear()
    return base / "catalog.db"


@pytest.mark.parametrize("case", CASES)
def test_bad_recipe_leaves_the_catalog_unchanged(
    workdir: Path, lake: Path, populated: Path, case: str
) -> None:
    catalog = workdir / "catalog.db"
    shutil.copyfile(populated, catalog)
    before_bytes, before_rows = _digest(catalog), all_rows(catalog)
    assert before_rows
    _check_bad(workdir, case)
    assert _digest(catalog) == before_bytes
    assert all_rows(catalog) == before_rows


@pytest.mark.parametrize("case", ["missing path", "wrong type", "bad tag"])
def test_bad_recipe_creates_no_catalog(workdir: Path, lake: Path, case: str) -> None:
    _check_bad(workdir, case)
    assert sorted(p.name for p in workdir.iterdir()) == ["bad.yml", "lake", "recipes", "tags"]


def test_one_bad_recipe_among_several_runs_none(workdir: Path, lake: Path) -> None:
    good = write_recipe(workdir / "good.yml", {"paths": [str(lake)]})
    bad = write_recipe(workdir / "bad.yml", {"paths": [str(workdir / "gone")]})
    result = ingest(str(good), str(bad))
    assert result.exit_code == 2
    assert f"{bad}: source.config: paths[0]" in result.stderr
    assert not (workdir / "catalog.db").exists()


def test_missing_recipe_file_is_named(workdir: Path) -> None:
    result = ingest(str(workdir / "nope.yml"))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {workdir / 'nope.yml'}: recipe file not found"


def test_invalid_yaml_names_the_line(workdir: Path) -> None:
    recipe = workdir / "broken.yml"
    recipe.write_text("source:\n  type: catalog-sync-lake\n  config: {paths: [lake]\n")
    result = ingest(str(recipe))
    assert result.exit_code == 2
    assert result.stderr.strip().startswith(f"error: {recipe}: not valid YAML: line 4, column 1")
    assert not (workdir / "catalog.db").exists()


def test_unset_variable_is_named(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CS_TEST_NO_SUCH_LAKE", raising=False)
    recipe = workdir / "var.yml"
    recipe.write_text(
        "source: {type: catalog-sync-lake, config: {paths: ['${CS_TEST_NO_SUCH_LAKE}']}}\n"
    )
    result = ingest(str(recipe))
    assert result.exit_code == 2
    assert "CS_TEST_NO_SUCH_LAKE" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
