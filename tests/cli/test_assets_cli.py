"""`catalog-sync assets`, `assets show` and `tags list` as a person reads them: tables within 80
columns with every word whole, sizes in KiB/MiB, row estimates, plurals, unknown tags refused
with the closest ones; `assets show --json` is exactly what `/v1/assets/{urn}` returns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from catalog_sync.api.main import create_app
from catalog_sync.auth import TokenStore
from catalog_sync.cli.main import app
from catalog_sync.emit.datasets import dataset_urn
from catalog_sync.model import Asset, BindingRef, Field, FieldKind, ForeignKey, Profile
from catalog_sync.settings import get_settings
from tests.support.backends import Backend
from tests.support.catalog import GP, database_assets, lake_asset, write_catalog

runner = CliRunner()
LONG = "a_rather_long_table_name_for_testing"


def _orders() -> Asset:
    _, (base,) = database_assets(GP, ["public.orders"], role="training")
    base.properties.update(estimated_rows="12345", size_bytes=str(5 * 1024 * 1024))
    base.fields = (
        Field("id", "integer", FieldKind.NUMBER, nullable=False, is_primary_key=True,
              description="order number"),
        Field("status", "text", FieldKind.STRING, default="'new'::text"),
        Field("customer_id", "integer", FieldKind.NUMBER),
    )
    base.foreign_keys = (ForeignKey("orders_customer_fk", ("customer_id",),
                                    "gp-train.warehouse.public.customers", ("id",)),)
    base.profile = Profile(row_count=12345, column_count=3, timestamp_ms=1_700_000_000_000)
    return base


def _view() -> Asset:
    _, (view,) = database_assets(GP, ["public.open_orders"], role="training")
    view.subtype = "View"
    view.view_definition = "SELECT id FROM public.orders WHERE status = 'new'"
    view.binding = BindingRef(GP.name, GP.type, GP.provider)
    return view


def _table_lines(text: str) -> list[str]:
    """Rows of tables (long paths and URNs on lines of their own are left to the terminal)."""
    lines = [line for line in text.splitlines() if "│" in line or "┃" in line]
    assert lines, text
    return lines


@pytest.fixture
def catalog(workdir: Path, backend: Backend) -> Path:
    write_catalog(backend, [
        _orders(), _view(),
        lake_asset(f"/data/lake/{LONG}", {"data lake", "training"}),
    ])
    return workdir / "catalog.db"


def test_the_table_fits_80_columns_with_words_whole(catalog: Path) -> None:
    result = runner.invoke(app, ["assets"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80, result.stdout
    words = result.stdout.split()
    assert "orders" in result.stdout and "public.open_orders" in "".join(lines)
    assert "~12,345" in words and "5.0 MiB" in result.stdout
    assert lines[-1] == "3 assets"
    single = runner.invoke(app, ["assets", "--tag", "data lake"])
    assert single.stdout.splitlines()[-1] == "1 asset"
    assert LONG in single.stdout.split()


def test_an_unknown_tag_is_refused_with_the_closest(catalog: Path) -> None:
    result = runner.invoke(app, ["assets", "--tag", "Training"])
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert "unknown tag 'Training'" in line and "closest: training" in line
    family = runner.invoke(app, ["assets", "--tag", "servicebinding:type:oracle"])
    assert family.exit_code == 0  # defined by a `*` family: a real, if empty, filter


def test_assets_show_has_schema_keys_defaults_profile_view_and_who_tagged(
    catalog: Path,
) -> None:
    urn = dataset_urn(_orders())
    result = runner.invoke(app, ["assets", "show", urn])
    assert result.exit_code == 0, result.output
    text = result.stdout
    for expected in ("PK", "'new'::text", "order number", "orders_customer_fk", "12,345 rows",
                     "binding: gp-train (greenplum, provider vmware)", "rule test"):
        assert expected in text, expected
    assert max(len(line) for line in _table_lines(text)) <= 80
    view = runner.invoke(app, ["assets", "show", dataset_urn(_view())])
    assert "view SQL:" in view.stdout and "WHERE status = 'new'" in view.stdout
    missing = runner.invoke(app, ["assets", "show", "urn:li:dataset:nope"])
    assert missing.exit_code == 1 and "no asset 'urn:li:dataset:nope'" in missing.stderr


def test_assets_show_json_is_what_the_api_returns(catalog: Path) -> None:
    urn = dataset_urn(_orders())
    shown = json.loads(runner.invoke(app, ["assets", "show", urn, "--json"]).stdout)
    assert shown["primary_keys"] == ["id"]
    assert shown["foreign_keys"][0]["target_columns"] == ["id"]
    assert {f["path"]: f["default"] for f in shown["fields"]}["status"] == "'new'::text"
    assert shown["binding"]["host"] == "gp.internal"
    assert {(t["added_by"], t["rule"]) for t in shown["tag_associations"]} == {
        ("catalog-sync", "test")}  # the test writer records rule "test" for every tag
    get_settings.cache_clear()
    _, token = TokenStore(get_settings().tokens_path).create(["catalog:read"], "t")
    with TestClient(create_app()) as client:
        answer = client.get(f"/v1/assets/{urn}", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    assert answer.json() == shown


def test_tags_list_counts_definitions_families_and_undefined(catalog: Path) -> None:
    result = runner.invoke(app, ["tags", "list", "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["name"]: r for r in json.loads(result.stdout)}
    # two tables and their database container (tagged like them), and the lake dataset
    assert rows["training"]["count"] == 4 and rows["inference"]["count"] == 0
    family = rows["servicebinding:type:*"]
    assert family["count"] == 3 and family["tags"] == [
        {"name": "servicebinding:type:greenplum", "count": 3}]
    people = runner.invoke(app, ["tags", "list"])
    assert "servicebinding:type:greenplum" in people.stdout.split()
    assert max(len(line) for line in _table_lines(people.stdout)) <= 80


@pytest.mark.parametrize("backend", ["lite"], indirect=True)  # the row names the catalog file
def test_doctor_reads_right_at_80_columns(catalog: Path) -> None:
    doctor = runner.invoke(app, ["doctor"])
    lines = _table_lines(doctor.stdout)
    assert max(len(line) for line in lines) <= 80
    assert any(line.rstrip().endswith("catalog.db") or " catalog.db " in line for line in lines)
    assert "(SERVICE_BINDING_ROOT" in doctor.stdout and "not set)" in doctor.stdout
