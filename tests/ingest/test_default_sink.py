"""A recipe without `sink`: the embedded catalog, or DataHub GMS once DATAHUB_GMS_URL is set.

No GMS runs here; these tests stop at the recipe DataHub's Pipeline would be given.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog_sync.ingest.recipe import load_recipe
from catalog_sync.settings import get_settings


@pytest.fixture(autouse=True)
def lake(workdir: Path) -> Path:
    """recipes/lake.yml's default lake root; the recipe check wants it to exist."""
    (workdir / "sample-lake").mkdir()
    return workdir / "sample-lake"


def test_no_sink_means_embedded_catalog(workdir: Path) -> None:
    recipe = load_recipe(Path("recipes/lake.yml"), get_settings())
    assert recipe["sink"]["type"] == "catalog-sync-lite"  # DataHub Lite, reindexed on change
    assert recipe["sink"]["config"]["config"]["file"] == str(workdir / "catalog.db")


def test_no_sink_with_gms_url_means_gms(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATAHUB_GMS_URL", "http://datahub-gms:8080")
    monkeypatch.setenv("DATAHUB_GMS_TOKEN", "gms-token-value")
    get_settings.cache_clear()
    recipe = load_recipe(Path("recipes/lake.yml"), get_settings())
    assert recipe["sink"]["type"] == "catalog-sync-rest"  # datahub-rest with a real flush()
    assert recipe["sink"]["config"]["server"] == "http://datahub-gms:8080"
    assert recipe["sink"]["config"]["token"] == "gms-token-value"


def test_explicit_sink_wins_over_gms_url(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    recipe_path = workdir / "recipes" / "to-file.yml"
    recipe_path.write_text(
        (workdir / "recipes" / "lake.yml").read_text()
        + "sink:\n  type: file\n  config:\n    filename: out.json\n"
    )
    monkeypatch.setenv("DATAHUB_GMS_URL", "http://datahub-gms:8080")
    get_settings.cache_clear()
    recipe = load_recipe(recipe_path, get_settings())
    assert recipe["sink"] == {"type": "file", "config": {"filename": "out.json"}}
