"""S3 lake benchmark: a 5,000-file lake on SeaweedFS (loopback), catalog-sync cold (empty footer
cache) and warm (the cache of the cold run, 10 files rewritten since) against DataHub's own
`s3` source on the same bucket. Each run is a child process writing a `file` sink.

    .venv/bin/python bench/lake_s3.py --repeat 3

SeaweedFS is started the way the tests start it (tests/support/s3.py); DataHub's `s3` source
runs from bench/.work/datahub-venv (see bench/lake.py).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

import pyarrow.parquet as pq
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from common import REPO, WORK, Run, median, run
from lake import _env, _table, datahub_venv

from tests.support.s3 import S3Server, seaweed_s3

TABLES, FILES = 50, 100  # 5,000 files
CHANGED = 10
BUCKET = "bench-lake"


def _upload(server: S3Server) -> None:
    filesystem = server.filesystem()
    filesystem.create_dir(BUCKET)
    rng = random.Random(5)
    for t in range(TABLES):
        sample = [_table(t % 4, rng, i * 200) for i in range(4)]
        for f in range(FILES):
            part = f"day=2024-01-{f % 5 + 1:02d}/" if t % 4 == 3 else ""
            pq.write_table(sample[f % 4], f"{BUCKET}/lake/table_{t:03d}/{part}part-{f:05d}.parquet",
                           filesystem=filesystem)


def _rewrite(server: S3Server, round_: int) -> None:
    """Rewrite CHANGED files of table_000 (new content, new size and time)."""
    filesystem = server.filesystem()
    rng = random.Random(round_)
    for f in range(CHANGED):
        pq.write_table(_table(0, rng, round_ * 1000 + f),
                       f"{BUCKET}/lake/table_000/part-{f:05d}.parquet", filesystem=filesystem)


def _recipes(server: S3Server, runs: Path) -> tuple[Path, Path]:
    cs = {"source": {"type": "catalog-sync-lake", "config": {
        "paths": [f"s3://{BUCKET}/lake"], "tags_dir": str(REPO / "tags"),
        "footer_cache": str(runs / "s3-footers.sqlite"),
        "s3": {"endpoint_url": server.url, "region": server.region,
               "access_key_id": server.access_key, "secret_access_key": server.secret_key}}},
        "sink": {"type": "file", "config": {"filename": str(runs / "cs-s3.json")}}}
    dh = {"source": {"type": "s3", "config": {
        "path_specs": [
            {"include": f"s3://{BUCKET}/lake/{{table}}/*.parquet"},
            {"include": f"s3://{BUCKET}/lake/{{table}}/{{partition_key[0]}}={{partition[0]}}/*.parquet"},
        ],
        "aws_config": {"aws_endpoint_url": server.url, "aws_region": server.region,
                       "aws_access_key_id": server.access_key,
                       "aws_secret_access_key": server.secret_key},
        "profiling": {"enabled": False}}},
        "sink": {"type": "file", "config": {"filename": str(runs / "dh-s3.json")}}}
    cs_path, dh_path = runs / "cs-s3.yml", runs / "dh-s3.yml"
    cs_path.write_text(yaml.safe_dump(cs, sort_keys=False))
    dh_path.write_text(yaml.safe_dump(dh, sort_keys=False))
    return cs_path, dh_path


def _footers(log: Path) -> tuple[int, int]:
    found = re.search(r"footers read: (\d+), unchanged and not read: (\d+)",
                      Path(f"{log}.err").read_text())
    return (int(found[1]), int(found[2])) if found else (-1, -1)


def _checked(what: str, result: Run, log: Path) -> Run:
    if result.returncode != 0:
        sys.exit(f"{what} exited {result.returncode}; see {log}.err")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    runs = WORK / "runs-lake-s3"
    runs.mkdir(parents=True, exist_ok=True)
    cs_log, dh_log = runs / "cs.log", runs / "dh.log"
    catalog_sync = [str(REPO / ".venv" / "bin" / "catalog-sync"), "ingest"]
    datahub = [str(datahub_venv()), "ingest", "--no-default-report", "-c"]
    with seaweed_s3() as server:
        _upload(server)
        cs, dh = _recipes(server, runs)
        cold: list[Run] = []
        warm: list[Run] = []
        dh_runs: list[Run] = []
        reads: list[tuple[int, int]] = []
        for round_ in range(args.repeat):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{runs / 's3-footers.sqlite'}{suffix}").unlink(missing_ok=True)
            cold.append(_checked("catalog-sync", run([*catalog_sync, str(cs), "--json"],
                                                     env=_env(), log=cs_log), cs_log))
            _rewrite(server, round_ + 1)
            warm.append(_checked("catalog-sync", run([*catalog_sync, str(cs), "--json"],
                                                     env=_env(), log=cs_log), cs_log))
            reads.append(_footers(cs_log))
            dh_runs.append(_checked("datahub", run([*datahub, str(dh)], env=_env(), log=dh_log),
                                    dh_log))
        result = {
            "files": TABLES * FILES, "datasets": json.loads(cs_log.read_text())["datasets"],
            "cold_s": median([r.seconds for r in cold]),
            "warm_s": median([r.seconds for r in warm]),
            "datahub_s": median([r.seconds for r in dh_runs]),
            "warm_footers_read_and_cached": reads[-1],
            "cold_rss_mib": median([r.peak_rss_mib for r in cold]),
            "datahub_rss_mib": median([r.peak_rss_mib for r in dh_runs]),
        }
        result["cold_ratio"] = result["cold_s"] / result["datahub_s"]  # type: ignore[operator]
        result["warm_ratio"] = result["warm_s"] / result["datahub_s"]  # type: ignore[operator]
    print(f"S3 {result['files']} files: catalog-sync cold {result['cold_s']:.2f}s "
          f"({result['cold_ratio']:.2f}x), warm {result['warm_s']:.2f}s "
          f"({result['warm_ratio']:.2f}x) reading {result['warm_footers_read_and_cached']} "
          f"(read, cached) footers | datahub s3 {result['datahub_s']:.2f}s | peak "
          f"{result['cold_rss_mib']:.0f} / {result['datahub_rss_mib']:.0f} MiB")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
