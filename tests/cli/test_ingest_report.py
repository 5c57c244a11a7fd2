"""The ingest report as a person reads it, and a rule that adds an undefined tag: a warning at
ingest naming the rule (and the closest defined tag), not a silent typo in the catalog."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa

from tests.support.lake import ingest, write_parquet, write_recipe


def _lake(workdir: Path) -> Path:
    write_parquet(workdir / "lake", "t/f.parquet", pa.table({"x": list(range(1500))}))
    return write_recipe(workdir / "r.yml", {"paths": [str(workdir / "lake")]})


def test_the_summary_has_sizes_separators_and_plurals(workdir: Path) -> None:
    result = ingest(str(_lake(workdir)))
    assert result.exit_code == 0, result.output
    summary = " ".join(result.stderr.split())
    assert "1 dataset, 1 file, 1,500 rows, " in summary and " KiB, 0 warnings, 0 failures" in summary
    assert max(len(line) for line in result.stderr.splitlines() if "│" in line) <= 80


def test_a_rule_adding_an_undefined_tag_is_a_warning_naming_the_rule(workdir: Path) -> None:
    rules = workdir / "tags" / "typo.yml"
    rules.write_text("rules:\n  - name: typo-rule\n    match: {source: lake}\n    add: [trainin]\n")
    recipe = _lake(workdir)
    first = ingest(str(recipe), "--json")
    assert first.exit_code == 0, first.output
    (warning,) = [w for w in json.loads(first.stdout)["warnings"] if w["title"] == "Undefined tag"]
    assert "rule 'typo-rule' adds 'trainin'" in warning["message"]
    assert "did you mean 'training'?" in warning["message"]
    assert warning["context"] == f"{rules}:2"
    assert ingest(str(recipe), "--strict-warnings").exit_code == 1
    # the tags folder explains it: an unchanged re-run reports it again without a full run
    again = json.loads(ingest(str(recipe), "--json").stdout)
    assert again["recipes"][0]["inputs_unchanged"] is True
    assert [w["title"] for w in again["warnings"]] == ["Undefined tag"]
