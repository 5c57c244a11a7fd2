"""Each operator's secret, laid out as Kubernetes projects it, read as a binding: aliases and
URIs land under the spec's names, and agreeing entries raise no warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog_sync.bindings import Binding, read_bindings
from tests.support.bindings import (
    bitnami_service_binding,
    cloudnativepg_app,
    crunchy_pgo_user,
    project_secret,
    stackgres_binding,
)

PASSWORD = "p@ss:w/rd{x}"  # characters the operators' URI encoders must escape


def _read(root: Path, **kwargs: object) -> tuple[list[Binding], list[tuple[str, str]]]:
    warnings: list[tuple[str, str]] = []
    found = read_bindings(root, warn=lambda where, message: warnings.append((where, message)),
                          **kwargs)  # type: ignore[arg-type]
    return found, warnings


def test_cloudnativepg_app_secret_needs_its_type_from_the_recipe(tmp_path: Path) -> None:
    project_secret(tmp_path, "pg-app", cloudnativepg_app("pg", "prod", "app", "app", PASSWORD))
    found, warnings = _read(tmp_path)
    assert found == []
    assert warnings == [(str(tmp_path / "pg-app"), "binding folder has no `type` entry; ignored")]

    (binding,), warnings = _read(tmp_path, types_by_name={"pg-app": "postgresql"})
    assert warnings == []  # `user` = `username`; the URIs' namespaced host qualifies `host`
    assert (binding.type, binding.host, binding.port, binding.database, binding.username) == (
        "postgresql", "pg-rw", 5432, "app", "app")
    assert binding.password is not None and binding.password.get_secret_value() == PASSWORD
    assert binding.provider is None


def test_crunchy_pgo_user_secret(tmp_path: Path) -> None:
    project_secret(tmp_path, "hippo", crunchy_pgo_user("hippo", "pgo", "rhino", PASSWORD, "zoo"))
    (binding,), warnings = _read(tmp_path, types_by_name={"hippo": "postgres"})
    assert warnings == []
    assert (binding.type, binding.host, binding.port, binding.database, binding.username) == (
        "postgresql", "hippo-primary.pgo.svc", 5432, "zoo", "rhino")
    assert binding.password is not None and binding.password.get_secret_value() == PASSWORD


def test_bitnami_service_binding_secret(tmp_path: Path) -> None:
    project_secret(tmp_path, "shop", bitnami_service_binding("shop", "app", "s3cret", "shop"))
    (binding,), warnings = _read(tmp_path)
    assert warnings == []
    assert binding.coordinates() == {
        "binding_name": "shop", "binding_type": "postgresql", "binding_provider": "bitnami",
        "host": "shop-postgresql", "port": "5432", "database": "shop"}


def test_bitnami_uri_with_a_raw_special_password_is_a_named_conflict(tmp_path: Path) -> None:
    """Bitnami's printf'd `uri` does not escape the password: `@` or `/` in it moves the host
    and database the URI seems to give. The entries win; the disagreement is said by name."""
    project_secret(tmp_path, "shop", bitnami_service_binding("shop", "app", "a@b/c", "shop"))
    (binding,), warnings = _read(tmp_path)
    assert binding.host == "shop-postgresql" and binding.database == "shop"
    assert binding.password is not None and binding.password.get_secret_value() == "a@b/c"
    assert warnings and all("a@b" not in m and "/c" not in m for _, m in warnings)
    assert any("`host`, `uri` disagree on the host" in m for _, m in warnings)


@pytest.mark.parametrize("database", ["sales", None])
def test_stackgres_binding_secret_gives_the_database_only_in_its_uri(
    tmp_path: Path, database: str | None
) -> None:
    project_secret(tmp_path, "sg", stackgres_binding("sg", "data", "postgres", "pw", database))
    (binding,), warnings = _read(tmp_path)
    assert warnings == []
    assert (binding.provider, binding.host, binding.database) == ("stackgres", "sg.data", database)
