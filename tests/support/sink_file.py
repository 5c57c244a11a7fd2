"""Records of a DataHub `file` sink, one proposal per aspect, whatever shape they were written in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from datahub.emitter.mcp_builder import mcps_from_mce
from datahub.metadata.schema_classes import MetadataChangeEventClass


def file_records(path: Path) -> list[dict[str, Any]]:
    """Every record of `path` as a proposal dict (`entityUrn`, `aspectName`, `aspect.json`).

    Datasets are written as one MetadataChangeEvent each: those are split into proposals with
    DataHub's own `mcps_from_mce`, as the embedded store and the REST sink's batches do.
    """
    records: list[dict[str, Any]] = []
    for record in json.loads(path.read_text()):
        if "proposedSnapshot" in record:
            mce = MetadataChangeEventClass.from_obj(record)
            records.extend(mcp.to_obj(simplified_structure=True) for mcp in mcps_from_mce(mce))
        else:
            records.append(record)
    return records
