"""Before/after on the embedded default (DataHub Lite, one SQLite file): catalog-sync at an
earlier commit and the working tree, interleaved (old, new, old, new, ...), each from an empty
catalog, then re-run on the unchanged input; median wall time and peak memory of each.

    .venv/bin/python bench/embedded_before_after.py 2ad0597 --lake 20k --db 600 10k --repeat 3

Workloads: the 20,000-file lake (cold: empty footer cache; then the unchanged re-run) and the
620- and 11,000-dataset databases of bench/database.py (cold, then two unchanged re-runs: the
first compares every dataset with the catalog, the second finds them remembered). Recipes have
no `sink`, so both write the embedded catalog. The earlier commit's package runs from
bench/.work/rev-<commit> put first on PYTHONPATH (as bench/lake_before_after.py), so both use
the same virtualenv, DataHub and pyarrow: the difference is catalog-sync's own code.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import database
import lake
from common import REPO, WORK, Run, median, run
from lake_before_after import _extract

LABELS = ("before", "after")


def _recipes(lakes: list[str], dbs: list[str], runs: Path) -> dict[str, tuple[Path, int]]:
    """Workload name -> (recipe without a sink, number of unchanged re-runs)."""
    recipes: dict[str, tuple[Path, int]] = {}
    for size in lakes:
        tables, files = lake.SIZES[size]
        root = lake.generate(WORK / f"lake-{size}", tables, files)
        config = lake.catalog_sync_recipe(root, runs / "unused.json", runs / "CACHE")
        recipes[f"lake-{size}"] = (runs / f"lake-{size}.yml", 1)
        _write(recipes[f"lake-{size}"][0], config)
    for size in dbs:
        config = database.catalog_sync_recipe(database.build(size, False), runs / "unused.json")
        recipes[f"db-{size}"] = (runs / f"db-{size}.yml", 2)
        _write(recipes[f"db-{size}"][0], config)
    return recipes


def _write(path: Path, config: dict[str, Any]) -> None:
    del config["sink"]  # the embedded default
    path.write_text(yaml.safe_dump(config, sort_keys=False))


def _one(label: str, recipe: Path, reruns: int, old: Path, runs: Path) -> list[Run]:
    """A cold run into an empty catalog (and footer cache), then `reruns` unchanged ones."""
    work = runs / label
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    text = recipe.read_text().replace(str(runs / "CACHE"), str(work / "footers.sqlite"))
    (work / "recipe.yml").write_text(text)
    env = dict(lake._env(), CATALOG_SYNC_CATALOG=str(work / "catalog.db"))
    if label == "before":
        env["PYTHONPATH"] = str(old)
    command = [str(REPO / ".venv/bin/catalog-sync"), "ingest", str(work / "recipe.yml"), "--json"]
    timed = []
    for attempt in range(1 + reruns):
        log = work / f"run-{attempt}.log"
        done = run(command, env=env, log=log)
        if done.returncode != 0:
            sys.exit(f"{label} {recipe.stem} exited {done.returncode}; see {log}.err")
        report = json.loads(log.read_text())
        if attempt > 0 and report["unchanged"] != report["datasets"]:
            sys.exit(f"{label} {recipe.stem}: re-run {attempt} rewrote datasets; see {log}")
        timed.append(done)
    return timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("commit")
    parser.add_argument("--lake", nargs="*", choices=sorted(lake.SIZES), default=["20k"])
    parser.add_argument("--db", nargs="*", choices=sorted(database.SIZES), default=["600"])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    runs = WORK / "runs-embedded-before-after"
    runs.mkdir(parents=True, exist_ok=True)
    old = _extract(args.commit)
    results = []
    for name, (recipe, reruns) in _recipes(args.lake, args.db, runs).items():
        timed: dict[str, list[list[Run]]] = {label: [] for label in LABELS}
        for _ in range(args.repeat):
            for label in LABELS:
                timed[label].append(_one(label, recipe, reruns, old, runs))
        row: dict[str, Any] = {"workload": name}
        for step in range(1 + reruns):
            step_name = "cold" if step == 0 else f"rerun{step}"
            for label in LABELS:
                row[f"{step_name}_{label}_s"] = round(median(
                    [r[step].seconds for r in timed[label]]), 2)
                row[f"{step_name}_{label}_mib"] = round(median(
                    [r[step].peak_rss_mib for r in timed[label]]))
            row[f"{step_name}_ratio"] = round(
                row[f"{step_name}_after_s"] / row[f"{step_name}_before_s"], 3)
        print(json.dumps(row), flush=True)
        results.append(row)
    (runs / "results.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
