"""Recipe files: DataHub's format and loader (`${VAR}` expansion), checked before any write.

A recipe without `sink` writes to the deployment's catalog store (catalog_sync.store): the
embedded DataHub Lite catalog, or DataHub GMS when DATAHUB_GMS_URL is set. A `datahub-rest` sink
takes server and token from the recipe or from DATAHUB_GMS_URL / DATAHUB_GMS_TOKEN.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from datahub.configuration.config_loader import load_config_file
from datahub.ingestion.run.pipeline_config import PipelineConfig
from datahub.ingestion.source.source_registry import source_registry
from pydantic import ValidationError

from catalog_sync.errors import CatalogSyncError, RecipeError
from catalog_sync.ingest.recipe_checks import (
    check_recipe_file,
    explain,
    unknown_source_type,
    yaml_hint,
)
from catalog_sync.report import MAX_PROBLEMS
from catalog_sync.settings import Settings
from catalog_sync.sources.base import AssetSourceConfig
from catalog_sync.store import REST_SINKS, CatalogStore, open_store, store_for_sink
from catalog_sync.store.gms.sink import SINK_TYPE as REST_SINK_TYPE
from catalog_sync.sync.state import stateful_defaults

RECIPE_KEYS = frozenset(
    {"source", "sink", "transformers", "pipeline_name", "run_id", "datahub_api", "reporting",
     "flags", "failure_log"}
)




def source_config_class(kind: str) -> type[Any]:
    """The config class of a registered DataHub source (set by its `@config_class`)."""
    config_class: type[Any] = source_registry.get(kind).get_config_class()  # type: ignore[attr-defined]
    return config_class


def _enable_stale_removal(
    recipe: dict[str, Any], store: CatalogStore | None, force: bool
) -> None:
    """catalog-sync sources remove stale assets by default, with the state where the store the
    sink writes keeps it (a file beside the embedded catalog; GMS, with a journal on local
    disk). Sinks with no catalog (`file`) have nothing to remove from."""
    source = recipe["source"]
    if store is None or not issubclass(source_config_class(source["type"]), AssetSourceConfig):
        return
    if source.get("config") is None:
        source["config"] = {}
    stateful_defaults(
        source["config"], provider=store.state_provider(recipe["pipeline_name"]), force=force
    )


def _sink(name: str, recipe: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """The recipe's sink, defaulted to the deployment's store; a `datahub-rest` sink gets
    server and token from the settings when the recipe has none, and runs as
    `catalog-sync-rest` (the same sink, whose flush waits for its writes in flight)."""
    sink = recipe.get("sink")
    if sink is None:
        # DATAHUB_GMS_URL switches the whole deployment to GMS, recipes included.
        sink = open_store(settings).sink_config()
    if not isinstance(sink, dict):
        raise RecipeError(name, "sink: must be a mapping with `type` and `config`")
    if sink.get("type") in REST_SINKS:
        config = dict(sink.get("config") or {})
        if not config.get("server"):
            if not settings.gms_url:
                raise RecipeError(name, "sink.config.server: not set and DATAHUB_GMS_URL is empty")
            config["server"] = settings.gms_url
        if not config.get("token") and settings.gms_token is not None:
            config["token"] = settings.gms_token.get_secret_value()
        # DataHub's default holds a partial batch up to 30 s while records trickle in; the
        # run's end (flush) would wait for it.
        config.setdefault("min_process_interval_seconds", 1)
        return {"type": REST_SINK_TYPE, "config": config}
    return sink


def _validate_source(path: str, source: Any) -> None:
    if not isinstance(source, dict) or "type" not in source:
        raise RecipeError(path, "source: must be a mapping with `type` and `config`")
    kind = source["type"]
    try:
        source_class = source_registry.get(kind)
    except Exception as err:  # the registry raises a bare KeyError/ConfigurationError
        raise RecipeError(path, unknown_source_type(kind)) from err
    config_class = source_class.get_config_class()  # type: ignore[attr-defined]
    try:
        config = config_class.model_validate(source.get("config") or {})
    except ValidationError as err:
        raise RecipeError(path, explain(err, "source.config", config_class)) from err
    except CatalogSyncError as err:
        raise RecipeError(path, f"source.config: {err}") from err
    # Paths, tags folder and the like: checked before any sink opens, so bad input writes nothing.
    check = getattr(source_class, "check_config", None)
    if callable(check):
        try:
            check(config)
        except CatalogSyncError as err:
            raise RecipeError(path, f"source.config: {err}") from err


def load_recipe(path: Path, settings: Settings, *, force: bool = False) -> dict[str, Any]:
    """The recipe as a dict ready for DataHub's Pipeline; raises RecipeError naming the fault.

    `force` lifts the stale-removal fail-safe threshold for this run.
    """
    name = str(path)
    check_recipe_file(path, dict(os.environ))
    try:
        recipe = load_config_file(path, allow_remote=False, resolve_env_vars=True)
    except yaml.MarkedYAMLError as err:  # say where, not only "while parsing a flow mapping"
        mark = err.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        lines = path.read_text(errors="replace").splitlines()
        hint = yaml_hint(lines[mark.line]) if mark and mark.line < len(lines) else ""
        raise RecipeError(name, f"not valid YAML: {where}{err.problem or err}{hint}") from err
    except Exception as err:  # other loader errors: unset ${VAR}
        raise RecipeError(name, str(err).splitlines()[0]) from err
    if not isinstance(recipe, dict):
        raise RecipeError(name, "top level must be a mapping")
    unknown = sorted(set(recipe) - RECIPE_KEYS)
    if unknown:
        raise RecipeError(name, f"{unknown[0]}: unknown recipe key")
    _validate_source(name, recipe.get("source"))
    recipe["sink"] = _sink(name, recipe, settings)
    recipe.setdefault("pipeline_name", f"catalog-sync-{path.stem}")
    _enable_stale_removal(recipe, store_for_sink(recipe["sink"], settings), force)
    # DataHub keeps 10 sampled problems (and 10 contexts each); the run report lists them all.
    flags = recipe.setdefault("flags", {}) or {}
    recipe["flags"] = flags
    flags.setdefault("report_failure_sample_size", MAX_PROBLEMS)
    flags.setdefault("report_warning_sample_size", MAX_PROBLEMS)
    try:
        PipelineConfig.from_dict(recipe)
    except ValidationError as err:
        raise RecipeError(name, explain(err, "")) from err
    return recipe
