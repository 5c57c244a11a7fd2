"""Current `globalTags` of entities in the target catalog, so a full re-emission keeps
associations that people added by hand.

The target is whatever the pipeline's sink writes to: the embedded DataHub Lite file, or GMS
through the pipeline's graph client. A `file` sink has no prior state.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from datahub.ingestion.api.common import PipelineContext
from datahub.metadata.schema_classes import GlobalTagsClass

from catalog_sync.lite_file import open_readonly

logger = logging.getLogger(__name__)

ExistingTags = Callable[[Sequence[str]], dict[str, list[Any]]]


def _none(_: Sequence[str]) -> dict[str, list[Any]]:
    return {}


def lite_file_of(ctx: PipelineContext) -> Path | None:
    """The SQLite file of a `datahub-lite` sink in this pipeline, if that is the sink."""
    config = ctx.pipeline_config
    sink = getattr(config, "sink", None) if config else None
    if sink is None or sink.type != "datahub-lite":
        return None
    lite = sink.config or {}
    if lite.get("type", "sqlite") != "sqlite":
        return None
    file = (lite.get("config") or {}).get("file")
    return Path(file) if file else None


def _lite_reader(path: Path) -> ExistingTags:
    connection: list[sqlite3.Connection] = []

    def read(urns: Sequence[str]) -> dict[str, list[Any]]:
        if not urns or not path.exists():
            return {}
        if not connection:
            connection.append(open_readonly(path))
        marks = ",".join("?" * len(urns))
        try:
            rows = connection[0].execute(
                "SELECT urn, metadata FROM metadata_aspect_v2 WHERE aspect_name = "
                f"'globalTags' AND version = 0 AND urn IN ({marks})",
                list(urns),
            ).fetchall()
        except sqlite3.OperationalError:  # a fresh file has no tables yet
            return {}
        return {urn: json.loads(meta).get("tags", []) for urn, meta in rows}

    return read


def _graph_reader(ctx: PipelineContext) -> ExistingTags:
    graph = ctx.graph
    assert graph is not None

    def read(urns: Sequence[str]) -> dict[str, list[Any]]:
        found: dict[str, list[Any]] = {}
        for urn in urns:
            aspect = graph.get_aspect(urn, GlobalTagsClass)
            if aspect is not None:
                found[urn] = list(aspect.tags)
        return found

    return read


def existing_tags_reader(ctx: PipelineContext) -> ExistingTags:
    """A reader for the pipeline's target catalog; one that finds nothing for `file` sinks."""
    lite = lite_file_of(ctx)
    if lite is not None:
        return _lite_reader(lite)
    if ctx.graph is not None:
        return _graph_reader(ctx)
    return _none
