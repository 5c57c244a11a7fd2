"""Same-named databases behind two bindings (prod and staging): refused together, before
anything is written, until each has its own platform instance; then catalogued apart. The two
"servers" are one PostgreSQL reached as 127.0.0.1 and as localhost, the same database name
twice, as two servers' same-named databases look to DataHub."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from catalog_sync.store.lite.index import read_entries
from catalog_sync.cli.main import app
from tests.sources.database.conftest import entries_for, write_binding


def _ingest(recipe: Path) -> tuple[int, dict[str, object]]:
    result = CliRunner().invoke(app, ["ingest", str(recipe), "--json"])
    assert result.stdout.strip(), result.output
    return result.exit_code, json.loads(result.stdout)


def _recipe(workdir: Path, extra: str = "") -> Path:
    recipe = workdir / "inference.yml"
    recipe.write_text("source:\n  type: catalog-sync-database\n  config:\n"
                      f"    binding_types: [postgresql]\n{extra}")
    return recipe


def _catalogued(workdir: Path) -> dict[str, tuple[str, ...]]:
    return {e.urn: (e.name, *sorted(e.properties.items()))
            for e in read_entries(workdir / "catalog.db", include_removed=True)}


def test_same_named_databases_are_refused_together_and_nothing_changes(
    workdir: Path, root: Path, sample_db: str, pg_admin_url: str
) -> None:
    write_binding(root, "prod", entries_for(sample_db, "postgresql", provider="aws"))
    write_binding(root, "admin", entries_for(pg_admin_url, "postgresql"))
    assert _ingest(_recipe(workdir))[0] == 0
    before = _catalogued(workdir)

    staging = entries_for(sample_db, "postgresql", provider="gcp")
    staging["host"] = "localhost"
    write_binding(root, "staging", staging)
    code, report = _ingest(_recipe(workdir))
    assert code == 1
    database = sa.make_url(sample_db).database
    (failure,) = report["failures"]  # type: ignore[misc]
    assert failure["title"] == "Bindings would share URNs"
    assert failure["context"] == "bindings prod, staging"
    assert failure["message"].startswith(
        f"prod, staging would write the same URNs (postgres database '{database}', no "
        "platform instance); none of them was ingested. Give each its own platform instance:")
    assert "platform_instance_by_name" in failure["message"]
    # Nothing of either was written: the catalog is what the first run left.
    assert _catalogued(workdir) == before


@pytest.mark.parametrize(
    ("config", "instances"),
    [
        ('    platform_instance: "{binding_name}"\n', ("prod", "staging")),
        ("    platform_instance_by_name: {prod: eu-prod, staging: eu-staging}\n",
         ("eu-prod", "eu-staging")),
        (('    platform_instance: "{host}-{port}"\n'
          "    platform_instance_by_name: {prod: eu-prod}\n"), ("eu-prod", "localhost-5432")),
    ],
)
def test_a_platform_instance_per_binding_keeps_them_apart(
    workdir: Path, root: Path, sample_db: str, config: str, instances: tuple[str, str]
) -> None:
    write_binding(root, "prod", entries_for(sample_db, "postgresql"))
    staging = entries_for(sample_db, "postgresql")
    staging["host"] = "localhost"
    write_binding(root, "staging", staging)
    code, report = _ingest(_recipe(workdir, config))
    assert code == 0, report
    assert report["datasets"] == 2 * 7
    database = sa.make_url(sample_db).database
    entries = list(read_entries(workdir / "catalog.db"))
    databases = {e.properties["binding_name"]: e for e in entries if e.subtypes == ["Database"]}
    assert set(databases) == {"prod", "staging"}
    assert len({e.urn for e in databases.values()}) == 2
    customers = sorted(e.urn for e in entries if e.name.endswith(".sales.customers"))
    assert customers == [
        f"urn:li:dataset:(urn:li:dataPlatform:postgres,{i}.{database}.sales.customers,PROD)"
        for i in instances]


def test_a_template_field_a_binding_lacks_fails_that_binding(
    workdir: Path, root: Path, sample_db: str
) -> None:
    write_binding(root, "with-provider", entries_for(sample_db, "postgresql", provider="aws"))
    write_binding(root, "without", entries_for(sample_db, "postgresql"))
    code, report = _ingest(_recipe(workdir, '    platform_instance: "{binding_provider}"\n'))
    assert code == 1
    assert [(f["title"], f["context"]) for f in report["failures"]] == [  # type: ignore[index]
        ("Binding not ingested", "binding without")]
    assert report["datasets"] == 7


@pytest.mark.parametrize(
    ("config", "problem"),
    [
        ('    platform_instance: "{cluster}"\n', "platform_instance: unknown field {cluster}"),
        ("    platform_instance: a,b\n", "platform instance 'a,b' must be"),
        ("    platform_instance_by_name: {prod: 'x y'}\n",
         "platform_instance_by_name.prod: platform instance 'x y' must be"),
    ],
)
def test_bad_platform_instances_are_bad_input(
    workdir: Path, root: Path, config: str, problem: str
) -> None:
    result = CliRunner().invoke(app, ["ingest", str(_recipe(workdir, config))])
    assert result.exit_code == 2
    assert problem in result.stderr
