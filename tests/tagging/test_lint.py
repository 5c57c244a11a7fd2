"""`tags lint`: every kind of problem is reported with file:line, all in one run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from catalog_sync.cli.main import app
from catalog_sync.tagging.lint import lint_folder

REPO_TAGS = Path(__file__).resolve().parents[2] / "tags"


def _folder(tmp_path: Path, rules: str) -> Path:
    """The repo's definitions and views plus the given rules file."""
    folder = tmp_path / "tags"
    folder.mkdir()
    shutil.copy(REPO_TAGS / "definitions.yml", folder / "definitions.yml")
    shutil.copy(REPO_TAGS / "views.yml", folder / "views.yml")
    (folder / "rules.yml").write_text(rules)
    return folder


def _lines(folder: Path) -> list[str]:
    return [str(p) for p in lint_folder(folder)]


def test_the_repository_tags_are_clean() -> None:
    assert lint_folder(REPO_TAGS) == []


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("{match: {source: lake}, add: [gpu]}", "adds unknown tag 'gpu'"),
        ("{match: {source: lake}, add: ['cloud:{bucket}']}", "adds unknown tag 'cloud:{bucket}'"),
        ("{match: {source: lake, binding_type: postgresql}, add: [inference]}",
         "can never match: no source produces source=['lake'], binding_type=['postgresql']"),
        ("{match: {platform: s3, scheme: gs}, add: [aws]}", "can never match"),
        ("{match: {source: database, platform: s3}, add: [aws]}", "can never match"),
        ("{match: {platform: greenplum, bucket: data}, add: [training]}", "can never match"),
        ("{match: {cloud: aws}, add: [aws]}", "can never match"),
        ("{match: {source: warehouse}, add: [aws]}", "can never match"),
        ("{match: {source: lake, path: []}, add: [aws]}", "can never match: path is an empty list"),
        ("{match: {source: lake}, add: ['servicebinding:type:{binding_type}']}",
         "can never add 'servicebinding:type:{binding_type}'"),
        ("{match: {binding_type: greenplum}, add: [training, inference]}",
         "adds inference, training from mutually exclusive group 'role'"),
        ("{match: {source: lake}, add: ['servicebinding:type:*']}", "invalid tag name"),
        ("{match: {source: lake}, add: ['servicebinding:type:{nope}']}",
         "invalid tag template 'servicebinding:type:{nope}'"),
        ("{match: {source: lake}, add: ['bad name!']}", "invalid tag name 'bad name!'"),
    ],
)
def test_each_rule_problem_names_file_and_line(tmp_path: Path, rule: str, expected: str) -> None:
    folder = _folder(tmp_path, f"rules:\n  - name: ok\n    match: {{source: lake}}\n"
                               f"    add: [data lake]\n  - {{name: bad, {rule[1:]}\n")
    lines = _lines(folder)
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{folder / 'rules.yml'}:5: "), lines
    assert expected in lines[0]


def test_overlapping_rules_adding_exclusive_tags_are_a_conflict(tmp_path: Path) -> None:
    folder = _folder(tmp_path, """rules:
  - name: cifar-is-training
    match: {source: lake, path: "*/cifar10"}
    add: [training]
  - name: lake-is-inference
    match: {source: lake}
    add: [inference]
  - name: greenplum-is-training
    match: {binding_type: greenplum}
    add: [training]
  - name: postgresql-is-inference
    match: {binding_type: postgresql}
    add: [inference]
""")
    lines = _lines(folder)
    assert lines == [
        f"{folder / 'rules.yml'}:5: rule 'lake-is-inference' adds inference and rule "
        f"'cifar-is-training' ({folder / 'rules.yml'}:2) adds training to the same assets, "
        "but group 'role' is mutually exclusive"
    ]


def test_problems_in_several_files_are_all_reported(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "rules:\n  - name: r\n    match: {colour: red}\n    add: [aws]\n")
    (folder / "mine.yml").write_text(
        "tags:\n  - name: ' spaced'\n  - name: gpu\n    group: hardware\n"
        "views:\n  - id: gpus\n    name: GPUs\n    any_tags: ['gpu:*']\n"
    )
    lines = _lines(folder)
    mine, rules = folder / "mine.yml", folder / "rules.yml"
    assert lines[0].startswith(f"{mine}:2: tags.name: Value error, invalid tag name ' spaced'")
    assert lines[1] == f"{mine}:3: tag 'gpu' names unknown group 'hardware'"
    assert lines[2] == f"{mine}:6: view 'gpus' names unknown tag 'gpu:*'"
    assert lines[3].startswith(f"{rules}:2: rules.match: Value error, unknown match key 'colour'")
    assert len(lines) == 4


def test_cli_exit_code(tmp_path: Path) -> None:
    runner = CliRunner()
    clean = runner.invoke(app, ["tags", "lint", str(REPO_TAGS)])
    assert clean.exit_code == 0, clean.output
    folder = _folder(tmp_path, "rules:\n  - name: r\n    match: {source: lake}\n    add: [gpu]\n")
    dirty = runner.invoke(app, ["tags", "lint", str(folder)])
    assert dirty.exit_code == 1
    assert f"{folder / 'rules.yml'}:2: rule 'r' adds unknown tag 'gpu'" in dirty.stdout
