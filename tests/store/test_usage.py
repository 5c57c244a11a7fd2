"""Usage recording through the catalog store, the same cases on both backends: a pipeline's
dataJob lists the datasets it read as input edges, re-reading updates their time and never
their number, and `usage_of` finds the pipelines that read a dataset."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from catalog_sync.api.main import create_app
from catalog_sync.auth import TokenStore
from catalog_sync.model import Asset
from catalog_sync.settings import get_settings
from catalog_sync.usage.aspects import Pipeline
from tests.support.backends import Backend, backend_for
from tests.support.catalog import lake_asset, write_catalog

CIFAR = "urn:li:dataset:(urn:li:dataPlatform:file,lake/cifar10,PROD)"
MNIST = "urn:li:dataset:(urn:li:dataPlatform:file,lake/mnist,PROD)"


def _io(backend: Backend, job: str) -> dict[str, Any]:
    """The job's dataJobInputOutput as the backend holds it (read outside the store layer)."""
    if backend.gms is not None:
        entity = backend.gms.store.entity(job)
        assert entity is not None
        value: dict[str, Any] = entity.aspects["dataJobInputOutput"]
        return value
    with closing(sqlite3.connect(backend.catalog)) as conn:
        (text,) = conn.execute(
            "SELECT metadata FROM metadata_aspect_v2 WHERE urn = ? AND version = 0 "
            "AND aspect_name = 'dataJobInputOutput'", (job,)).fetchone()
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _edges(io: dict[str, Any]) -> dict[str, int]:
    return {e["destinationUrn"]: e["lastModified"]["time"] for e in io["inputDatasetEdges"]}


def test_two_reads_two_edges_and_rereading_changes_no_edge(backend: Backend) -> None:
    write_catalog(backend, [lake_asset("lake/cifar10", {"training"}),
                            lake_asset("lake/mnist", {"training"})])
    store = backend.store()
    train = Pipeline.parse("vision/train")
    store.record_usage(train, [CIFAR, MNIST], 1_000)
    io = _io(backend, train.job_urn)
    assert _edges(io) == {CIFAR: 1_000, MNIST: 1_000}
    assert sorted(io["inputDatasets"]) == [CIFAR, MNIST]

    store.record_usage(train, [CIFAR], 2_000)
    again = _io(backend, train.job_urn)
    assert _edges(again) == {CIFAR: 2_000, MNIST: 1_000}
    first = {e["destinationUrn"]: e["created"]["time"] for e in again["inputDatasetEdges"]}
    assert first == {CIFAR: 1_000, MNIST: 1_000}

    store.record_usage(Pipeline.parse("vision.eval"), [CIFAR], 3_000)
    uses = store.usage_of(CIFAR)
    assert [(u.pipeline, u.last_read_ms) for u in uses] == [("vision/eval", 3_000),
                                                             ("vision/train", 2_000)]
    assert [u.pipeline for u in store.usage_of(MNIST)] == ["vision/train"]
    assert store.usage_of("urn:li:dataset:(urn:li:dataPlatform:file,lake/none,PROD)") == []
    assert train.flow_urn == "urn:li:dataFlow:(catalog-sync,vision,PROD)"
    store.close()


def test_the_api_records_only_with_usage_write(backend: Backend) -> None:
    write_catalog(backend, [lake_asset("lake/cifar10", {"training"})])
    get_settings.cache_clear()
    tokens = TokenStore(get_settings().tokens_path)
    plain = tokens.create(["catalog:read"], "reader")[1]
    usage = tokens.create(["catalog:read", "usage:write"], "pipeline")[1]
    params = {"tag": "training", "binding": "gp-train", "pipeline": "vision/train"}
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        refused = client.get("/v1/resolve", params=params,
                             headers={"Authorization": f"Bearer {plain}"})
        assert refused.status_code == 403, refused.text
        assert "usage:write" in refused.json()["detail"]
        bad = client.get("/v1/resolve", params={**params, "pipeline": "../x"},
                         headers={"Authorization": f"Bearer {usage}"})
        assert bad.status_code == 422 and "pipeline" in bad.text and "'../x'" in bad.text
    assert backend.store().usage_of(CIFAR) == []


def _located(name: str, tags: set[str]) -> Asset:
    return Asset(platform="file", name=name, subtype="Table", tags=frozenset(tags),
                 properties={"location": f"file:///data/{name}", "format": "parquet"})


def test_a_pipeline_resolving_two_datasets_through_the_api(backend: Backend) -> None:
    write_catalog(backend, [_located("lake/cifar10", {"training"}),
                            _located("lake/mnist", {"training"})])
    get_settings.cache_clear()
    token = TokenStore(get_settings().tokens_path).create(
        ["catalog:read", "usage:write"], "pipeline")[1]
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        for _ in range(2):
            answer = client.get("/v1/resolve", headers=headers, params={
                "tag": "training", "pipeline": "vision/train"})
            assert answer.status_code == 200, answer.text
            assert answer.headers["X-Usage-Recorded"] == "true"
            assert len(answer.json()["datasets"]) == 2
    job = Pipeline.parse("vision/train").job_urn
    assert sorted(_edges(_io(backend, job))) == [CIFAR, MNIST]
    assert len(_io(backend, job)["inputDatasetEdges"]) == 2  # read twice, still two edges
    assert [u.job_urn for u in backend.store().usage_of(MNIST)] == [job]


@pytest.mark.parametrize("name", ["", "a..b", "ns/", "with space"])
def test_bad_pipeline_names_are_refused(name: str) -> None:
    with pytest.raises(Exception, match="pipeline"):
        Pipeline.parse(name)


def test_a_recording_failure_is_a_warning_not_a_failed_read(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    with backend_for("gms", workdir, monkeypatch) as backend:
        write_catalog(backend, [_located("lake/cifar10", {"training"})])
        assert backend.gms is not None
        backend.gms.fail_writes, backend.gms.fail_aspect = -1, "dataJobInputOutput"
        token = TokenStore(get_settings().tokens_path).create(
            ["catalog:read", "usage:write"], "pipeline")[1]
        with TestClient(create_app(), raise_server_exceptions=False) as client:
            answer = client.get("/v1/resolve", params={"tag": "training", "pipeline": "a/b"},
                                headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200, answer.text
        assert answer.headers["X-Usage-Recorded"] == "false"
        assert answer.json()["datasets"][0]["urn"] == CIFAR
        assert any("not recorded" in r.getMessage() for r in caplog.records)
        assert backend.store().usage_of(CIFAR) == []


def test_the_readers_show_on_the_asset(backend: Backend) -> None:
    from typer.testing import CliRunner

    from catalog_sync.cli.main import app

    write_catalog(backend, [_located("lake/cifar10", {"training"})])
    backend.store().record_usage(Pipeline.parse("vision/train"), [CIFAR], 1_700_000_000_000)
    shown = CliRunner().invoke(app, ["assets", "show", CIFAR, "--json"])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["read_by"] == [{
        "pipeline": "vision/train", "last_read_ms": 1_700_000_000_000,
        "job": "urn:li:dataJob:(urn:li:dataFlow:(catalog-sync,vision,PROD),train)"}]
    text = CliRunner().invoke(app, ["assets", "show", CIFAR])
    assert "vision/train  last read 2023-11-14 22:13 UTC" in text.stdout
    get_settings.cache_clear()
    token = TokenStore(get_settings().tokens_path).create(["catalog:read"], "r")[1]
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        body = client.get(f"/v1/assets/{CIFAR}", headers={"Authorization": f"Bearer {token}"})
    assert body.status_code == 200, body.text
    assert body.json()["read_by"] == json.loads(shown.stdout)["read_by"]
