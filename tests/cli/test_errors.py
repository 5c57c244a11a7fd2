"""Every error that ends a command: one line on stderr, the error's exit code, and with `--json`
(typed before or after the sub-command) also a JSON object on stdout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from catalog_sync.cli.main import app

runner = CliRunner()


@pytest.mark.parametrize("where", ["before", "after"])
def test_a_bad_recipe_with_json_prints_one_line_and_a_json_error(
    workdir: Path, where: str
) -> None:
    args = ["ingest", "nope.yml"]
    result = runner.invoke(app, ["--json", *args] if where == "before" else [*args, "--json"])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == ["error: nope.yml: recipe file not found"]
    assert json.loads(result.stdout) == {"error": {
        "type": "RecipeError", "message": "nope.yml: recipe file not found", "exit_code": 2}}


def test_commands_without_their_own_json_flag_still_answer_in_json(workdir: Path) -> None:
    result = runner.invoke(app, ["resolve", "--tag", "training", "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["error"]["type"] == "CatalogUnavailableError"
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_unexpected_error_is_one_line_and_debug_shows_the_traceback(workdir: Path) -> None:
    (workdir / "taken").write_text("a file, not a folder")
    result = runner.invoke(app, ["sample", "lake", "taken/lake"])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and "--debug" in lines[0]
    debug = runner.invoke(app, ["sample", "lake", "taken/lake", "--debug"])
    assert debug.exit_code == 1
    assert isinstance(debug.exception, OSError)


def test_debug_is_accepted_after_the_sub_command(workdir: Path) -> None:
    result = runner.invoke(app, ["ingest", "nope.yml", "--debug"])
    assert result.exit_code == 2
    assert "recipe file not found" in result.stderr


def test_a_usage_error_with_json_is_also_json(workdir: Path) -> None:
    result = runner.invoke(app, ["ingest", "--no-such-flag", "--json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout)["error"]["exit_code"] == 2


def test_help_shows_flags_as_flags() -> None:
    result = runner.invoke(app, ["ingest", "--help"])
    assert result.exit_code == 0
    assert "--strict-warnings" in result.stdout
    assert "<bool>" not in result.stdout
