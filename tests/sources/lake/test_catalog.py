"""What the lake puts in the embedded catalog: containers, tags, tag entities, platform instance,
only full aspects, and the same catalog after the same recipe runs twice."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest
from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.ingestion.api.common import PipelineContext
from datahub.metadata.schema_classes import ChangeTypeClass, MetadataChangeEventClass

from catalog_sync.sources.lake.source import LakeSource
from catalog_sync.store import CatalogEntry
from catalog_sync.store.lite.index import read_entries
from tests.support.lake import (
    all_rows,
    aspect,
    file_dataset_urn,
    ingest,
    ingest_json,
    rich_table,
    write_parquet,
    write_recipe,
)

TABLES = ["images/cifar10/split=train", "images/cifar10/split=test", "images/thumbs",
          "features/users", "raw/events/dt=2024-01-01"]
RECIPE_RULES = [{"name": "feature-store", "match": {"path": "*/features/*"}, "add": ["inference"]}]


@pytest.fixture
def lake(workdir: Path) -> Path:
    for index, folder in enumerate(TABLES):
        write_parquet(workdir / "lake", f"{folder}/part-{index}.parquet", pa.table({"v": [index]}))
    return workdir / "lake"


def _by_name(catalog: Path) -> dict[str, CatalogEntry]:
    return {e.name.rsplit("/", 1)[-1]: e for e in read_entries(catalog)}


def test_containers_follow_the_folders(workdir: Path, lake: Path) -> None:
    report = ingest_json(write_recipe(workdir / "r.yml", {"paths": [str(lake)]}))
    assert report["containers"] == 4  # lake, images, features, raw
    entries = _by_name(workdir / "catalog.db")
    folders = {n for n, e in entries.items() if e.entity_type == "container"}
    assert folders == {"lake", "images", "features", "raw"}
    assert all(entries[n].subtypes == ["Folder"] for n in folders)
    assert entries["lake"].container is None
    for child in ("images", "features", "raw"):
        assert entries[child].container == entries["lake"].urn
    assert entries["cifar10"].container == entries["images"].urn
    assert entries["thumbs"].container == entries["images"].urn
    assert entries["events"].container == entries["raw"].urn
    props = aspect(workdir / "catalog.db", entries["images"].urn, "containerProperties")
    assert props["customProperties"]["folder_abs_path"] == f"file://{lake}/images"
    browse = aspect(workdir / "catalog.db", entries["cifar10"].urn, "browsePathsV2")
    assert [p["urn"] for p in browse["path"]] == [entries["lake"].urn, entries["images"].urn]


def test_tags_from_rules_and_recipe(workdir: Path, lake: Path) -> None:
    recipe = write_recipe(workdir / "r.yml", {
        "paths": [str(lake)], "tags": ["team vision"], "tag_rules": RECIPE_RULES,
    })
    ingest_json(recipe)
    entries = _by_name(workdir / "catalog.db")
    assert entries["cifar10"].tags == ["data lake", "team vision", "training"]
    assert entries["users"].tags == ["data lake", "inference", "team vision"]
    assert entries["thumbs"].tags == ["data lake", "team vision"]
    assert entries["events"].tags == ["data lake", "team vision"]
    assert entries["images"].tags == []  # folders carry no facts, so no tags
    origins = {a["tag"]: json.loads(a["context"]) for a in entries["users"].tag_associations}
    assert origins == {
        "urn:li:tag:data lake": {"addedBy": "catalog-sync", "rule": "lake-datasets"},
        "urn:li:tag:inference": {"addedBy": "catalog-sync", "rule": "feature-store"},
        "urn:li:tag:team vision": {"addedBy": "catalog-sync", "rule": "recipe"},
    }


def test_tag_entities_carry_their_definitions(workdir: Path, lake: Path) -> None:
    recipe = write_recipe(workdir / "r.yml", {
        "paths": [str(lake)], "tags": ["team vision"], "tag_rules": RECIPE_RULES,
    })
    ingest_json(recipe)
    catalog = workdir / "catalog.db"
    assert aspect(catalog, "urn:li:tag:training", "tagProperties") == {
        "name": "training", "description": "Source data for model training.",
        "colorHex": "#2CA02C",
    }
    assert aspect(catalog, "urn:li:tag:data lake", "tagProperties")["colorHex"] == "#1F77B4"
    assert aspect(catalog, "urn:li:tag:inference", "tagProperties")["name"] == "inference"
    assert aspect(catalog, "urn:li:tag:team vision", "tagProperties") == {"name": "team vision"}
    with pytest.raises(KeyError):  # only tags in use get an entity
        aspect(catalog, "urn:li:tag:aws", "tagProperties")


def test_exclusive_tag_conflict_fails_that_table_only(workdir: Path, lake: Path) -> None:
    rules = [{"name": "wrong", "match": {"path": "*/cifar10"}, "add": ["inference"]}]
    recipe = write_recipe(workdir / "r.yml", {"paths": [str(lake)], "tag_rules": rules})
    result = ingest(str(recipe), "--json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert [f["title"] for f in report["failures"]] == ["Conflicting tags"]
    assert report["failures"][0]["context"] == f"file://{lake}/images/cifar10"
    assert "'inference', 'training'" in report["failures"][0]["message"]
    assert report["datasets"] == len(TABLES) - 2  # cifar10 (two partitions) left out
    assert "cifar10" not in _by_name(workdir / "catalog.db")


def test_platform_instance_is_in_urns_and_aspect(workdir: Path, lake: Path) -> None:
    recipe = write_recipe(workdir / "r.yml", {"paths": [str(lake)], "platform_instance": "eu-lake"})
    ingest_json(recipe)
    urn = file_dataset_urn(lake / "images/thumbs", instance="eu-lake")
    assert aspect(workdir / "catalog.db", urn, "dataPlatformInstance") == {
        "platform": "urn:li:dataPlatform:file",
        "instance": "urn:li:dataPlatformInstance:(urn:li:dataPlatform:file,eu-lake)",
    }
    container = aspect(workdir / "catalog.db", urn, "container")["container"]
    assert aspect(workdir / "catalog.db", container, "dataPlatformInstance")["instance"].endswith(
        ",eu-lake)"
    )


def test_no_platform_instance_aspect_without_an_instance(workdir: Path, lake: Path) -> None:
    ingest_json(write_recipe(workdir / "r.yml", {"paths": [str(lake)]}))
    with pytest.raises(KeyError):
        aspect(workdir / "catalog.db", file_dataset_urn(lake / "images/thumbs"),
               "dataPlatformInstance")


def test_same_recipe_twice_leaves_the_catalog_identical(workdir: Path, lake: Path) -> None:
    # Every column kind, in two files, so schema and statistics go through the footer cache.
    for index in range(2):
        write_parquet(lake, f"rich/part-{index}.parquet", rich_table())
    recipe = write_recipe(workdir / "r.yml", {"paths": [str(lake)], "tags": ["team vision"]})
    first_report = ingest_json(recipe)
    first = all_rows(workdir / "catalog.db")
    second_report = ingest_json(recipe)
    assert all_rows(workdir / "catalog.db") == first  # same aspects, same versions
    assert max(version for _, _, version, _ in first) == 1  # nothing was written twice
    for key in ("datasets", "files", "rows", "bytes"):
        assert first_report[key] == second_report[key]


def test_only_full_aspects_reach_the_sink(workdir: Path, lake: Path) -> None:
    """The lite sink drops PATCH proposals with a 'datahub-local does not support' warning."""
    report = ingest_json(write_recipe(workdir / "r.yml", {"paths": [str(lake)]}))
    assert report["records_written"] > 0
    assert not [w for w in report["warnings"] if "does not support" in w["message"]]
    source = LakeSource.create({"paths": [str(lake)]}, PipelineContext(run_id="full-aspects"))
    metadata = [wu.metadata for wu in source.get_workunits()]
    # Proposals of whole aspects (UPSERT), and each dataset's snapshot (an MCE, whole aspects).
    assert {type(m) for m in metadata} == {MetadataChangeProposalWrapper, MetadataChangeEventClass}
    assert {m.changeType for m in metadata if isinstance(m, MetadataChangeProposalWrapper)} == {
        ChangeTypeClass.UPSERT
    }
