"""Both catalog backends behind one fixture: the embedded DataHub Lite file and the GMS stand-in.

Tests that read, tag, resolve or remove assets take the `backend` fixture (tests/conftest.py),
which runs them once per backend: `lite` (the embedded file, the default deployment) and `gms`
(DATAHUB_GMS_URL pointing at `tests.support.gms`, which checks every request against DataHub's
contract and fails the test on any violation). Tests write through `Backend.write` (DataHub's
own writers: DataHub Lite, or DataHub's REST emitter) and read through the store the
deployment opens; `Backend.entries` reads what the backend holds, soft-deleted entries included
on request, for assertions.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from datahub.emitter.mcp_builder import mcps_from_mce
from datahub.emitter.rest_emitter import EmitMode
from datahub.ingestion.api.workunit import MetadataWorkUnit
from datahub.ingestion.graph.client import DataHubGraph
from datahub.ingestion.graph.config import DatahubClientConfig
from datahub.lite.sqlite_lite_config import SqliteLiteConfig
from datahub.metadata.schema_classes import MetadataChangeEventClass

from catalog_sync.settings import get_settings
from catalog_sync.store import CatalogEntry, CatalogStore, open_store
from catalog_sync.store.entries import entry_from_aspects
from catalog_sync.store.lite.index import read_entries
from catalog_sync.store.lite.sink import IndexOnChangeLite, lite_config
from catalog_sync.store.lite.sql import checkpoint
from catalog_sync.sync.paths import state_file
from tests.support.gms import Gms, gms_standin

KINDS = ("lite", "gms")
CATALOGUED = ("urn:li:dataset:", "urn:li:container:", "urn:li:tag:")
# Tests compare raw rows of the embedded file (outside the store layer: they check it).
EXPORT_SQL = (
    "SELECT urn, aspect_name, metadata FROM metadata_aspect_v2 WHERE version = 0 "
    "ORDER BY urn, aspect_name"
)


@dataclass
class Backend:
    """One backend for one test: `kind`, the embedded catalog path, the stand-in if GMS."""

    kind: str
    catalog: Path
    gms: Gms | None = None

    @property
    def is_gms(self) -> bool:
        return self.gms is not None

    def store(self) -> CatalogStore:
        """The store the deployment's settings open (what the CLI and the API use)."""
        return open_store(get_settings())

    def write(self, units: Iterable[MetadataWorkUnit]) -> None:
        """Write workunits as an ingestion would: DataHub Lite's writer, or DataHub's REST
        emitter in batches (synchronously, so a search right after sees them)."""
        if self.gms is None:
            lite = IndexOnChangeLite(
                SqliteLiteConfig.model_validate(lite_config(self.catalog)["config"]))
            try:
                for unit in units:
                    lite.write(unit.metadata)  # type: ignore[arg-type]
            finally:
                lite.close()
                checkpoint(self.catalog)
            return
        proposals: list[Any] = []
        for unit in units:
            record = unit.metadata
            proposals += (mcps_from_mce(record) if isinstance(record, MetadataChangeEventClass)
                          else [record])
        graph = DataHubGraph(DatahubClientConfig(server=self.gms.url, token=self.gms.token,
                                                 openapi_ingestion=False))
        try:
            graph.emit_mcps(proposals, emit_mode=EmitMode.SYNC_WAIT)  # ingestProposalBatch
        finally:
            graph.close()

    def entries(self, include_removed: bool = False) -> list[CatalogEntry]:
        """Every dataset and container the backend holds, in URN order."""
        if self.gms is None:
            return read_entries(self.catalog, include_removed=include_removed) \
                if self.catalog.exists() else []
        with self.gms.store.lock:
            held = sorted(self.gms.store.entities.items())
        found = [entry_from_aspects(urn, dict(e.aspects)) for urn, e in held
                 if e.entity_type in ("dataset", "container") and e.aspects]
        return [e for e in found if include_removed or not e.removed]

    def export(self) -> list[tuple[str, str, Any]]:
        """Every latest aspect (urn, name, JSON) of the datasets, containers and tags the
        backend holds, in order, without system metadata (run ids and timestamps differ by
        run). Not stateful ingestion's own bookkeeping (GMS's checkpoint jobs)."""
        if self.gms is None:
            if not self.catalog.exists():
                return []
            uri = f"{self.catalog.resolve().as_uri()}?mode=ro"
            with closing(sqlite3.connect(uri, uri=True)) as conn:
                rows = [(u, a, json.loads(m)) for u, a, m in conn.execute(EXPORT_SQL)]
        else:
            with self.gms.store.lock:
                rows = sorted((urn, name, value) for urn, e in self.gms.store.entities.items()
                              for name, value in e.aspects.items())
        return [r for r in rows if r[0].startswith(CATALOGUED)]

    def state_kept(self, pipeline_name: str) -> bool:
        """Whether a stale-removal state was committed for the pipeline (a file beside the
        embedded catalog; a checkpoint timeseries in GMS)."""
        if self.gms is None:
            return state_file(self.catalog, pipeline_name).is_file()
        return any(f",{pipeline_name}," in urn for urn in self.gms.checkpoints)

    def by_name(self, include_removed: bool = False) -> dict[str, CatalogEntry]:
        """Entries by their last name part (`lake/sales/orders` -> `orders`)."""
        return {e.name.rsplit("/", 1)[-1].rsplit(".", 1)[-1]: e
                for e in self.entries(include_removed)}


@contextmanager
def backend_for(kind: str, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Backend]:
    """`kind`'s backend; for `gms`, the stand-in running and DATAHUB_GMS_URL pointing at it.
    A GMS test fails if its code sent the stand-in anything DataHub's contract forbids."""
    catalog = workdir / "catalog.db"
    if kind == "lite":
        yield Backend("lite", catalog)
        return
    with gms_standin() as gms:
        monkeypatch.setenv("DATAHUB_GMS_URL", gms.url)
        get_settings.cache_clear()
        try:
            yield Backend("gms", catalog, gms)
        finally:
            get_settings.cache_clear()
        assert gms.violations == [], f"DataHub contract violations: {gms.violations}"
