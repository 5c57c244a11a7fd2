"""Discovery API benchmark: `catalog-sync serve` against `datahub lite serve` on one catalog.

    .venv/bin/python bench/api.py                  # 10,000 datasets, 30 s per run
    .venv/bin/python bench/api.py --duration 10    # shorter runs on a loaded machine
    .venv/bin/python bench/api.py --gms            # the API reading the GMS stand-in instead

With `--gms` the same 10,000 datasets are written into the GMS stand-in (tests/support/gms, its
own process) through DataHub's REST emitter, and the API reads it through the catalog store:
the script also counts the requests GMS gets for one uncached `/v1/assets?tag=training`.

The catalog holds 10,000 datasets, 500 tagged `training` (tables of a Greenplum database reached
through the `gp-train` binding), the rest lake datasets. Loaded with wrk (`apt-get install -y
wrk` if missing) at 64 connections and with a single client: the API's `/v1/assets?tag=training`
(first page), `/v1/resolve?tag=training&type=greenplum`, its `/healthz` (the server's floor), and
the peer's only correct answer to "datasets tagged training": `/search?flavor=exact` with an SQL
condition on the `globalTags` aspect (its free-text search ignores tags). The peer opens the
store read-write per request, so it gets a byte-identical copy, keeping its writes out of ours.
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
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import quote

from collections.abc import Iterator
from typing import Any

import httpx
from datahub.emitter.mcp_builder import mcps_from_mce
from datahub.emitter.rest_emitter import EmitMode
from datahub.ingestion.api.workunit import MetadataWorkUnit
from datahub.ingestion.graph.client import DataHubGraph
from datahub.ingestion.graph.config import DatahubClientConfig
from datahub.lite.lite_util import get_datahub_lite
from datahub.metadata.schema_classes import MetadataChangeEventClass

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import REPO, WORK
from gms import standin, stats

from catalog_sync.auth import TokenStore
from catalog_sync.bindings import Binding
from catalog_sync.emit.containers import container_workunits
from catalog_sync.emit.datasets import dataset_workunits
from catalog_sync.model import Asset, BindingRef, ContainerRef, Field, FieldKind

BENCH = WORK / "api"
BIN = Path(sys.executable).parent
GP = Binding(name="gp-train", type="greenplum", provider="vmware", host="gp.internal",
             port=5432, database="warehouse", username="loader")
PEER_CONDITION = (
    "aspect_name = 'globalTags' AND urn LIKE 'urn:li:dataset:%' AND EXISTS (SELECT 1 FROM "
    "json_each(metadata, '$.tags') WHERE json_extract(value, '$.tag') = 'urn:li:tag:training')"
)


def catalog_units(total: int, training: int) -> Iterator[MetadataWorkUnit]:
    """The bench catalog's workunits: a Greenplum database with `training` tables, the rest
    lake datasets (a third of them `inference`)."""
    coordinates = GP.coordinates()
    database = ContainerRef(kind="database", name="warehouse",
                            key=(("database", "gp-train.warehouse"),),
                            properties=tuple(sorted(coordinates.items())))
    gp_tags = {"training": "bench", "servicebinding:type:greenplum": "bench",
               "servicebinding:provider:vmware": "bench"}
    fields = (Field("id", "bigint", FieldKind.NUMBER, nullable=False),
              Field("label", "text", FieldKind.STRING))
    yield from container_workunits([database], platform="postgres", instance=None,
                                   env="PROD", tag_origins={"warehouse": gp_tags})
    for i in range(total):
        if i < training:
            asset = Asset(platform="postgres", name=f"warehouse.public.train_{i:05d}",
                          subtype="Table", fields=fields, properties=dict(coordinates),
                          containers=(database,),
                          binding=BindingRef(GP.name, GP.type, GP.provider))
            tags = gp_tags
        else:
            asset = Asset(platform="file", name=f"lake/area_{i % 50:02d}/table_{i:05d}",
                          subtype="Table", fields=fields, properties={"file_count": "4"})
            tags = {"data lake": "bench", **({"inference": "bench"} if i % 3 == 0 else {})}
        yield from dataset_workunits(asset, tags)


def build_catalog(path: Path, total: int, training: int) -> None:
    """Full aspects through DataHub Lite's own writer (synchronous=OFF only to build faster)."""
    path.unlink(missing_ok=True)
    lite = get_datahub_lite({"type": "sqlite", "config": {
        "file": str(path), "options": {"synchronous": "OFF", "journal_mode": "MEMORY"}}})
    for unit in catalog_units(total, training):
        lite.write(unit.metadata)
    lite.close()


def fill_gms(url: str, total: int, training: int) -> None:
    """The same workunits into GMS through DataHub's REST emitter, in batches."""
    proposals: list[Any] = []
    for unit in catalog_units(total, training):
        record = unit.metadata
        proposals += (mcps_from_mce(record) if isinstance(record, MetadataChangeEventClass)
                      else [record])
    graph = DataHubGraph(DatahubClientConfig(server=url, openapi_ingestion=False))
    for start in range(0, len(proposals), 2000):
        graph.emit_mcps(proposals[start: start + 2000], emit_mode=EmitMode.SYNC_WAIT)
    graph.close()


SETTLE_S = 3.0


@dataclass
class Load:
    target: str
    connections: int
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(target: str, url: str, connections: int, seconds: int, token: str | None,
        cookie: str | None = None) -> Load:
    # A pause first: requests a 64-connection run left queued must not land in the next run.
    time.sleep(SETTLE_S)
    threads = 1 if connections == 1 else 2
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
           "--timeout", "10s"]
    if token:
        cmd += ["-H", f"Authorization: Bearer {token}"]
    if cookie:  # the web page's session (bench/web.py)
        cmd += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)[ \t]*$", out, re.MULTILINE))
    if len(latency) != 2:
        raise SystemExit(f"unexpected wrk output for {target}:\n{out}")
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                       out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = (sum(int(g) for g in socket.groups()) if socket else 0) + (
        int(non2xx.group(1)) if non2xx else 0)
    return Load(
        target=target, connections=connections,
        requests_per_s=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        p50_ms=_ms(latency["50"]), p99_ms=_ms(latency["99"]), errors=errors,
        requests=int(re.search(r"(\d+) requests in", out).group(1)),  # type: ignore[union-attr]
    )


def wait_until_up(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited early: {url}")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.3)
    raise SystemExit(f"server did not start: {url}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", type=int, default=10_000)
    parser.add_argument("--training", type=int, default=500)
    parser.add_argument("--duration", type=int, default=30, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--reuse", action="store_true", help="keep an existing bench catalog")
    parser.add_argument("--gms", action="store_true", help="the API reading the GMS stand-in")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found: apt-get install -y wrk")
    if args.gms:
        with standin() as url:
            gms_main(args, url)
        return
    BENCH.mkdir(parents=True, exist_ok=True)
    catalog, peer_catalog = BENCH / "catalog.db", BENCH / "peer" / "catalog.db"
    if not (args.reuse and catalog.is_file()):
        started = time.perf_counter()
        build_catalog(catalog, args.datasets, args.training)
        print(f"catalog: {args.datasets} datasets ({args.training} training) in "
              f"{time.perf_counter() - started:.0f}s", flush=True)
    peer_catalog.parent.mkdir(exist_ok=True)
    shutil.copyfile(catalog, peer_catalog)
    (BENCH / "peer" / ".datahubenv").write_text(json.dumps(
        {"gms": {"server": "http://127.0.0.1:1"},  # unused; the CLI requires the key
         "lite": {"type": "sqlite", "config": {"file": str(peer_catalog)}}}))
    root = gp_binding()
    tokens = BENCH / "tokens.json"
    tokens.unlink(missing_ok=True)
    _, token = TokenStore(tokens).create(["catalog:read"], "bench")

    ours_port, peer_port = 18180, 18979
    env = {**os.environ, "CATALOG_SYNC_CATALOG": str(catalog), "CATALOG_SYNC_TOKENS_FILE":
           str(tokens), "SERVICE_BINDING_ROOT": str(root.parent)}
    env.pop("DATAHUB_GMS_URL", None)
    ours = subprocess.Popen([str(BIN / "catalog-sync"), "serve", "--port", str(ours_port),
                             "--no-access-log"], env=env, cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peer = subprocess.Popen([str(BIN / "datahub"), "lite", "serve", "--port", str(peer_port)],
                            env={**os.environ, "HOME": str(BENCH / "peer"),
                                 "DATAHUB_TELEMETRY_ENABLED": "false"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base, peer_base = f"http://127.0.0.1:{ours_port}", f"http://127.0.0.1:{peer_port}"
    try:
        wait_until_up(f"{base}/healthz", ours)
        wait_until_up(f"{peer_base}/ping", peer)
        auth = {"Authorization": f"Bearer {token}"}
        targets = {
            "api /v1/assets?tag=training": (f"{base}/v1/assets?tag=training", token),
            "api /v1/resolve": (f"{base}/v1/resolve?tag=training&type=greenplum", token),
            "api /healthz": (f"{base}/healthz", None),
            "peer /search?flavor=exact": (
                f"{peer_base}/search?flavor=exact&query={quote(PEER_CONDITION)}", None),
        }
        # Both answers must be right before their speed means anything.
        ours_total = httpx.get(targets["api /v1/assets?tag=training"][0], headers=auth,
                               timeout=60).json()["total"]
        peer_urns = {r["id"] for r in httpx.get(targets["peer /search?flavor=exact"][0],
                                                timeout=60).json()}
        resolved = httpx.get(targets["api /v1/resolve"][0], headers=auth).json()
        assert ours_total == len(peer_urns) == args.training, (ours_total, len(peer_urns))
        assert resolved["binding"] == "gp-train", resolved
        results = [wrk(name, url, c, args.duration, tok)
                   for c in (args.connections, 1) for name, (url, tok) in targets.items()]
    finally:
        for proc in (ours, peer):
            proc.terminate()
            proc.wait(timeout=30)
    print(f"{'target':32} {'conns':>5} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}")
    for r in results:
        print(f"{r.target:32} {r.connections:>5} {r.requests_per_s:>9.1f} {r.p50_ms:>8.2f} "
              f"{r.p99_ms:>8.2f} {r.errors:>6}")
    at = {(r.target, r.connections): r for r in results}
    tag = at["api /v1/assets?tag=training", args.connections]
    checks = {
        "zero errors": all(r.errors == 0 for r in results if r.target.startswith("api")),
        "tag query >= 30x peer": tag.requests_per_s
        >= 30 * at["peer /search?flavor=exact", args.connections].requests_per_s,
        "tag query >= half of /healthz": tag.requests_per_s
        >= 0.5 * at["api /healthz", args.connections].requests_per_s,
        "single-client p99 <= 10 ms": all(
            r.p99_ms <= 10 for r in results if r.connections == 1 and r.target.startswith("api")),
    }
    for name, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    (BENCH / "results.json").write_text(json.dumps(
        {"args": vars(args), "results": [asdict(r) for r in results], "checks": checks},
        indent=2))


def gp_binding() -> Path:
    """The `gp-train` binding folder the bench catalog's tables name."""
    root = BENCH / "bindings" / "gp-train"
    root.mkdir(parents=True, exist_ok=True)
    for key, value in {"type": "greenplum", "provider": "vmware", "host": "gp.internal",
                       "port": "5432", "database": "warehouse", "username": "loader",
                       "password": "bench-only"}.items():
        (root / key).write_text(value)
    return root


def _serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen([str(BIN / "catalog-sync"), "serve", "--port", str(port),
                             "--no-access-log"], env=env, cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def gms_main(args: argparse.Namespace, url: str) -> None:
    """The API over the GMS stand-in: requests per query, then load, cache warm."""
    started = time.perf_counter()
    fill_gms(url, args.datasets, args.training)
    print(f"GMS stand-in: {args.datasets} datasets ({args.training} training) in "
          f"{time.perf_counter() - started:.0f}s", flush=True)
    BENCH.mkdir(parents=True, exist_ok=True)
    root = gp_binding()
    tokens = BENCH / "tokens-gms.json"
    tokens.unlink(missing_ok=True)
    _, token = TokenStore(tokens).create(["catalog:read"], "bench")
    port = 18181
    env = {**os.environ, "DATAHUB_GMS_URL": url, "CATALOG_SYNC_TOKENS_FILE": str(tokens),
           "SERVICE_BINDING_ROOT": str(root.parent),
           "CATALOG_SYNC_CATALOG": str(BENCH / "gms-state" / "catalog.db")}
    ours = _serve(env, port)
    base = f"http://127.0.0.1:{port}"
    auth = {"Authorization": f"Bearer {token}"}
    try:
        wait_until_up(f"{base}/healthz", ours)
        per_query = []
        for offset in range(0, min(250, args.training), 50):  # distinct pages: none cached
            httpx.post(f"{url}/standin/reset", timeout=30)
            page = httpx.get(f"{base}/v1/assets?tag=training&offset={offset}", headers=auth,
                             timeout=60).json()
            assert page["total"] == args.training and len(page["items"]) == 50, page
            per_query.append(stats(url)["requests"])
        resolved = httpx.get(f"{base}/v1/resolve?tag=training&type=greenplum", headers=auth,
                             timeout=60).json()
        assert resolved["binding"] == "gp-train", resolved
        targets = {"api /v1/assets?tag=training": f"{base}/v1/assets?tag=training",
                   "api /healthz": f"{base}/healthz"}
        for target in targets.values():  # warm the caches
            httpx.get(target, headers=auth, timeout=60)
        # The single client first, on a server no other load has touched yet.
        results = [wrk(name, target, c, args.duration, token)
                   for c in (1, args.connections) for name, target in targets.items()]
        violations = stats(url)["violations"]
    finally:
        ours.terminate()
        ours.wait(timeout=30)
    print(f"GMS requests per uncached /v1/assets?tag=training: {per_query}")
    print(f"{'target':32} {'conns':>5} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}")
    for r in results:
        print(f"{r.target:32} {r.connections:>5} {r.requests_per_s:>9.1f} {r.p50_ms:>8.2f} "
              f"{r.p99_ms:>8.2f} {r.errors:>6}")
    at = {(r.target, r.connections): r for r in results}
    checks = {
        "at most 3 GMS requests per query": max(per_query) <= 3,
        "single-client p99 <= 20 ms (cache warm)":
            at["api /v1/assets?tag=training", 1].p99_ms <= 20,
        f"zero errors at {args.connections} connections": all(
            r.errors == 0 for r in results if r.connections == args.connections),
        "no contract violation": violations == [],
    }
    for name, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    (BENCH / "results-gms.json").write_text(json.dumps(
        {"args": vars(args), "per_query": per_query, "results": [asdict(r) for r in results],
         "checks": checks, "violations": violations[:5]}, indent=2))


if __name__ == "__main__":
    main()
