"""GMS benchmark: catalog-sync and DataHub's own sources writing into the same GMS stand-in
through DataHub's REST sink, each a child process; median wall time, the ratio, peak memory,
and what reached the stand-in.

    .venv/bin/python bench/gms.py                          # 20,000-file lake, 620-table db
    .venv/bin/python bench/gms.py --lake 1k --db 600 --repeat 1
    .venv/bin/python bench/gms.py --lake none --db 10k --repeat 1   # 10,000 tables, peak memory

No DataHub GMS can run here (Java, Kafka, Elasticsearch). The stand-in (tests/support/gms) runs
as its own process; it checks every request against DataHub's contract (aspects validated with
DataHub's classes, GraphQL with its schema) and answers from memory, so it costs both sides the
same. The lake side is DataHub's `s3` source on the same local files (its own virtualenv, see
bench/lake.py); the database side is DataHub's `postgres` source (the `bench` extra).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import database
import lake
from common import REPO, WORK, Run, median, run


@contextmanager
def standin() -> Iterator[str]:
    """The stand-in in a process of its own; its URL."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.support.gms"], cwd=REPO, stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(REPO)}, text=True)
    assert child.stdout is not None
    url = child.stdout.readline().strip()
    try:
        yield url
    finally:
        child.terminate()
        child.wait(timeout=30)


def stats(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{url}/standin/stats", timeout=30) as answer:
        result: dict[str, Any] = json.load(answer)
        return result


def _rest(url: str) -> dict[str, Any]:
    return {"type": "datahub-rest", "config": {"server": url}}


def _env(catalog: Path) -> dict[str, str]:
    env = dict(os.environ, DATAHUB_TELEMETRY_ENABLED="false", CATALOG_SYNC_CATALOG=str(catalog))
    env.pop("DATAHUB_GMS_URL", None)
    return env


def _checked(what: str, result: Run, log: Path) -> Run:
    if result.returncode != 0:
        sys.exit(f"{what} exited {result.returncode}; see {log} and {log}.err")
    return result


def _pair(name: str, cs: dict[str, Any], dh: dict[str, Any], dh_cli: Path, url: str,
          repeat: int) -> dict[str, Any]:
    runs = WORK / "runs-gms"
    runs.mkdir(parents=True, exist_ok=True)
    cs_recipe, dh_recipe = runs / f"cs-{name}.yml", runs / f"dh-{name}.yml"
    cs_recipe.write_text(yaml.safe_dump(cs))
    dh_recipe.write_text(yaml.safe_dump(dh))
    cs_cmd = [str(REPO / ".venv/bin/catalog-sync"), "ingest", str(cs_recipe), "--json"]
    dh_cmd = [str(dh_cli), "ingest", "-c", str(dh_recipe), "--no-default-report"]
    cs_runs: list[Run] = []
    dh_runs: list[Run] = []
    before = stats(url)
    for i in range(repeat):  # interleaved, so a noisy neighbour hurts both alike
        env = _env(runs / f"state-{name}-{i}" / "c.db")  # fresh journal folder each run
        cs_runs.append(_checked("catalog-sync", run(cs_cmd, env=env, log=runs / "cs.log"),
                                runs / "cs.log"))
        if dh:
            dh_runs.append(_checked("datahub", run(dh_cmd, env=env, log=runs / "dh.log"),
                                    runs / "dh.log"))
    report = json.loads((runs / "cs.log").read_text())
    result: dict[str, Any] = {
        "bench": name, "datasets": report["datasets"], "failures": len(report["failures"]),
        "catalog_sync_s": round(median([r.seconds for r in cs_runs]), 2),
        "catalog_sync_rss_mib": round(max(r.peak_rss_mib for r in cs_runs)),
    }
    if dh_runs:
        result["datahub_s"] = round(median([r.seconds for r in dh_runs]), 2)
        result["datahub_rss_mib"] = round(max(r.peak_rss_mib for r in dh_runs))
        result["ratio"] = round(result["catalog_sync_s"] / result["datahub_s"], 3)
        result["paired_ratio"] = round(
            median([c.seconds / d.seconds for c, d in zip(cs_runs, dh_runs, strict=True)]), 3)
    seen = stats(url)
    result["standin_cpu_s"] = round(seen["cpu_s"] - before["cpu_s"], 1)  # both sides' writes
    result["standin_requests"] = seen["requests"] - before["requests"]
    result["standin_violations"] = seen["violations"][:5]
    return result


def lake_bench(size: str, url: str, repeat: int) -> dict[str, Any]:
    tables, files = lake.SIZES[size]
    root = lake.generate(WORK / f"lake-{size}", tables, files)
    out = WORK / "runs-gms" / "unused.json"
    cs = lake.catalog_sync_recipe(root, out, None)  # cold: every footer read
    cs["sink"] = _rest(url)
    dh = lake.datahub_recipe(root, out)
    dh["sink"] = _rest(url)
    return _pair(f"lake-{size}", cs, dh, lake.datahub_venv(), url, repeat)


def database_bench(size: str, url: str, repeat: int, compare: bool) -> dict[str, Any]:
    db = database.build(size, rebuild=False)
    out = WORK / "runs-gms" / "unused.json"
    cs = database.catalog_sync_recipe(db, out)
    cs["sink"] = _rest(url)
    dh = database.datahub_recipe(db, out) if compare else {}
    if dh:
        dh["sink"] = _rest(url)
    return _pair(f"db-{size}", cs, dh, REPO / ".venv/bin/datahub", url, repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lake", choices=[*sorted(lake.SIZES), "none"], default="20k")
    parser.add_argument("--db", nargs="*", choices=sorted(database.SIZES), default=["600"])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results = []
    with standin() as url:
        if args.lake != "none":
            results.append(lake_bench(args.lake, url, args.repeat))
        for size in args.db:
            results.append(database_bench(size, url, args.repeat, compare=size == "600"))
    for r in results:
        print(json.dumps(r))


if __name__ == "__main__":
    main()
