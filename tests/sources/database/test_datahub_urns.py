"""DataHub's own `postgres` source and catalog-sync on the same database, platform instance and
env mint the same URNs: every container, every dataset, and the links between them. Moving
from DataHub's source, or running both, then leaves no duplicate containers.

The two differ on purpose in what they catalogue, and only there: DataHub lists each partition
as a dataset of its own (catalog-sync rolls partitions into their table) and leaves foreign
tables out. The expected differences are read from the database's own catalog."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from datahub.ingestion.run.pipeline import Pipeline

from tests.sources.database.conftest import HERE, SAMPLE_SQL, load_sql
from tests.sources.database.test_features import ingest
from tests.support.sink_file import file_records


def _datahub(url: str, out: Path, instance: str | None, env: str) -> list[dict[str, Any]]:
    parsed = sa.make_url(url)
    config: dict[str, Any] = {
        "host_port": f"{parsed.host}:{parsed.port or 5432}",
        "database": parsed.database,
        "username": parsed.username,
        "env": env,
        "include_view_lineage": False,
        "profiling": {"enabled": False},
    }
    if instance:
        config["platform_instance"] = instance
    pipeline = Pipeline.create({
        "source": {"type": "postgres", "config": config},
        "sink": {"type": "file", "config": {"filename": str(out)}},
    })
    pipeline.run()
    pipeline.raise_from_status()
    return file_records(out)


def _links(records: list[dict[str, Any]]) -> dict[str, str | None]:
    """Every container and dataset URN -> the container it sits in (None at the top)."""
    urns = {r["entityUrn"] for r in records
            if r["entityUrn"].startswith(("urn:li:container:", "urn:li:dataset:"))}
    parents = {r["entityUrn"]: r["aspect"]["json"]["container"] for r in records
               if r["aspectName"] == "container"}
    return {urn: parents.get(urn) for urn in urns}


def _relations(url: str, where: str) -> set[str]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        found = {f"{n}.{t}" for n, t in conn.exec_driver_sql(
            "SELECT n.nspname, c.relname FROM pg_class c "
            f"JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {where}")}
    engine.dispose()
    return found


@pytest.mark.parametrize(("instance", "env"), [(None, "PROD"), ("eu-prod", "DEV")])
def test_container_and_dataset_urns_are_datahubs(
    workdir: Path, pg_database: str, instance: str | None, env: str
) -> None:
    load_sql(pg_database, SAMPLE_SQL)
    load_sql(pg_database, HERE / "features.sql")
    config: dict[str, Any] = {"env": env, "include_views": True}
    if instance:
        config["platform_instance"] = instance
    report, records = ingest(workdir, pg_database, **config)
    assert report["failures"] == []
    ours = _links(records)
    theirs = _links(_datahub(pg_database, workdir / "datahub.json", instance, env))

    database = sa.make_url(pg_database).database
    prefix = f"{instance}.{database}." if instance else f"{database}."

    def urn(name: str) -> str:
        return f"urn:li:dataset:(urn:li:dataPlatform:postgres,{prefix}{name},{env})"

    partitions = {urn(n) for n in _relations(pg_database, "c.relispartition AND c.relkind IN ('r', 'p')")}
    foreign = {urn(n) for n in _relations(pg_database, "c.relkind = 'f'")}
    assert partitions and foreign
    containers = {u for u in theirs if u.startswith("urn:li:container:")}
    # The database; public, sales, inventory, hidden, store, reporting and empty_schema.
    assert len(containers) == 1 + 7
    assert {u for u in ours if u.startswith("urn:li:container:")} == containers
    assert set(theirs) - set(ours) == partitions
    assert set(ours) - set(theirs) == foreign
    assert {u: ours[u] for u in set(theirs) & set(ours)} == {
        u: theirs[u] for u in set(theirs) & set(ours)}
