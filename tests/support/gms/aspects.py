"""The stand-in's metadata store: the latest aspects GMS was sent, validated as GMS validates them.

Every aspect written is checked against DataHub's own aspect classes (the ones generated from
DataHub's PDL models, which acryl-datahub ships): the aspect name must be one DataHub knows, the
entity type must support it, and the value must pass the class's schema validation. PATCH
proposals are applied the way GMS applies them: a JSON Patch, or DataHub's envelope of one with
`arrayPrimaryKeys` (the array is keyed by those fields while the patch applies). Anything the
stand-in does not implement is a contract violation, never silently accepted.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import jsonpatch
import jsonpointer
from datahub.emitter.mcp_builder import entity_supports_aspect
from datahub.emitter.serialization_helper import post_json_transform
from datahub.metadata.schema_classes import ASPECT_NAME_MAP, KEY_ASPECTS, StatusClass
from datahub.metadata.urns import Urn
from datahub.utilities.urns.urn import guess_entity_type

# The defaults of GMS's patch templates (e.g. DatasetPropertiesTemplate) for aspects a plain
# JSON Patch may create; any other aspect starts empty, and must then validate.
TEMPLATE_DEFAULTS: dict[str, Any] = {"datasetProperties": {"customProperties": {}, "tags": []}}
UNIT_SEPARATOR = "\u241f"  # nests a primary key field: attribution\u241fsource
TIMESERIES = frozenset(
    name for name, cls in ASPECT_NAME_MAP.items()
    if getattr(cls, "ASPECT_TYPE", "") == "timeseries"
)


class ContractViolation(Exception):
    """A request DataHub GMS would refuse (or that the stand-in refuses, being stricter)."""


def checked_aspect(entity_urn: str, aspect_name: str, value: Any) -> Any:
    """`value` (GMS's JSON form of an aspect) if it is a valid `aspect_name` for the entity."""
    cls = ASPECT_NAME_MAP.get(aspect_name)
    if cls is None:
        raise ContractViolation(f"unknown aspect {aspect_name!r}")
    entity_type = guess_entity_type(entity_urn)
    key = KEY_ASPECTS.get(entity_type)
    is_key = key is not None and key.ASPECT_NAME == aspect_name
    if not is_key and not entity_supports_aspect(entity_type, cls):
        raise ContractViolation(f"entity type {entity_type!r} has no aspect {aspect_name!r}")
    try:
        typed = cls.from_obj(post_json_transform(value))
    except Exception as err:
        raise ContractViolation(f"{aspect_name}: not a valid aspect ({err})") from err
    if not typed.validate():
        raise ContractViolation(f"{aspect_name}: fails DataHub's schema validation")
    return value


def _key_of(item: dict[str, Any], key: str) -> str:
    value: Any = item
    for part in key.split(UNIT_SEPARATOR):
        value = value.get(part) if isinstance(value, dict) else None
    return "" if value is None else str(value)


def _to_map(items: list[dict[str, Any]], keys: list[str]) -> dict[str, Any]:
    keyed: dict[str, Any] = {}
    for item in items:
        node = keyed
        for key in keys[:-1]:
            node = node.setdefault(_key_of(item, key), {})
        node[_key_of(item, keys[-1])] = item
    return keyed


def _to_list(keyed: dict[str, Any], depth: int) -> list[dict[str, Any]]:
    if depth == 1:
        return [keyed[k] for k in sorted(keyed)]
    return [item for k in sorted(keyed) for item in _to_list(keyed[k], depth - 1)]


def _make_parents(document: dict[str, Any], path: str) -> None:
    """GMS adds into keyed maps whose parent keys do not exist yet (a first tag from a source)."""
    node: Any = document
    for part in [jsonpointer.unescape(p) for p in path.split("/")[1:-1]]:
        if not isinstance(node, dict):
            return
        node = node.setdefault(part, {})


def patched(aspect_name: str, current: dict[str, Any] | None, payload: Any) -> dict[str, Any]:
    """`current` (or the aspect's default) after a PATCH payload, as GMS applies it: DataHub's
    envelope with `arrayPrimaryKeys`, or a plain JSON Patch applied to the aspect (GMS's patch
    templates start a missing aspect from a default; the ones known here are listed)."""
    document: dict[str, Any] = json.loads(json.dumps(current or {}))
    if isinstance(payload, dict) and set(payload) == {"patch", "arrayPrimaryKeys"}:
        keys: dict[str, list[str]] = payload["arrayPrimaryKeys"]
        operations = payload["patch"]
        for name, fields in keys.items():
            document[name] = _to_map(document.get(name) or [], fields)
        for operation in operations:
            if operation.get("op") == "add":
                _make_parents(document, operation.get("path", ""))
        try:
            document = jsonpatch.apply_patch(document, operations)
        except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException) as err:
            raise ContractViolation(f"PATCH does not apply: {err}") from err
        for name, fields in keys.items():
            document[name] = _to_list(document.get(name) or {}, len(fields))
        return document
    if not isinstance(payload, list):
        raise ContractViolation("PATCH is neither a JSON Patch nor DataHub's envelope of one")
    if current is None:  # GMS patches a missing aspect from its template's default
        document = json.loads(json.dumps(TEMPLATE_DEFAULTS.get(aspect_name, {})))
    for operation in payload:
        if operation.get("op") == "add":
            _make_parents(document, operation.get("path", ""))
    try:
        return jsonpatch.apply_patch(document, payload)  # type: ignore[no-any-return]
    except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException) as err:
        raise ContractViolation(f"PATCH does not apply: {err}") from err


@dataclass
class Entity:
    """One entity's latest aspects (GMS's JSON form), and its timeseries values, newest last."""

    urn: str
    aspects: dict[str, Any] = field(default_factory=dict)
    timeseries: dict[str, list[Any]] = field(default_factory=lambda: defaultdict(list))

    @property
    def entity_type(self) -> str:
        return guess_entity_type(self.urn)

    @property
    def removed(self) -> bool:
        return bool((self.aspects.get("status") or {}).get("removed"))

    def key_aspect(self, aspect_name: str) -> Any | None:
        """The key aspect GMS derives from the URN itself."""
        cls = KEY_ASPECTS.get(self.entity_type)
        if cls is None or cls.ASPECT_NAME != aspect_name:
            return None
        key = Urn.from_string(self.urn).to_key_aspect()  # type: ignore[attr-defined]
        return key.to_obj()


class AspectStore:
    """Every entity written, by URN; thread-safe (the HTTP server is threaded)."""

    def __init__(self) -> None:
        self.entities: dict[str, Entity] = {}
        self.lock = threading.RLock()

    def entity(self, urn: str) -> Entity | None:
        return self.entities.get(urn)

    def upsert(self, urn: str, aspect_name: str, value: Any) -> None:
        checked_aspect(urn, aspect_name, value)
        with self.lock:
            entity = self.entities.setdefault(urn, Entity(urn))
            if aspect_name in TIMESERIES:
                entity.timeseries[aspect_name].append(value)
            else:
                entity.aspects[aspect_name] = value

    def patch(self, urn: str, aspect_name: str, payload: Any) -> None:
        if aspect_name in TIMESERIES:
            raise ContractViolation(f"PATCH of timeseries aspect {aspect_name!r}")
        with self.lock:
            entity = self.entities.get(urn)
            current = entity.aspects.get(aspect_name) if entity else None
            self.upsert(urn, aspect_name, patched(aspect_name, current, payload))

    def soft_deleted(self, urn: str) -> bool:
        entity = self.entities.get(urn)
        return entity is not None and entity.removed

    def status_of(self, urn: str) -> StatusClass:
        return StatusClass(removed=self.soft_deleted(urn))
