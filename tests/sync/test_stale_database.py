"""Stale removal and failure isolation on the real PostgreSQL, through service bindings, into
the embedded catalog and into the GMS stand-in."""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.support.backends import Backend
from tests.support.postgres import free_port, scratch_database
from tests.sync.conftest import Ingest, Run, export

RECIPE = "recipes/inference.yml"
PASSWORD = "Pa55-never-in-reports"  # trust auth ignores it; it must still never leak


def _sql(url: str, *statements: str) -> None:
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)
    engine.dispose()


def _bind(root: Path, name: str, url: str, **override: str) -> None:
    parsed = sa.make_url(url)
    entries = {
        "type": "postgresql", "host": parsed.host or "127.0.0.1",
        "port": str(parsed.port or 5432), "database": parsed.database or "postgres",
        "username": parsed.username or "postgres", "password": PASSWORD,
    } | override
    folder = root / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for key, value in entries.items():
        (folder / key).write_text(value)


def _tables(backend: Backend) -> dict[str, bool]:
    """`database.schema.table` -> removed, for every dataset in the catalog."""
    return {e.name: e.removed for e in backend.entries(include_removed=True)
            if e.entity_type == "dataset"}


@pytest.fixture
def shop(pg_database: str) -> str:
    _sql(pg_database, "CREATE TABLE customers (id int PRIMARY KEY, name text)",
         "CREATE TABLE orders (id int PRIMARY KEY, customer int REFERENCES customers)",
         "CREATE TABLE payments (id int, amount numeric)")
    return pg_database


@pytest.fixture
def second_db(pg_admin_url: str) -> Iterator[str]:
    with scratch_database(pg_admin_url, f"cs_sync_{uuid.uuid4().hex[:10]}") as url:
        _sql(url, "CREATE TABLE readings (at timestamptz, value float8)")
        yield url


@pytest.fixture
def reader(shop: str, pg_admin_url: str) -> Iterator[str]:
    """A login role with a password that may read every table of `shop`; its name."""
    role = f"cs_reader_{uuid.uuid4().hex[:8]}"
    _sql(pg_admin_url, f"CREATE ROLE {role} LOGIN PASSWORD '{PASSWORD}'")
    _sql(shop, f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
    try:
        yield role
    finally:
        _sql(shop, f"DROP OWNED BY {role}")
        _sql(pg_admin_url, f"DROP ROLE IF EXISTS {role}")


@pytest.fixture
def bindings(workdir: Path, backend: Backend, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The binding root; every test using it runs on both backends."""
    root = workdir / "bindings"
    root.mkdir()
    monkeypatch.setenv("SERVICE_BINDING_ROOT", str(root))
    return root


def _first_run_over_both(bindings: Path, shop: str, meters: str, ingest: Ingest) -> None:
    _bind(bindings, "shop", shop)
    _bind(bindings, "meters", meters)
    assert ingest(RECIPE).exit_code == 0


def _drop_payments(backend: Backend, shop: str, ingest: Ingest) -> None:
    """DROP `payments`, ingest: exactly it is soft-deleted."""
    db = sa.make_url(shop).database
    _sql(shop, "DROP TABLE payments")
    dropped = ingest(RECIPE)
    assert dropped.exit_code == 0, dropped.output
    assert dropped.report["soft_deleted"] == 1
    assert _tables(backend) == {
        f"{db}.public.customers": False, f"{db}.public.orders": False,
        f"{db}.public.payments": True,
    }


def test_dropped_table_is_soft_deleted_and_restored_when_recreated(
    backend: Backend, shop: str, bindings: Path, ingest: Ingest
) -> None:
    _bind(bindings, "shop", shop)
    assert ingest(RECIPE).exit_code == 0
    _drop_payments(backend, shop, ingest)

    _sql(shop, "CREATE TABLE payments (id int, amount numeric)")
    back = ingest(RECIPE)
    assert back.exit_code == 0
    assert not any(_tables(backend).values())


def test_unreachable_database_fails_alone_and_removes_nothing(
    backend: Backend, shop: str, second_db: str, bindings: Path, ingest: Ingest
) -> None:
    _first_run_over_both(bindings, shop, second_db, ingest)
    before = _tables(backend)
    assert len(before) == 4 and not any(before.values())

    _sql(second_db, "CREATE TABLE alarms (id int)")  # new in the database that still works
    _bind(bindings, "shop", shop, port=str(free_port()))  # nothing listens there
    down = ingest(RECIPE)
    assert down.exit_code == 1
    assert down.failure_titles() == ["Database not ingested"]
    failure = down.report["failures"][0]
    assert "binding shop" in failure["context"]
    assert failure["message"]  # the driver's cause, e.g. connection refused
    assert PASSWORD not in json.dumps(down.report) and PASSWORD not in down.output
    assert down.report["soft_deleted"] == 0
    after = _tables(backend)
    assert not any(after.values())  # the unreachable database's tables are kept
    assert f"{sa.make_url(second_db).database}.public.alarms" in after  # the other went on


def test_binding_gone_soft_deletes_its_assets(
    backend: Backend, shop: str, second_db: str, bindings: Path, ingest: Ingest
) -> None:
    _first_run_over_both(bindings, shop, second_db, ingest)
    shutil.rmtree(bindings / "meters")

    gone = ingest(RECIPE)
    assert gone.exit_code == 0, gone.output
    meters = sa.make_url(second_db).database
    assert _tables(backend)[f"{meters}.public.readings"] is True
    removed_containers = {
        e.name for e in backend.entries(include_removed=True)
        if e.entity_type == "container" and e.removed
    }
    assert meters in removed_containers  # the database container went with its binding
    assert gone.report["soft_deleted"] == 3  # dataset, schema and database containers


def _revoke_between_runs(
    backend: Backend, shop: str, reader: str, bindings: Path, ingest: Ingest, table: str
) -> Run:
    """Catalog `shop` as `reader`, revoke its grant on `table`, ingest again: the second run
    succeeds, removes nothing and leaves every aspect as the first run wrote it."""
    _bind(bindings, "shop", shop, username=reader)
    assert ingest(RECIPE).exit_code == 0
    catalogued = export(backend)
    assert any(f".{table}," in urn for urn, _, _ in catalogued)

    _sql(shop, f"REVOKE SELECT ON {table} FROM {reader}")
    revoked = ingest(RECIPE)
    assert revoked.exit_code == 0, revoked.output
    assert revoked.report["soft_deleted"] == 0
    assert export(backend) == catalogued  # the table's aspects included
    assert [e.name for e in backend.entries(include_removed=True)
            if e.removed] == []
    return revoked


def test_revoked_grant_keeps_the_table_and_a_drop_still_removes_it(
    backend: Backend, shop: str, reader: str, bindings: Path, ingest: Ingest
) -> None:
    db = sa.make_url(shop).database
    revoked = _revoke_between_runs(backend, shop, reader, bindings, ingest, "payments")
    warnings = [w for w in revoked.report["warnings"] if w["title"] == "Table not readable"]
    assert len(warnings) == 1 and f"{db}.public.payments" in warnings[0]["context"]
    assert reader in warnings[0]["message"]
    assert PASSWORD not in json.dumps(revoked.report) and PASSWORD not in revoked.output

    _drop_payments(backend, shop, ingest)


def test_unreadable_schema_keeps_its_container(
    backend: Backend, shop: str, reader: str, bindings: Path, ingest: Ingest
) -> None:
    """Every table of a schema unreadable: the schema container is not removed either."""
    _sql(shop, "CREATE SCHEMA vault", "CREATE TABLE vault.secrets (id int)",
         f"GRANT USAGE ON SCHEMA vault TO {reader}",
         f"GRANT SELECT ON vault.secrets TO {reader}")
    revoked = _revoke_between_runs(backend, shop, reader, bindings, ingest, "vault.secrets")
    assert [w["title"] for w in revoked.report["warnings"]] == ["Table not readable"]
