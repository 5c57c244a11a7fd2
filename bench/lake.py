"""Lake benchmark: catalog-sync's lake source against DataHub's own `s3` source, same lake, same
`file` sink, each a child process; prints median wall time, the ratio and peak memory.

    .venv/bin/python bench/lake.py                 # 1,000 and 20,000 files, 3 repetitions
    .venv/bin/python bench/lake.py --incremental   # also: re-run on the unchanged lake
    .venv/bin/python bench/lake.py --sizes 1k --repeat 1

DataHub's `s3` source needs `acryl-datahub[s3]`, which pins pyarrow below 24; it runs from its
own virtualenv (bench/.work/datahub-venv, made on first use) so the project's is left alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import decimal
import json
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import REPO, WORK, Run, median, run

SIZES = {"1k": (40, 25), "20k": (200, 100)}  # tables x files per table
ROWS_PER_FILE = 200
DATAHUB_VENV = WORK / "datahub-venv"
DATAHUB_REQUIREMENT = "acryl-datahub[s3]==1.7.0.17"


def _table(shape: int, rng: random.Random, start: int) -> pa.Table:
    """Four table shapes: numeric, text with zoned timestamps, nested, decimal + dictionary."""
    n = ROWS_PER_FILE
    ids = pa.array(range(start, start + n), pa.int64())
    if shape == 0:
        return pa.table({"id": ids, "x": pa.array([rng.random() for _ in range(n)]),
                         "y": pa.array([rng.randrange(1000) for _ in range(n)], pa.int32()),
                         "ok": pa.array([rng.random() > 0.5 for _ in range(n)])})
    if shape == 1:
        base = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
        return pa.table({
            "id": ids,
            "at": pa.array([base + dt.timedelta(seconds=rng.randrange(10**7)) for _ in range(n)],
                           pa.timestamp("us", tz="UTC")),
            "kind": pa.array([rng.choice(["view", "click", "buy", None]) for _ in range(n)]),
            "note": pa.array([f"note {rng.randrange(10**6)}" for _ in range(n)]),
        })
    if shape == 2:
        return pa.table({
            "id": ids,
            "point": pa.array([{"x": rng.random(), "y": rng.random()} for _ in range(n)]),
            "tags": pa.array([[f"t{rng.randrange(9)}"] * rng.randrange(3) for _ in range(n)]),
        })
    return pa.table({
        "id": ids,
        "amount": pa.array([decimal.Decimal(rng.randrange(10**6)) / 100 for _ in range(n)],
                           pa.decimal128(12, 2)),
        "currency": pa.array([rng.choice(["EUR", "USD", "GBP"]) for _ in range(n)])
        .dictionary_encode(),
        "day": pa.array([dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(365))
                         for _ in range(n)]),
    })


def generate(root: Path, tables: int, files: int) -> Path:
    """The lake, made once per size; every fourth table is hive-partitioned (`day=.../`)."""
    marker = root / ".complete"
    if marker.exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    rng = random.Random(tables * files)
    for t in range(tables):
        folder = root / f"table_{t:03d}"
        hive = t % 4 == 3
        sample = [_table(t % 4, rng, i * ROWS_PER_FILE) for i in range(4)]
        for f in range(files):
            where = folder / f"day=2024-01-{f % 5 + 1:02d}" if hive else folder
            where.mkdir(parents=True, exist_ok=True)
            pq.write_table(sample[f % 4], where / f"part-{f:05d}.parquet",
                           compression="zstd" if t % 2 else "snappy")
    marker.touch()
    return root


def _write(path: Path, recipe: dict[str, object]) -> Path:
    path.write_text(yaml.safe_dump(recipe, sort_keys=False))
    return path


def catalog_sync_recipe(lake: Path, out: Path, cache: Path | None) -> dict[str, object]:
    """Without a cache every run reads every footer (a cold run); with one, only changed files."""
    config: dict[str, object] = {"paths": [str(lake)], "tags_dir": str(REPO / "tags")}
    if cache is None:
        config["incremental"] = False
    else:
        config["footer_cache"] = str(cache)
    return {"source": {"type": "catalog-sync-lake", "config": config},
            "sink": {"type": "file", "config": {"filename": str(out)}}}


def datahub_recipe(lake: Path, out: Path) -> dict[str, object]:
    """DataHub's own lake source on local files: one path spec per layout, profiling off."""
    return {
        "source": {"type": "s3", "config": {
            "platform": "file",
            "path_specs": [
                # bench/.work is a hidden folder to DataHub: allow it, the lake has none inside.
                {"include": f"{lake}/{{table}}/*.parquet", "include_hidden_folders": True},
                {"include": f"{lake}/{{table}}/{{partition_key[0]}}={{partition[0]}}/*.parquet",
                 "include_hidden_folders": True},
            ],
            "profiling": {"enabled": False},
        }},
        "sink": {"type": "file", "config": {"filename": str(out)}},
    }


def datahub_venv() -> Path:
    """DataHub's CLI with the `s3` plugin, in a virtualenv of its own (made on first use)."""
    cli = DATAHUB_VENV / "bin" / "datahub"
    if not cli.exists():
        subprocess.run([sys.executable, "-m", "venv", str(DATAHUB_VENV)], check=True)
        subprocess.run([str(DATAHUB_VENV / "bin" / "pip"), "install", "-q", DATAHUB_REQUIREMENT],
                       check=True)
    return cli


def _env() -> dict[str, str]:
    env = dict(os.environ, DATAHUB_TELEMETRY_ENABLED="false", CATALOG_SYNC_LOG_LEVEL="INFO")
    env.pop("DATAHUB_GMS_URL", None)
    return env


def _datasets(out: Path) -> int:
    records = json.loads(out.read_text())
    return len({r.get("entityUrn") or r.get("proposedSnapshot", {}).get("urn") for r in records
                if "dataset:" in str(r.get("entityUrn") or r.get("proposedSnapshot", {}))})


def _checked(what: str, result: Run, log: Path) -> Run:
    if result.returncode != 0:
        sys.exit(f"{what} exited {result.returncode}; see {log}")
    return result


def _scan(log: Path) -> tuple[int, float]:
    """(footers read, scan seconds) from the lake source's INFO line; scan time is listing,
    reading and folding footers, without process start and DataHub's emission."""
    found = re.search(r"footers read: (\d+), unchanged and not read: \d+, scan ([\d.]+) s",
                      Path(f"{log}.err").read_text())
    return (int(found[1]), float(found[2])) if found else (-1, -1.0)


def _forget(cache: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{cache}{suffix}").unlink(missing_ok=True)


def bench_size(size: str, repeat: int, incremental: bool) -> dict[str, object]:
    tables, files = SIZES[size]
    lake = generate(WORK / f"lake-{size}", tables, files)
    runs = WORK / "runs-lake"
    runs.mkdir(parents=True, exist_ok=True)
    cs_out, dh_out = runs / f"cs-{size}.json", runs / f"dh-{size}.json"
    cs = _write(runs / f"cs-{size}.yml", catalog_sync_recipe(lake, cs_out, None))
    dh = _write(runs / f"dh-{size}.yml", datahub_recipe(lake, dh_out))
    catalog_sync = str(REPO / ".venv" / "bin" / "catalog-sync")
    dh_cmd = [str(datahub_venv()), "ingest", "-c", str(dh), "--no-default-report"]
    cs_log, dh_log = runs / "cs.log", runs / "dh.log"
    cs_runs: list[Run] = []
    dh_runs: list[Run] = []
    scans: list[float] = []
    for _ in range(repeat):  # interleaved, so a noisy neighbour hurts both alike
        cs_run = run([catalog_sync, "ingest", str(cs), "--json"], env=_env(), log=cs_log)
        cs_runs.append(_checked("catalog-sync", cs_run, cs_log))
        scans.append(_scan(cs_log)[1])
        dh_runs.append(_checked("datahub", run(dh_cmd, env=_env(), log=dh_log), dh_log))
    report = json.loads(cs_log.read_text())
    result: dict[str, object] = {
        "size": size, "files": tables * files, "footers_read": _scan(cs_log)[0],
        "scan_s": median(scans),
        "datasets": (report["datasets"], _datasets(dh_out)),
        "catalog_sync_s": median([r.seconds for r in cs_runs]),
        "datahub_s": median([r.seconds for r in dh_runs]),
        "catalog_sync_rss_mib": median([r.peak_rss_mib for r in cs_runs]),
        "datahub_rss_mib": median([r.peak_rss_mib for r in dh_runs]),
    }
    result["ratio"] = result["catalog_sync_s"] / result["datahub_s"]  # type: ignore[operator]
    # Each catalog-sync run against the DataHub run right after it: steadier under shared load.
    result["paired_ratio"] = median([c.seconds / d.seconds for c, d in zip(cs_runs, dh_runs)])
    if incremental:
        cache = runs / f"footers-{size}.sqlite"
        cached = _write(runs / f"cs-{size}-cached.yml", catalog_sync_recipe(lake, cs_out, cache))
        command = [catalog_sync, "ingest", str(cached), "--json"]
        cold: list[Run] = []
        again: list[Run] = []
        cold_scans: list[float] = []
        again_scans: list[float] = []
        for _ in range(repeat):
            _forget(cache)
            cold.append(_checked("catalog-sync", run(command, env=_env(), log=cs_log), cs_log))
            cold_scans.append(_scan(cs_log)[1])
            again.append(_checked("catalog-sync", run(command, env=_env(), log=cs_log), cs_log))
            again_scans.append(_scan(cs_log)[1])
        result["rerun_footers_read"] = _scan(cs_log)[0]
        result["full_cached_s"] = median([r.seconds for r in cold])
        result["incremental_s"] = median([r.seconds for r in again])
        result["incremental_ratio"] = (
            result["incremental_s"] / result["full_cached_s"]  # type: ignore[operator]
        )
        result["full_cached_vs_datahub"] = (
            result["full_cached_s"] / result["datahub_s"]  # type: ignore[operator]
        )
        result["full_cached_scan_s"] = median(cold_scans)
        result["incremental_scan_s"] = median(again_scans)
        result["incremental_scan_ratio"] = median(again_scans) / median(cold_scans)
        result.update(_embedded_rerun(lake, runs, size, repeat))
    return result


def _embedded_rerun(lake: Path, runs: Path, size: str, repeat: int) -> dict[str, float]:
    """The production path: the recipe without a sink, into the embedded catalog. A re-run on
    the unchanged lake matches the first run's fingerprint: nothing listed by pyarrow, no
    footer read, no dataset compared or written, DataHub not even imported."""
    recipe = _write(runs / f"cs-{size}-embedded.yml", {
        "source": {"type": "catalog-sync-lake",
                   "config": {"paths": [str(lake)], "tags_dir": str(REPO / "tags")}}})
    catalog = runs / f"catalog-{size}.db"
    env = {**_env(), "CATALOG_SYNC_CATALOG": str(catalog)}
    command = [str(REPO / ".venv" / "bin" / "catalog-sync"), "ingest", str(recipe), "--json"]
    log = runs / "cs-embedded.log"
    full: list[Run] = []
    again: list[Run] = []
    for _ in range(repeat):
        for leftover in catalog.parent.glob(f"{catalog.stem}.*"):
            shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
        full.append(_checked("catalog-sync", run(command, env=env, log=log), log))
        again.append(_checked("catalog-sync", run(command, env=env, log=log), log))
    report = json.loads(log.read_text())
    assert report["unchanged"] == report["datasets"], "the re-run rewrote datasets"
    # Nothing changed: the fingerprint (catalog_sync/sync/fingerprint.py) answers the re-run.
    assert report["recipes"][0]["inputs_unchanged"], "the re-run was not recognised unchanged"
    full_s = median([r.seconds for r in full])
    again_s = median([r.seconds for r in again])
    return {"embedded_full_s": full_s, "embedded_rerun_s": again_s,
            "embedded_rerun_ratio": again_s / full_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", choices=sorted(SIZES), default=["1k", "20k"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--incremental", action="store_true")
    args = parser.parse_args()
    results = [bench_size(size, args.repeat, args.incremental) for size in args.sizes]
    for r in results:
        line = (f"{r['size']:>4} files={r['files']} footers read={r['footers_read']} "
                f"datasets(cs,dh)={r['datasets']} | catalog-sync {r['catalog_sync_s']:.2f}s "
                f"(scan {r['scan_s']:.2f}s) "
                f"{r['catalog_sync_rss_mib']:.0f} MiB | datahub s3 {r['datahub_s']:.2f}s "
                f"{r['datahub_rss_mib']:.0f} MiB | ratio {r['ratio']:.2f}x "
                f"(paired {r['paired_ratio']:.2f}x)")
        if "incremental_s" in r:
            line += (f" | full run filling the cache {r['full_cached_s']:.2f}s "
                     f"(scan {r['full_cached_scan_s']:.2f}s, {r['full_cached_vs_datahub']:.2f}x "
                     f"DataHub), re-run {r['incremental_s']:.2f}s "
                     f"(scan {r['incremental_scan_s']:.2f}s) reading {r['rerun_footers_read']} "
                     f"footers: {r['incremental_ratio']:.2f}x whole run, "
                     f"{r['incremental_scan_ratio']:.2f}x scan")
            line += (f"\n  embedded catalog: full {r['embedded_full_s']:.2f}s, unchanged re-run "
                     f"{r['embedded_rerun_s']:.2f}s: {r['embedded_rerun_ratio']:.2f}x")
        print(line)
    if len(results) > 1:
        first, last = results[0], results[-1]
        print(f"catalog-sync peak RSS {first['size']} -> {last['size']}: "
              f"{first['catalog_sync_rss_mib']:.0f} -> {last['catalog_sync_rss_mib']:.0f} MiB")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
