"""Open table formats benchmark: a 200-table local lake (160 parquet tables, 20 Delta and 20
Iceberg tables, 10 data files each, every Delta/Iceberg table with an overwrite that leaves dead
files) ingested cold into a `file` sink; prints median wall time and peak memory.

    .venv/bin/python bench/lake_formats.py --repeat 3
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from pathlib import Path

import pyarrow.parquet as pq
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import REPO, WORK, Run, median, run
from lake import _env, _table

PARQUET, DELTA, ICEBERG, FILES = 160, 20, 20, 10


def generate(root: Path) -> Path:
    from deltalake import write_deltalake
    from pyiceberg.catalog.sql import SqlCatalog

    marker = root / ".complete"
    if marker.exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    rng = random.Random(3)
    for t in range(PARQUET):
        for f in range(FILES):
            (root / f"table_{t:03d}").mkdir(exist_ok=True)
            pq.write_table(_table(t % 4, rng, f * 200), root / f"table_{t:03d}/part-{f:03d}.parquet")
    for t in range(DELTA):
        location = str(root / f"delta_{t:02d}")
        for f in range(FILES):
            write_deltalake(location, _table(0, rng, f * 200), mode="append")
        write_deltalake(location, _table(0, rng, 10_000), mode="overwrite")
        for f in range(FILES - 1):
            write_deltalake(location, _table(0, rng, f * 300), mode="append")
    catalog = SqlCatalog("bench", uri=f"sqlite:///{root.parent / 'bench-iceberg.db'}",
                         warehouse=f"file://{root}/iceberg")
    catalog.create_namespace_if_not_exists("db")
    for t in range(ICEBERG):
        first = _table(1, rng, 0)
        table = catalog.create_table_if_not_exists(f"db.events_{t:02d}", schema=first.schema)
        table.append(first)
        table.overwrite(_table(1, rng, 200))
        for f in range(FILES - 1):
            table.append(_table(1, rng, f * 300))
    marker.touch()
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    lake = generate(WORK / "lake-formats")
    runs = WORK / "runs-lake-formats"
    runs.mkdir(parents=True, exist_ok=True)
    recipe = runs / "cs.yml"
    recipe.write_text(yaml.safe_dump({
        "source": {"type": "catalog-sync-lake", "config": {
            "paths": [str(lake)], "tags_dir": str(REPO / "tags"), "incremental": False}},
        "sink": {"type": "file", "config": {"filename": str(runs / "cs.json")}},
    }, sort_keys=False))
    log = runs / "cs.log"
    results: list[Run] = []
    for _ in range(args.repeat):
        result = run([str(REPO / ".venv" / "bin" / "catalog-sync"), "ingest", str(recipe),
                      "--json"], env=_env(), log=log)
        if result.returncode != 0:
            sys.exit(f"catalog-sync exited {result.returncode}; see {log}.err")
        results.append(result)
    report = json.loads(log.read_text())
    summary = {"datasets": report["datasets"], "files": report["files"], "rows": report["rows"],
               "warnings": len(report["warnings"]),
               "seconds": median([r.seconds for r in results]),
               "peak_rss_mib": median([r.peak_rss_mib for r in results])}
    print(f"{summary['datasets']} tables ({PARQUET} parquet, {DELTA} Delta, {ICEBERG} Iceberg), "
          f"{summary['files']} live files, {summary['rows']} rows: {summary['seconds']:.2f}s, "
          f"peak {summary['peak_rss_mib']:.0f} MiB")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
