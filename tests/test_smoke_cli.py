"""The quickstart path end to end: sample lake -> ingest -> assets, through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from catalog_sync.cli.main import app


def test_sample_lake_ingests_and_lists_tagged_assets(workdir: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["sample", "lake", "sample-lake"]).exit_code == 0
    result = runner.invoke(app, ["ingest", "recipes/lake.yml", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["datasets"] == 4
    assert report["files"] == 12
    assert report["rows"] == 3200
    listed = runner.invoke(app, ["assets", "--tag", "training", "--json"])
    assets = json.loads(listed.stdout)
    assert [a["name"].rsplit("/", 1)[-1] for a in assets] == ["cifar10"]
    assert set(assets[0]["tags"]) == {"data lake", "training"}
    assert assets[0]["properties"]["partition_keys"] == "split"
