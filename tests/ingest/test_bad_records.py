"""A record that does not fit its avro schema is never written, whichever sink, and fails the
run: catalog-sync's sources skip the extractor's validation (`SinkValidatedExtractor`) because
every sink validates each record when it serialises it."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from datahub.ingestion.api.workunit import MetadataWorkUnit
from datahub.metadata.schema_classes import DatasetPropertiesClass, MetadataChangeEventClass

from catalog_sync.ingest.pipeline import SinkValidatedExtractor, SyncPipeline
from catalog_sync.sources import base
from tests.support.lake import ingest, latest, write_parquet, write_recipe

GOOD = pa.table({"id": [1, 2, 3]})


@pytest.fixture
def lake(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two tables; the snapshot of `bad` gets a number for its name, which avro refuses (its
    other proposals, subTypes and container, stay valid and are written)."""
    for table in ("good", "bad"):
        write_parquet(workdir / "lake", f"{table}/f.parquet", GOOD)
    real = base.dataset_workunits

    def corrupted(*args: Any, **kwargs: Any) -> Iterator[MetadataWorkUnit]:
        for wu in real(*args, **kwargs):
            if isinstance(wu.metadata, MetadataChangeEventClass) and "/bad," in wu.metadata.proposedSnapshot.urn:
                for aspect in wu.metadata.proposedSnapshot.aspects:
                    if isinstance(aspect, DatasetPropertiesClass):
                        aspect.name = 42  # type: ignore[assignment]
            yield wu

    monkeypatch.setattr(base, "dataset_workunits", corrupted)
    return workdir / "lake"


def _dataset_urns(urns: Iterable[str]) -> set[str]:
    return {u.split(",")[1].rsplit("/", 1)[-1] for u in urns if u.startswith("urn:li:dataset:")}


def test_file_sink_writes_the_rest_and_fails_the_run(workdir: Path, lake: Path) -> None:
    out = workdir / "out.json"
    recipe = write_recipe(workdir / "r.yml", {"paths": [str(lake)]},
                          sink={"type": "file", "config": {"filename": str(out)}})
    result = ingest(str(recipe), "--json")
    assert result.exit_code == 1, result.output
    assert json.loads(result.stdout)["failures"]
    snapshots = [next(iter(r["proposedSnapshot"].values()))["urn"]
                 for r in json.loads(out.read_text()) if "proposedSnapshot" in r]
    assert _dataset_urns(snapshots) == {"good"}  # the bad dataset's snapshot is not written


def test_embedded_catalog_writes_the_rest_and_fails_the_run(workdir: Path, lake: Path) -> None:
    recipe = write_recipe(workdir / "r.yml", {"paths": [str(lake)]})
    result = ingest(str(recipe), "--json")
    assert result.exit_code == 1, result.output
    assert json.loads(result.stdout)["failures"]
    stored = latest(workdir / "catalog.db")
    assert _dataset_urns(u for u, a in stored if a == "schemaMetadata") == {"good"}


def test_only_catalog_sync_sources_skip_the_extractor_validation(workdir: Path) -> None:
    write_parquet(workdir / "lake", "t/f.parquet", GOOD)
    sink = {"type": "file", "config": {"filename": str(workdir / "out.json")}}
    ours = SyncPipeline.create({"source": {"type": "catalog-sync-lake",
                                           "config": {"paths": [str(workdir / "lake")]}},
                                "sink": sink}, report_to=None, no_progress=True)
    assert type(ours.extractor) is SinkValidatedExtractor
    theirs = SyncPipeline.create({"source": {"type": "file",
                                             "config": {"path": str(workdir / "none.json")}},
                                  "sink": sink}, report_to=None, no_progress=True)
    assert type(theirs.extractor) is not SinkValidatedExtractor
