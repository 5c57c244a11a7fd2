"""Before/after: the 20,000-file lake read cold by catalog-sync at an earlier commit and by the
working tree, runs interleaved (old, new, old, new, ...), same `file` sink; median wall time,
scan time and peak memory of each, and their ratio.

    .venv/bin/python bench/lake_before_after.py 2ad0597 --repeat 5

The earlier commit's `catalog_sync` package is extracted to bench/.work/rev-<commit> and put
first on PYTHONPATH, so both run in the same virtualenv with the same DataHub and pyarrow.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import REPO, WORK, Run, median, run
from lake import SIZES, _env, _scan, catalog_sync_recipe, generate


def _extract(commit: str) -> Path:
    target = WORK / f"rev-{commit}"
    if not (target / "catalog_sync").is_dir():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "-C", str(REPO), "archive", commit, "catalog_sync"],
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("commit")
    parser.add_argument("--size", choices=sorted(SIZES), default="20k")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    tables, files = SIZES[args.size]
    lake = generate(WORK / f"lake-{args.size}", tables, files)
    runs = WORK / "runs-before-after"
    runs.mkdir(parents=True, exist_ok=True)
    recipe = runs / "cs.yml"
    recipe.write_text(yaml.safe_dump(catalog_sync_recipe(lake, runs / "cs.json", None),
                                     sort_keys=False))
    old_path = _extract(args.commit)
    command = [str(REPO / ".venv" / "bin" / "catalog-sync"), "ingest", str(recipe), "--json"]
    timed: dict[str, list[Run]] = {"before": [], "after": []}
    scans: dict[str, list[float]] = {"before": [], "after": []}
    for _ in range(args.repeat):
        for label in ("before", "after"):
            env = _env()
            if label == "before":
                env["PYTHONPATH"] = str(old_path)
            log = runs / f"{label}.log"
            result = run(command, env=env, log=log)
            if result.returncode != 0:
                sys.exit(f"{label} exited {result.returncode}; see {log}.err")
            timed[label].append(result)
            scans[label].append(_scan(log)[1])
    summary = {
        label: {"seconds": median([r.seconds for r in timed[label]]),
                "scan_s": median(scans[label]),
                "peak_rss_mib": median([r.peak_rss_mib for r in timed[label]])}
        for label in timed
    }
    ratio = summary["after"]["seconds"] / summary["before"]["seconds"]
    paired = median([a.seconds / b.seconds for a, b in zip(timed["after"], timed["before"])])
    print(f"{args.size}: before ({args.commit}) {summary['before']['seconds']:.2f}s "
          f"(scan {summary['before']['scan_s']:.2f}s, {summary['before']['peak_rss_mib']:.0f} MiB)"
          f" | after {summary['after']['seconds']:.2f}s (scan {summary['after']['scan_s']:.2f}s, "
          f"{summary['after']['peak_rss_mib']:.0f} MiB) | after/before {ratio:.2f}x "
          f"(paired {paired:.2f}x)")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
