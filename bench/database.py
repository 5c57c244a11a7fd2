"""Database benchmark: catalog-sync's database source against DataHub's own `postgres` source on
the same PostgreSQL database, same `file` sink, each a child process; checks both recorded the
same tables, columns, keys, comments and view lineage, and prints median wall time, the ratio,
peak memory and the time of catalog-sync's lineage query.

    .venv/bin/python bench/database.py                          # 620 datasets vs DataHub, 3 runs
    .venv/bin/python bench/database.py --sizes 10k --repeat 1   # 11,000 datasets vs DataHub
    .venv/bin/python bench/database.py --sizes 1k 10k --memory  # peak memory, DataHub's blackhole sink
    .venv/bin/python bench/database.py --sizes 10k --embedded   # into the embedded store
    .venv/bin/python bench/database.py --rebuild                # drop and regenerate the databases

The server is $CATALOG_SYNC_TEST_PG_URL, else postgres@127.0.0.1:5432 (as the tests use).
DataHub's `postgres` source comes with `acryl-datahub[postgres]` (the `test` and `bench` extras).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import REPO, WORK, Run, median, run

from catalog_sync.sources.database.queries import LINEAGE_SQL

ADMIN_URL = os.environ.get(
    "CATALOG_SYNC_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
)
# schemas x tables per schema, foreign keys, views (a view in ten reads another schema's view).
SIZES = {"600": (3, 200, 30, 20), "1k": (10, 100, 100, 100), "10k": (10, 1000, 1000, 1000)}
COLUMN_TYPES = ["bigint", "integer", "text", "varchar(64)", "numeric(12,2)", "boolean",
                "timestamp with time zone", "date", "jsonb", "double precision", "uuid",
                "smallint", "text[]", "bytea"]  # 14 + id = 15 columns


def _ddl(schemas: int, tables: int, fks: int, views: int) -> list[str]:
    """One statement list: PKs everywhere, comments on every other table and every third
    column, `fks` foreign keys (t_N.c1 -> t_N-1.id) and `views` views over tables, every tenth
    over the previous schema's view instead (lineage across schemas and views)."""
    statements = []
    for s in range(schemas):
        statements.append(f"CREATE SCHEMA s{s}")
        for t in range(tables):
            name = f"s{s}.t_{t:04d}"
            cols = ", ".join(f"c{i + 1} {kind}" for i, kind in enumerate(COLUMN_TYPES))
            statements.append(f"CREATE TABLE {name} (id bigint PRIMARY KEY, {cols})")
            if t % 2 == 0:
                statements.append(f"COMMENT ON TABLE {name} IS 'Table {t} of schema {s}'")
            for i in range(0, 15, 3):
                column = "id" if i == 0 else f"c{i}"
                statements.append(f"COMMENT ON COLUMN {name}.{column} IS 'Column {column}'")
    for k in range(fks):
        s, t = k % schemas, k // schemas % (tables - 1) + 1
        statements.append(f"ALTER TABLE s{s}.t_{t:04d} ADD CONSTRAINT fk_{k} FOREIGN KEY (c1) "
                          f"REFERENCES s{s}.t_{t - 1:04d} (id)")
    for v in range(views):
        s, t = v % schemas, v // schemas % tables
        source = f"s{s}.t_{t:04d}"
        if v % 10 == 9 and v >= schemas:
            source = f"s{(v - 1) % schemas}.v_{v - 1:04d}"
        statements.append(f"CREATE VIEW s{s}.v_{v:04d} AS SELECT id, c2, c3 FROM {source}")
    return statements


BUILT = "catalog-sync bench database"


def _marker(size: str) -> str:
    """Marks a database as completely built, from this shape (a changed shape rebuilds it)."""
    return f"{BUILT} {SIZES[size]}"


def build(size: str, rebuild: bool) -> str:
    """The bench database for `size`, built once (marked by a comment when complete) and reused
    unless --rebuild; its URL. Committed in batches: 10,000 tables outgrow one transaction's
    locks."""
    name = f"cs_bench_{size}"
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        comment = conn.execute(sa.text(
            "SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database "
            "WHERE datname = :n"), {"n": name}).scalar()
        ready = comment == _marker(size) and not rebuild
        if not ready:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.make_url(ADMIN_URL).set(database=name)
    if not ready:
        print(f"building {name} ...", file=sys.stderr)
        engine = sa.create_engine(url)
        raw = engine.raw_connection()
        with raw.cursor() as cursor:
            statements = _ddl(*SIZES[size])
            for i in range(0, len(statements), 500):
                cursor.execute(";\n".join(statements[i : i + 500]))
                raw.commit()
        # ANALYZE outside a transaction block takes one table's locks at a time.
        raw.driver_connection.autocommit = True
        with raw.cursor() as cursor:
            cursor.execute("ANALYZE")  # reltuples as a real database would have them
        raw.close()
        engine.dispose()
        with admin.connect() as conn:
            conn.exec_driver_sql(f"COMMENT ON DATABASE \"{name}\" IS '{_marker(size)}'")
    admin.dispose()
    return url.render_as_string(hide_password=False)


def catalog_sync_recipe(url: str, out: Path, sink: str = "file") -> dict[str, Any]:
    sink_config: dict[str, Any] = {"type": sink}
    if sink == "file":
        sink_config["config"] = {"filename": str(out)}
    return {"source": {"type": "catalog-sync-database",
                       "config": {"url": url, "tags_dir": str(REPO / "tags")}},
            "sink": sink_config}


def datahub_recipe(url: str, out: Path) -> dict[str, Any]:
    """DataHub's postgres source with profiling off and view lineage on (catalog-sync records
    view lineage too): the same metadata."""
    parsed = sa.make_url(url)
    return {
        "source": {"type": "postgres", "config": {
            "host_port": f"{parsed.host}:{parsed.port or 5432}",
            "database": parsed.database,
            "username": parsed.username,
            "include_tables": True,
            "include_views": True,
            "include_view_lineage": True,
            "include_view_column_lineage": True,
            "include_table_location_lineage": False,
            "profiling": {"enabled": False},
        }},
        "sink": {"type": "file", "config": {"filename": str(out)}},
    }


def _aspects(out: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """(urn, aspect name) -> aspect, from MCPs and from MCE snapshots alike."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for record in json.loads(out.read_text()):
        if "proposedSnapshot" in record:
            snapshot = next(iter(record["proposedSnapshot"].values()))
            for aspect in snapshot["aspects"]:
                (kind, value), = aspect.items()
                name = kind.rsplit(".", 1)[-1]
                found[(snapshot["urn"], name[0].lower() + name[1:])] = value
        elif "aspect" in record:
            found[(record["entityUrn"], record["aspectName"])] = record["aspect"]["json"]
    return found


def recorded(out: Path) -> dict[str, Counter[str] | int]:
    """What a run recorded about datasets, in a form both sources can be compared on."""
    aspects = _aspects(out)
    datasets = {u for u, _ in aspects if u.startswith("urn:li:dataset:")}
    counts: Counter[str] = Counter()
    for urn in datasets:
        schema = aspects.get((urn, "schemaMetadata"), {})
        props = aspects.get((urn, "datasetProperties"), {})
        fields = schema.get("fields", [])
        counts["columns"] += len(fields)
        counts["column comments"] += sum(1 for f in fields if f.get("description"))
        counts["key columns"] += sum(1 for f in fields if f.get("isPartOfKey"))
        counts["foreign keys"] += len(schema.get("foreignKeys") or [])
        counts["table comments"] += 1 if props.get("description") else 0
        counts["views"] += 1 if (urn, "viewProperties") in aspects else 0
        lineage = aspects.get((urn, "upstreamLineage"), {})
        counts["view upstreams"] += len(lineage.get("upstreams") or [])
    return {"datasets": len(datasets), **counts}


def source_only(recipe: Path) -> None:
    """Child-process mode: time only the source's own work (catalog queries and building the
    aspects, `get_workunits_internal`), without DataHub's workunit processors or a sink."""
    import time

    from datahub.ingestion.api.common import PipelineContext
    from datahub.ingestion.source.source_registry import source_registry

    config = yaml.safe_load(recipe.read_text())["source"]
    source = source_registry.get(config["type"]).create(
        config["config"], PipelineContext(run_id="bench-source-only")
    )
    started = time.perf_counter()
    count = sum(1 for _ in source.get_workunits_internal())
    print(json.dumps({"workunits": count, "seconds": time.perf_counter() - started}))


def _source_seconds(recipe: Path, log: Path) -> float:
    done = run([sys.executable, __file__, "--source-only", str(recipe)], env=_env(), log=log)
    _checked("source-only", done, log)
    return float(json.loads(log.read_text())["seconds"])


def _checked(what: str, result: Run, log: Path) -> Run:
    if result.returncode != 0:
        sys.exit(f"{what} exited {result.returncode}; see {log}.err")
    return result


def _env() -> dict[str, str]:
    env = dict(os.environ, DATAHUB_TELEMETRY_ENABLED="false")
    env.pop("DATAHUB_GMS_URL", None)
    return env


def lineage_query_seconds(url: str, times: int = 5) -> dict[str, float | int]:
    """catalog-sync's view-lineage query alone, fetched whole, `times` times on one
    connection: the median, and how many (view, upstream) rows it returned."""
    engine = sa.create_engine(url)
    seconds: list[float] = []
    with engine.connect() as conn:
        for _ in range(times):
            started = time.perf_counter()
            found = conn.execute(sa.text(LINEAGE_SQL)).fetchall()
            seconds.append(time.perf_counter() - started)
    engine.dispose()
    return {"lineage_query_s": round(statistics.median(seconds), 3), "lineage_rows": len(found)}


def bench(size: str, repeat: int, rebuild: bool, compare: bool, source_alone: bool
          ) -> dict[str, Any]:
    url = build(size, rebuild)
    runs = WORK / "db-runs"
    runs.mkdir(parents=True, exist_ok=True)
    cs_out, dh_out = runs / f"cs-{size}.json", runs / f"dh-{size}.json"
    cs = runs / f"cs-{size}.yml"
    cs.write_text(yaml.safe_dump(catalog_sync_recipe(url, cs_out)))
    dh = runs / f"dh-{size}.yml"
    dh.write_text(yaml.safe_dump(datahub_recipe(url, dh_out)))
    # Each run starts from an empty catalog folder, so stale-removal state is never reused.
    cs_cmd = [str(REPO / ".venv/bin/catalog-sync"), "ingest", str(cs), "--json"]
    dh_cmd = [str(REPO / ".venv/bin/datahub"), "ingest", "-c", str(dh), "--no-default-report"]
    cs_runs: list[Run] = []
    dh_runs: list[Run] = []
    cs_source: list[float] = []
    dh_source: list[float] = []
    for i in range(repeat):  # interleaved, so a noisy neighbour hurts both alike
        env = dict(_env(), CATALOG_SYNC_CATALOG=str(runs / f"catalog-{size}-{i}" / "c.db"))
        cs_runs.append(_checked("catalog-sync", run(cs_cmd, env=env, log=runs / "cs.log"),
                                runs / "cs.log"))
        if source_alone:
            cs_source.append(_source_seconds(cs, runs / "cs-source.log"))
        if compare:
            dh_runs.append(_checked("datahub", run(dh_cmd, env=_env(), log=runs / "dh.log"),
                                    runs / "dh.log"))
            if source_alone:
                dh_source.append(_source_seconds(dh, runs / "dh-source.log"))
    result: dict[str, Any] = {
        "size": size,
        "catalog_sync": recorded(cs_out),
        "catalog_sync_s": round(median([r.seconds for r in cs_runs]), 2),
        "catalog_sync_rss_mib": round(max(r.peak_rss_mib for r in cs_runs)),
        **lineage_query_seconds(url),
    }
    if source_alone:
        result["catalog_sync_source_only_s"] = round(median(cs_source), 2)
    if compare:
        result["datahub"] = recorded(dh_out)
        result["same_metadata"] = result["datahub"] == result["catalog_sync"]
        result["datahub_s"] = round(median([r.seconds for r in dh_runs]), 2)
        result["datahub_rss_mib"] = round(max(r.peak_rss_mib for r in dh_runs))
        result["ratio"] = round(result["catalog_sync_s"] / result["datahub_s"], 3)
        if source_alone:
            result["datahub_source_only_s"] = round(median(dh_source), 2)
            result["source_only_ratio"] = round(
                result["catalog_sync_source_only_s"] / result["datahub_source_only_s"], 3)
    return result


def memory(sizes: list[str], repeat: int, rebuild: bool) -> dict[str, Any]:
    """Peak memory of whole catalog-sync runs into DataHub's `blackhole` sink, which keeps
    nothing: what the run itself holds. (DataHub's `file` sink keeps every record in a list
    until it closes, then builds the whole JSON text at once, so its peak grows with the
    database for any source.) Sizes interleaved; the median peak per size and each size's
    peak against the first's."""
    runs = WORK / "db-runs"
    runs.mkdir(parents=True, exist_ok=True)
    commands = {}
    for size in sizes:
        recipe = runs / f"cs-{size}-blackhole.yml"
        recipe.write_text(yaml.safe_dump(catalog_sync_recipe(build(size, rebuild), Path(),
                                                             sink="blackhole")))
        commands[size] = [str(REPO / ".venv/bin/catalog-sync"), "ingest", str(recipe), "--json"]
    peaks: dict[str, list[float]] = {size: [] for size in sizes}
    seconds: dict[str, list[float]] = {size: [] for size in sizes}
    for i in range(repeat):
        for size in sizes:
            env = dict(_env(), CATALOG_SYNC_CATALOG=str(runs / f"mem-{size}-{i}" / "c.db"))
            done = _checked("catalog-sync", run(commands[size], env=env, log=runs / "mem.log"),
                            runs / "mem.log")
            peaks[size].append(done.peak_rss_mib)
            seconds[size].append(done.seconds)
    first = median(peaks[sizes[0]])
    return {"sink": "blackhole", "runs": repeat, **{
        size: {"peak_rss_mib": round(median(peaks[size])),
               "peak_rss_mib_max": round(max(peaks[size])),
               "against_" + sizes[0]: round(median(peaks[size]) / first, 3),
               "seconds": round(median(seconds[size]), 2)}
        for size in sizes}}


def embedded(size: str, rebuild: bool) -> dict[str, Any]:
    """catalog-sync alone into the default embedded store (DataHub Lite, SQLite; the recipe has
    no `sink`), from an empty catalog: wall time, peak memory and the catalog's size; then two
    re-runs on the unchanged database."""
    url = build(size, rebuild)
    runs = WORK / "db-runs"
    runs.mkdir(parents=True, exist_ok=True)
    recipe = runs / f"cs-{size}-lite.yml"
    config = catalog_sync_recipe(url, runs / "unused.json")
    del config["sink"]
    recipe.write_text(yaml.safe_dump(config))
    catalog = runs / f"catalog-{size}-lite" / "c.db"
    if catalog.parent.exists():
        shutil.rmtree(catalog.parent)
    log = runs / "cs-lite.log"
    env = dict(_env(), CATALOG_SYNC_CATALOG=str(catalog))
    command = [str(REPO / ".venv/bin/catalog-sync"), "ingest", str(recipe), "--json"]
    done = _checked("catalog-sync", run(command, env=env, log=log), log)
    result = {"size": size, "sink": "embedded (datahub-lite sqlite)",
              "datasets": json.loads(log.read_text())["datasets"],
              "catalog_sync_s": round(done.seconds, 2),
              "catalog_sync_rss_mib": round(done.peak_rss_mib),
              "catalog_mib": round(catalog.stat().st_size / 2**20)}
    # The database unchanged: the first re-run compares every dataset with the catalog (and
    # remembers the matches), later ones find them remembered (catalog_sync.store.lite.unchanged).
    for name in ("first_rerun", "rerun"):
        again = _checked("catalog-sync", run(command, env=env, log=log), log)
        report = json.loads(log.read_text())
        assert report["unchanged"] == report["datasets"], "the re-run rewrote datasets"
        result[f"{name}_s"] = round(again.seconds, 2)
        result[f"{name}_rss_mib"] = round(again.peak_rss_mib)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["600"], choices=sorted(SIZES))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--no-datahub", action="store_true", help="catalog-sync only")
    parser.add_argument("--source-alone", action="store_true",
                        help="also time each source alone (get_workunits_internal)")
    parser.add_argument("--embedded", action="store_true",
                        help="catalog-sync only, into the embedded store instead of `file`")
    parser.add_argument("--memory", action="store_true",
                        help="catalog-sync only, peak memory with DataHub's blackhole sink")
    parser.add_argument("--source-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.source_only:
        source_only(args.source_only)
        return
    if args.memory:
        print(json.dumps(memory(args.sizes, args.repeat, args.rebuild), indent=2))
        return
    for size in args.sizes:
        if args.embedded:
            print(json.dumps(embedded(size, args.rebuild), indent=2))
            continue
        print(json.dumps(bench(size, args.repeat, args.rebuild, not args.no_datahub,
                               args.source_alone), indent=2))


if __name__ == "__main__":
    main()
