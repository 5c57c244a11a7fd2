"""Recipes that are not recipes, misspelt keys, unknown types, unset variables: one clear line
each through the real `catalog-sync ingest`, exit 2, nothing created."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.lake import ingest

CASES = {
    "empty": ("", "the recipe is empty"),
    "only a comment": ("# nothing yet\n", "the recipe is empty"),
    "a list": ("- source\n- sink\n", "the top level is a list, not a mapping"),
    "misspelt key": ("source:\n  type: catalog-sync-lake\n  config:\n    path: [lake]\n",
                     "source.config.path: unknown key; did you mean 'paths'?"),
    "misspelt nested key": (
        ("source:\n  type: catalog-sync-lake\n  config:\n    paths: [lake]\n"
         "    s3: {endpont_url: x}\n"),
        "source.config.s3.endpont_url: unknown key; did you mean 'endpoint_url'?"),
    "unknown source type": ("source: {type: catalog-sync-lakes}\n",
                            ("did you mean 'catalog-sync-lake'? catalog-sync's sources: "
                             "catalog-sync-database, catalog-sync-lake")),
    "unset variable, block style": (
        ("source:\n  type: catalog-sync-lake\n  config:\n    paths:\n"
         "      - ${CS_TEST_UNSET}\n"),
        "line 5: environment variable CS_TEST_UNSET is not set"),
    "unset variable, flow style": (
        "source: {type: catalog-sync-lake, config: {paths: [${CS_TEST_UNSET}]}}\n",
        "line 1: environment variable CS_TEST_UNSET is not set"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_fault_is_one_line_naming_it(
    workdir: Path, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CS_TEST_UNSET", raising=False)
    text, names = CASES[case]
    recipe = workdir / "r.yml"
    recipe.write_text(text)
    result = ingest(str(recipe))
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"error: {recipe}: ") and names in line, line
    assert not (workdir / "catalog.db").exists()


def test_a_folder_given_as_a_recipe_is_named_as_one(workdir: Path) -> None:
    (workdir / "recipes.yml").mkdir()
    result = ingest(str(workdir / "recipes.yml"))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {workdir / 'recipes.yml'}: is a folder, not a recipe file"


def test_a_variable_with_a_default_or_in_a_comment_needs_no_value(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CS_TEST_UNSET", raising=False)
    (workdir / "lake").mkdir()
    recipe = workdir / "r.yml"
    recipe.write_text("# set ${CS_TEST_UNSET} to move it\nsource:\n  type: catalog-sync-lake\n"
                      "  config:\n    paths:\n      - ${CS_TEST_UNSET:-lake}\n")
    result = ingest(str(recipe), "--json")
    assert "CS_TEST_UNSET" not in result.stderr, result.stderr
