"""Run one or more recipes and fold their reports into one; skip those with nothing to do.

A lake recipe whose inputs all match its last clean run's (catalog_sync.sync.fingerprint) is
answered without DataHub: nothing to read, nothing to write. Every other recipe goes through
DataHub's Pipeline (catalog_sync.ingest.pipeline), imported only then: it is most of a run's
start-up time.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from catalog_sync.errors import (
    CatalogUnavailableError,
    DiskFullError,
    SinkUnavailableError,
    out_of_space,
)
from catalog_sync.report import RecipeResult, RunReport
from catalog_sync.settings import Settings
from catalog_sync.store import lite_file
from catalog_sync.store.lite.sql import checkpoint
from catalog_sync.sync import fingerprint
from catalog_sync.sync.lock import lock_path, run_lock
from catalog_sync.tagging.known import UNDEFINED_TAG_WARNING


def run_recipe(
    path: Path, settings: Settings, *, force: bool = False, wait_seconds: float = 0.0,
    unchanged: fingerprint.Unchanged | None = None,
) -> RecipeResult:
    """Run one recipe; bad input raises (exit 2), asset failures land in the result (exit 1).

    The run holds the catalog's lock (see `catalog_sync.sync.lock`), so two runs never
    interleave; `force` lifts the stale-removal threshold. `unchanged`: the recipe was found
    unchanged (`fingerprint.find_unchanged`) and is answered without a run if, under the lock,
    the catalog still is as its last clean run left it.
    """
    if unchanged is not None:
        name = unchanged.pipeline_name
        lock = lock_path(unchanged.catalog, name, settings.catalog.parent / "locks")
        with run_lock(lock, wait_seconds=wait_seconds):
            started = time.perf_counter()
            result = unchanged.confirmed()
            if result is not None:
                result.seconds = round(time.perf_counter() - started, 3)
                return result
    # Only a recipe the shortcut may answer gets a fingerprint (a lake into the embedded catalog).
    observed = fingerprint.Observed(path) if fingerprint.light_pipeline_name(path, settings) else None
    from catalog_sync.ingest.recipe import load_recipe

    recipe = load_recipe(path, settings, force=force)
    catalog = lite_file(recipe["sink"])
    if catalog is not None:
        catalog.parent.mkdir(parents=True, exist_ok=True)
    else:
        _reachable(recipe, settings)
    lock = lock_path(catalog, recipe["pipeline_name"], settings.catalog.parent / "locks")
    with run_lock(lock, wait_seconds=wait_seconds):
        return _run_locked(path, recipe, catalog, observed)


def _reachable(recipe: dict[str, Any], settings: Settings) -> None:
    """A GMS sink must answer the store's own check (a search and a batch read, with the
    token) before a run starts: a refused token or a GMS of another shape is then one line,
    before anything is read or written, instead of a pipeline error halfway."""
    from catalog_sync.store import store_for_sink

    store = store_for_sink(recipe["sink"], settings)
    if store is None or store.kind != "gms":
        return
    try:
        store.check()
    except CatalogUnavailableError as err:
        raise SinkUnavailableError(store.location, err.reason) from err
    finally:
        store.close()


def _run_locked(
    path: Path, recipe: dict[str, Any], catalog: Path | None,
    observed: fingerprint.Observed | None,
) -> RecipeResult:
    from catalog_sync.ingest.pipeline import run_pipeline
    from catalog_sync.sources.base import AssetSource, tags_dir_of

    def before_run(source: object) -> None:
        if observed is not None and catalog is not None and isinstance(source, AssetSource):
            observed.inputs(source.listed_inputs(), tags_dir_of(source.config))

    name = recipe["pipeline_name"]
    if catalog is not None:
        fingerprint.forget(catalog, name)
    result, pipeline = run_pipeline(path, recipe, before_run)
    if catalog is None:
        return result
    if result.failures and out_of_space(catalog.parent):
        raise DiskFullError(str(catalog))
    checkpoint(catalog)
    source = pipeline.source if pipeline is not None else None
    if (
        observed is not None
        and isinstance(source, AssetSource)
        and not result.failures
        and all(w.title in source.REPLAYABLE_WARNINGS or w.title == UNDEFINED_TAG_WARNING
                for w in result.warnings)  # the tags folder and recipe alone explain that one
    ):
        observed.record(catalog, name, source.catalogued, result)
    return result


def run_recipes(
    paths: Sequence[Path], settings: Settings, *, force: bool = False, wait_seconds: float = 0.0,
    full: bool = False,
) -> RunReport:
    """All recipes are validated first, so bad input in any one writes nothing at all. A
    recipe whose inputs match its last clean run's needs no validation: that run validated
    the very same inputs. `full` runs every recipe, unchanged or not."""
    started = time.perf_counter()
    unchanged = {
        path: None if full else fingerprint.find_unchanged(path, settings) for path in paths
    }
    pending = [path for path in paths if unchanged[path] is None]
    if pending:
        from catalog_sync.ingest.recipe import load_recipe

        for path in pending:
            load_recipe(path, settings, force=force)
    report = RunReport()
    for path in paths:
        report.recipes.append(
            run_recipe(
                path, settings, force=force, wait_seconds=wait_seconds,
                unchanged=unchanged[path],
            )
        )
    report.seconds = time.perf_counter() - started
    return report
