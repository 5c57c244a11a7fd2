"""What real databases hold (features.sql) as DataHub aspects, against the real PostgreSQL:
keys declared on partitions, domains, enums, generated and identity columns, type families,
every schema a container, column-grant tables, and view lineage from pg_depend."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from typer.testing import CliRunner

from catalog_sync.cli.main import app
from tests.sources.database.conftest import HERE, load_sql, login_role
from tests.support.sink_file import file_records


@pytest.fixture
def features_db(pg_database: str) -> str:
    load_sql(pg_database, HERE / "features.sql")
    return pg_database


def ingest(workdir: Path, url: str, **config: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Run a URL recipe into a `file` sink; the JSON report and the records."""
    out = workdir / f"out-{uuid.uuid4().hex[:6]}.json"
    recipe = workdir / "features.yml"
    recipe.write_text(yaml.safe_dump({
        "source": {"type": "catalog-sync-database", "config": {"url": url, **config}},
        "sink": {"type": "file", "config": {"filename": str(out)}},
    }))
    result = CliRunner().invoke(app, ["ingest", str(recipe), "--json"])
    assert result.stdout.strip(), result.output
    return json.loads(result.stdout), file_records(out) if out.exists() else []


class Catalog:
    """The aspects of one run, by dataset name."""

    def __init__(self, records: list[dict[str, Any]], database: str) -> None:
        self.aspects = {(r["entityUrn"], r["aspectName"]): r["aspect"]["json"] for r in records}
        self.database = database

    def urn(self, name: str) -> str:
        return f"urn:li:dataset:(urn:li:dataPlatform:postgres,{self.database}.{name},PROD)"

    def get(self, name: str, aspect: str) -> Any:
        return self.aspects.get((self.urn(name), aspect))

    def fields(self, name: str) -> dict[str, dict[str, Any]]:
        return {f["fieldPath"]: f for f in self.get(name, "schemaMetadata")["fields"]}


@pytest.fixture
def catalog(workdir: Path, features_db: str) -> Catalog:
    report, records = ingest(workdir, features_db)
    assert report["failures"] == [] and report["warnings"] == []
    return Catalog(records, sa.make_url(features_db).database or "")


def _type(field: dict[str, Any]) -> str:
    (name,) = field["type"]["type"]
    return str(name).rsplit(".", 1)[-1]


def test_column_types_domains_enums_generated_and_identity(catalog: Catalog) -> None:
    fields = catalog.fields("store.customer")
    summary = {path: (f["nativeDataType"], _type(f), f["nullable"],
                      json.loads(f["jsonProps"]) if f.get("jsonProps") else None)
               for path, f in fields.items()}
    assert summary == {
        "customer_id": ("integer", "NumberType", False, {"identity": "always"}),
        "email": ("text", "StringType", False, None),
        "postal": ("character varying(10)", "StringType", False,
                   {"domain": "store.postal_code"}),
        "zip": ("character varying(10)", "StringType", False, {"domain": "store.zip5"}),
        "loyalty": ("integer", "NumberType", True, {"domain": "store.positive_int"}),
        "mood": ("store.mood", "EnumType", True, {"enum_labels": ["sad", "ok", "happy"]}),
        "moods": ("store.mood[]", "ArrayType", True, None),
        "price": ("numeric(10,2)", "NumberType", True, {"default": "0"}),
        "price_with_tax": ("numeric(12,2)", "NumberType", True, {"generated": "(price * 1.2)"}),
        "visits": ("bigint", "NumberType", False, {"identity": "by default"}),
        "active_during": ("tstzrange", "StringType", True, None),
        "profile": ("jsonb", "RecordType", True, None),
        "raw": ("json", "RecordType", True, None),
        "ref": ("uuid", "StringType", True, None),
        "tags": ("text[]", "ArrayType", True, None),
    }
    assert fields["tags"]["type"]["type"]["com.linkedin.schema.ArrayType"] == {
        "nestedType": ["text"]}
    assert fields["moods"]["type"]["type"]["com.linkedin.schema.ArrayType"] == {
        "nestedType": ["store.mood"]}


def test_keys_declared_on_partitions_roll_up(catalog: Catalog) -> None:
    payment = catalog.get("store.payment", "schemaMetadata")
    assert sorted(payment["primaryKeys"]) == ["payment_date", "payment_id"]
    (fk,) = payment["foreignKeys"]  # declared on both partitions: one key
    assert fk["name"] == "payment_p2022_01_customer_id_fkey"
    assert fk["foreignDataset"] == catalog.urn("store.customer")
    assert [f.rsplit(",", 1)[-1] for f in fk["sourceFields"]] == ["customer_id)"]
    properties = catalog.get("store.payment", "datasetProperties")["customProperties"]
    assert properties["unique_keys"] == "(payment_id, amount)"
    # Partitions disagreeing on their primary key: none for the dataset, both as unique keys.
    ledger = catalog.get("store.ledger", "schemaMetadata")
    assert ledger.get("primaryKeys") is None
    assert catalog.get("store.ledger", "datasetProperties")["customProperties"][
        "unique_keys"] == "(entry_id, booked); (account, entry_id)"
    # A foreign key to a partitioned table points at it, once (not at its partitions).
    (to_payment,) = catalog.get("store.refund", "schemaMetadata")["foreignKeys"]
    assert to_payment["foreignDataset"] == catalog.urn("store.payment")
    customer = catalog.get("store.customer", "datasetProperties")["customProperties"]
    assert customer["unique_keys"] == "(email)"


def test_partition_trees_roll_up_at_any_depth(catalog: Catalog) -> None:
    names = {u for u, a in catalog.aspects if a == "datasetProperties"}
    assert not [n for n in names if "events_" in n or "_p2022_" in n or "ledger_" in n]
    events = catalog.get("store.events", "datasetProperties")["customProperties"]
    assert (events["partitions"], events["estimated_rows"], events["partition_key"]) == (
        "3", "40", "LIST (region)")


def test_every_schema_is_a_container(catalog: Catalog) -> None:
    schemas = {a["name"]: a for (u, n), a in catalog.aspects.items()
               if n == "containerProperties" and "schema" in a["customProperties"]}
    assert set(schemas) == {"store", "reporting", "empty_schema", "public"}
    assert schemas["empty_schema"]["description"] == "Nothing here yet"


def _lineage(catalog: Catalog, view: str) -> tuple[list[str], list[str], list[str]]:
    aspect = catalog.get(view, "upstreamLineage")
    upstreams = [u["dataset"].split(f"{catalog.database}.")[1].rstrip(",PROD)")
                 for u in aspect["upstreams"]]
    assert {u["type"] for u in aspect["upstreams"]} == {"VIEW"}
    fine = aspect.get("fineGrainedLineages") or []
    read = [f"{u.split(catalog.database + '.')[1].split(',PROD)')[0]}.{u.rsplit(',', 1)[1][:-1]}"
            for g in fine for u in g["upstreams"]]
    fed = [d.rsplit(",", 1)[1][:-1] for g in fine for d in g["downstreams"]]
    return upstreams, read, fed


def test_view_lineage_comes_from_the_catalog(catalog: Catalog) -> None:
    assert _lineage(catalog, "store.customer_moods") == (
        ["store.customer"],
        ["store.customer.customer_id", "store.customer.email", "store.customer.mood"],
        ["customer_id", "mood", "email"])
    # A view over a view, across schemas: the view it reads, not the table beneath.
    assert _lineage(catalog, "reporting.happy_customers") == (
        ["store.customer_moods"],
        ["store.customer_moods.customer_id", "store.customer_moods.mood",
         "store.customer_moods.email"],
        ["customer_id", "email"])
    upstreams, read, _ = _lineage(catalog, "reporting.happy_spenders")
    assert upstreams == ["reporting.happy_customers", "reporting.payment_totals"]
    assert "reporting.payment_totals.total" in read
    # A materialized view over a partitioned table; a view over one of its partitions.
    assert _lineage(catalog, "reporting.payment_totals")[0] == ["store.payment"]
    assert _lineage(catalog, "reporting.january") == (
        ["store.payment"], ["store.payment.payment_id", "store.payment.amount"],
        ["payment_id", "amount"])
    # count(*) reads no column: the table, and no column-level edge.
    assert _lineage(catalog, "reporting.customer_count") == (["store.customer"], [], [])
    assert catalog.get("store.customer", "upstreamLineage") is None


@pytest.fixture
def column_reader(features_db: str) -> Iterator[str]:
    """A role that may SELECT only two columns of store.notes, and nothing else in `store`."""
    with login_role(features_db, "GRANT USAGE ON SCHEMA store TO {role}",
                    "GRANT SELECT (note_id, body) ON store.notes TO {role}") as role:
        yield role.url


def test_a_table_readable_through_a_column_grant_is_catalogued(
    workdir: Path, column_reader: str
) -> None:
    report, records = ingest(workdir, column_reader, schema_pattern={"allow": ["^store$"]})
    database = sa.make_url(column_reader).database or ""
    catalog = Catalog(records, database)
    assert list(catalog.fields("store.notes")) == ["note_id", "body", "private_remark"]
    skipped = sorted(context.rsplit(".", 1)[-1] for w in report["warnings"]
                     if w["title"] == "Table not readable" for context in w["context"].split("; "))
    assert skipped == ["customer", "customer_moods", "events", "ledger", "payment", "refund"]
