"""DataHub's own tooling against the GMS stand-in, with zero contract violations: `datahub ingest`
(DataHub's `file` source replaying catalog-sync's output into DataHub's own `datahub-rest` sink,
and the `catalog-sync-lake` plugin through the same sink), then `DataHubGraph` reads.

This shows the stand-in answers what DataHub's client sends and expects, not only what
catalog-sync sends: a request DataHub's own code makes that the stand-in (or DataHub's schema)
rejects would show up as a violation here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
from datahub.ingestion.graph.client import DataHubGraph
from datahub.ingestion.graph.config import DatahubClientConfig
from datahub.metadata.schema_classes import (
    DatasetPropertiesClass,
    GlobalTagsClass,
    SchemaMetadataClass,
    StatusClass,
)

from tests.support.gms import gms_standin
from tests.support.lake import ingest_json, write_parquet, write_recipe

DATAHUB = str(Path(sys.executable).parent / "datahub")


def _datahub(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([DATAHUB, *args], check=False, cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def test_datahub_ingest_and_graph_reads_meet_no_violation(workdir: Path) -> None:
    table = pa.table({"id": [1, 2], "name": ["a", "b"]})
    write_parquet(workdir / "lake", "zone/cifar10/f.parquet", table)
    write_parquet(workdir / "lake", "zone/mnist/f.parquet", table)
    out = workdir / "out.json"
    dump = write_recipe(workdir / "dump.yml", {"paths": [str(workdir / "lake")]},
                        sink={"type": "file", "config": {"filename": str(out)}})
    assert ingest_json(dump)["datasets"] == 2

    with gms_standin() as gms:
        replay = workdir / "replay.yml"
        replay.write_text(json.dumps({
            "source": {"type": "file", "config": {"path": str(out)}},
            "sink": {"type": "datahub-rest", "config": {"server": gms.url}},
        }))
        ran = _datahub("ingest", "-c", str(replay), cwd=workdir)
        assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
        plugin = write_recipe(workdir / "plugin.yml", {"paths": [str(workdir / "lake")]},
                              sink={"type": "datahub-rest", "config": {"server": gms.url}})
        ran = _datahub("ingest", "-c", str(plugin), cwd=workdir)
        assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]

        graph = DataHubGraph(DatahubClientConfig(server=gms.url))
        urns = sorted(graph.get_urns_by_filter(entity_types=["dataset"], platform="file"))
        assert len(urns) == 2 and all("/zone/" in u for u in urns)
        cifar = next(u for u in urns if u.endswith("cifar10,PROD)"))
        properties = graph.get_aspect(cifar, DatasetPropertiesClass)
        assert properties is not None and properties.customProperties["row_count"] == "2"
        schema = graph.get_schema_metadata(cifar)
        assert isinstance(schema, SchemaMetadataClass)
        assert [f.fieldPath for f in schema.fields] == ["id", "name"]
        tags = graph.get_tags(cifar)
        assert isinstance(tags, GlobalTagsClass)
        assert "urn:li:tag:data lake" in {a.tag for a in tags.tags}
        assert graph.exists(cifar) and not graph.exists(cifar.replace("cifar10", "nope"))
        typed = graph.get_entities("dataset", urns, ["status", "globalTags"])
        assert set(typed) == set(urns)
        assert isinstance(typed[cifar]["status"][0], StatusClass)
        tagged = list(graph.get_urns_by_filter(
            entity_types=["dataset"], extraFilters=[{"field": "tags", "condition": "EQUAL",
                                                      "values": ["urn:li:tag:data lake"]}]))
        assert sorted(tagged) == urns
        graph.close()
    assert gms.violations == []
    assert gms.count("POST /aspects?action=ingestProposalBatch") >= 2  # DataHub's batch sink
