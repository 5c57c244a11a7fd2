"""Web page benchmark: server-rendered pages of `catalog-sync serve` on a 10,000-dataset catalog.

    .venv/bin/python bench/web.py                  # 10 s per page, single client
    .venv/bin/python bench/web.py --reuse          # keep bench/.work/api/catalog.db (bench/api.py's)

The catalog is bench/api.py's (10,000 datasets, 500 tagged `training`: tables of a Greenplum
database reached through `gp-train`; the rest lake datasets, a third `inference`), built the
same way. The script signs in once through the page's own form (a `catalog:read` token, the
CSRF field), then loads each page with wrk, one connection, carrying the session cookie:

- `/?tag=training`: the tag search page (50 rows of 500 matches, the tag picker with counts
  over all 500 matches);
- `/?tag=data+lake`: the same over 9,500 matches (the counts stream every one);
- `/views/servicebinding-sources`: the saved view;
- `/assets/<urn>`: one Greenplum table's page (detail aspects read from the file, container
  path, tags with colours).

Targets (single client): tag search page p50 <= 50 ms and p99 <= 200 ms; asset page p50 <= 30 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path
from urllib.parse import quote

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api import BENCH, BIN, build_catalog, gp_binding, wait_until_up, wrk
from common import REPO

from catalog_sync.auth import TokenStore

COOKIE = "catalog_sync_session"


def sign_in(base: str, token: str) -> str:
    """The session cookie the sign-in form sets (what a browser would then send)."""
    with httpx.Client(base_url=base, timeout=60, follow_redirects=True) as client:
        form = client.get("/sign-in")
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
        assert csrf, form.text[:300]
        done = client.post("/sign-in", data={"token": token, "csrf": csrf.group(1)})
        assert done.status_code == 200 and "Search the catalog" in done.text, done.status_code
        return client.cookies[COOKIE]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", type=int, default=10_000)
    parser.add_argument("--training", type=int, default=500)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--reuse", action="store_true", help="keep an existing bench catalog")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found: apt-get install -y wrk")
    BENCH.mkdir(parents=True, exist_ok=True)
    catalog = BENCH / "catalog.db"
    if not (args.reuse and catalog.is_file()):
        started = time.perf_counter()
        build_catalog(catalog, args.datasets, args.training)
        print(f"catalog: {args.datasets} datasets ({args.training} training) in "
              f"{time.perf_counter() - started:.0f}s", flush=True)
    root = gp_binding()
    tokens = BENCH / "tokens-web.json"
    tokens.unlink(missing_ok=True)
    _, token = TokenStore(tokens).create(["catalog:read"], "bench-web")
    port = 18182
    env = {**os.environ, "CATALOG_SYNC_CATALOG": str(catalog), "CATALOG_SYNC_TOKENS_FILE":
           str(tokens), "SERVICE_BINDING_ROOT": str(root.parent),
           "CATALOG_SYNC_TAGS_DIR": str(REPO / "tags")}
    env.pop("DATAHUB_GMS_URL", None)
    server = subprocess.Popen([str(BIN / "catalog-sync"), "serve", "--port", str(port),
                               "--no-access-log"], env=env, cwd=REPO,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/healthz", server)
        cookie = sign_in(base, token)
        urn = "urn:li:dataset:(urn:li:dataPlatform:postgres,warehouse.public.train_00007,PROD)"
        targets = {
            "web /?tag=training": f"{base}/?tag=training",
            "web /?tag=data+lake": f"{base}/?tag=data+lake",
            "web /views/servicebinding-sources": f"{base}/views/servicebinding-sources",
            "web /assets/<urn>": f"{base}/assets/{quote(urn, safe=':')}",
        }
        headers = {"Cookie": f"{COOKIE}={cookie}"}
        # Each page must be right before its speed means anything.
        search = httpx.get(targets["web /?tag=training"], headers=headers, timeout=60)
        assert f"{args.training} results" in search.text, search.text[:300]
        asset = httpx.get(targets["web /assets/<urn>"], headers=headers, timeout=60)
        assert asset.status_code == 200 and "gp-train" in asset.text, asset.status_code
        results = [wrk(name, url, 1, args.duration, None, cookie=f"{COOKIE}={cookie}")
                   for name, url in targets.items()]
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"{'target':36} {'conns':>5} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}")
    for r in results:
        print(f"{r.target:36} {r.connections:>5} {r.requests_per_s:>9.1f} {r.p50_ms:>8.2f} "
              f"{r.p99_ms:>8.2f} {r.errors:>6}")
    at = {r.target: r for r in results}
    checks = {
        "zero errors": all(r.errors == 0 for r in results),
        "tag search page p50 <= 50 ms": at["web /?tag=training"].p50_ms <= 50,
        "tag search page p99 <= 200 ms": at["web /?tag=training"].p99_ms <= 200,
        "asset page p50 <= 30 ms": at["web /assets/<urn>"].p50_ms <= 30,
    }
    for name, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    (BENCH / "results-web.json").write_text(json.dumps(
        {"args": vars(args), "results": [asdict(r) for r in results], "checks": checks},
        indent=2))


if __name__ == "__main__":
    main()
