"""Each operator's secret, exactly as the operator writes it and Kubernetes mounts it, reaches a
real PostgreSQL that checks passwords: CloudNativePG and Crunchy PGO (no `type`, named in the
recipe), Bitnami and StackGres (typed). Nothing disagrees, no secret is printed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from catalog_sync.store.lite.index import read_entries
from catalog_sync.cli.main import app
from tests.sources.database.conftest import PASSWORD
from tests.support.bindings import (
    bitnami_service_binding,
    cloudnativepg_app,
    crunchy_pgo_user,
    project_secret,
    stackgres_binding,
)


@pytest.mark.slow
def test_operator_secrets_are_ingested(
    workdir: Path, password_pg: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = workdir / "bindings"
    port = sa.make_url(password_pg).port or 5432
    # `localhost`: the operators' URIs qualify the host (`localhost.prod`), as they do for a
    # Service name; the `host` entry is what is reached.
    project_secret(root, "pg-app", cloudnativepg_app(
        "pg", "prod", "postgres", "postgres", PASSWORD, host="localhost", port=port))
    project_secret(root, "hippo-pguser", crunchy_pgo_user(
        "hippo", "pgo", "postgres", PASSWORD, "postgres", host="localhost", port=port))
    project_secret(root, "shop-svcbind", bitnami_service_binding(
        "shop", "postgres", PASSWORD, "postgres", host="localhost", port=port))
    project_secret(root, "sg-binding", stackgres_binding(
        "sg", "data", "postgres", PASSWORD, None, host="localhost", port=port))
    monkeypatch.setenv("SERVICE_BINDING_ROOT", str(root))
    recipe = workdir / "operators.yml"
    recipe.write_text(
        "source:\n  type: catalog-sync-database\n  config:\n    binding_types: [postgresql]\n"
        "    binding_types_by_name: {pg-app: postgresql, hippo-pguser: postgres}\n"
        '    platform_instance: "{binding_name}"\n'
    )
    result = CliRunner().invoke(app, ["ingest", str(recipe), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["warnings"] == [] and report["failures"] == []
    assert report["datasets"] == 4  # the `features` table, once per binding
    databases = {e.properties["binding_name"]: e for e in read_entries(workdir / "catalog.db")
                 if e.subtypes == ["Database"]}
    assert {name: (e.properties.get("binding_provider"), e.tags) for name, e in
            databases.items()} == {
        "pg-app": (None, ["inference", "servicebinding:type:postgresql"]),
        "hippo-pguser": (None, ["inference", "servicebinding:type:postgresql"]),
        "shop-svcbind": ("bitnami", ["inference", "servicebinding:provider:bitnami",
                                     "servicebinding:type:postgresql"]),
        "sg-binding": ("stackgres", ["inference", "servicebinding:provider:stackgres",
                                     "servicebinding:type:postgresql"]),
    }
    assert {e.properties["host"] for e in databases.values()} == {"localhost"}
    assert PASSWORD not in result.output
    assert PASSWORD.encode() not in (workdir / "catalog.db").read_bytes()
