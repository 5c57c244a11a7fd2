"""Resolution core: tags (+ type, provider, binding name) -> exactly one binding -> Connection."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog_sync.discovery import (
    AmbiguousMatchError,
    BindingMissingError,
    NoMatchError,
    connection_for,
    database_bindings,
    resolve_one,
)
from catalog_sync.errors import BadInputError
from catalog_sync.store import CatalogStore
from tests.support.backends import Backend
from tests.support.catalog import sample_catalog, write_binding


@pytest.fixture
def catalog(backend: Backend) -> CatalogStore:
    sample_catalog(backend)
    return backend.store()


def test_training_tag_resolves_to_the_greenplum_binding(catalog: CatalogStore) -> None:
    found = resolve_one(catalog, ["training"])
    assert found.name == "gp-train"
    assert (found.type, found.provider, found.host, found.port) == (
        "greenplum", "vmware", "gp.internal", 5432)
    assert found.database == "warehouse" and found.sslmode == "require"
    # the database container and both tables point at it; the lake dataset has no binding
    assert len(found.assets) == 3
    assert "training" in found.tags and "servicebinding:type:greenplum" in found.tags


def test_many_matches_raise_with_candidates(catalog: CatalogStore) -> None:
    with pytest.raises(AmbiguousMatchError) as caught:
        resolve_one(catalog, ["inference"])
    assert [c.name for c in caught.value.candidates] == ["pg-infer", "pg-infer-2"]
    assert resolve_one(catalog, ["inference"], provider="gcp").name == "pg-infer-2"
    assert resolve_one(catalog, ["inference"], name="pg-infer").name == "pg-infer"


def test_type_alias_and_no_match(catalog: CatalogStore) -> None:
    assert len(database_bindings(catalog, ["inference"], type="postgres")) == 2
    with pytest.raises(NoMatchError) as caught:
        resolve_one(catalog, ["training"], type="postgresql")
    # what the tags alone matched is shown, so the wrong type is visible
    assert [c.name for c in caught.value.candidates] == ["gp-train"]
    assert database_bindings(catalog, ["no-such-tag"]) == []


def test_binding_name_is_validated(catalog: CatalogStore) -> None:
    for bad in ("../etc", "a/b", ".."):
        with pytest.raises(BadInputError):
            database_bindings(catalog, [], name=bad)


def test_connection_takes_user_and_password_from_the_binding_root(
    catalog: CatalogStore, tmp_path: Path
) -> None:
    root = tmp_path / "bindings"
    write_binding(root, "gp-train", {"type": "greenplum", "host": "gp.internal", "port": "5432",
                                     "database": "warehouse", "username": "loader",
                                     "password": "s3cret"})
    conn = connection_for(resolve_one(catalog, ["training"]), root)
    assert conn.username == "loader"
    assert conn.password is not None and conn.password.get_secret_value() == "s3cret"
    assert conn.sslmode == "require"  # from the catalog when the binding has none
    assert "s3cret" not in repr(conn)
    with pytest.raises(BindingMissingError):
        connection_for(resolve_one(catalog, ["inference"], provider="aws"), root)
    assert connection_for(resolve_one(catalog, ["training"]), None).username is None


def test_a_binding_catalogued_without_a_type_resolves_with_the_catalogs(
    catalog: LiteCatalog, tmp_path: Path
) -> None:
    """An operator's secret (no `type` entry) catalogued through `binding_types_by_name`."""
    root = tmp_path / "bindings"
    write_binding(root, "gp-train", {"host": "gp.internal", "user": "loader", "dbname": "w",
                                     "password": "s3cret"})
    conn = connection_for(resolve_one(catalog, ["training"]), root)
    assert (conn.type, conn.username, conn.database) == ("greenplum", "loader", "w")


def test_a_password_linked_out_of_the_binding_root_is_never_read(
    catalog: LiteCatalog, tmp_path: Path
) -> None:
    shadow = tmp_path / "shadow"
    shadow.write_text("root:$6$not-a-password$:19000:0:99999:7:::\n")
    root = tmp_path / "bindings"
    folder = write_binding(root, "gp-train", {"type": "greenplum", "username": "loader"})
    (folder / "password").symlink_to(shadow)
    with pytest.raises(BadInputError) as caught:
        connection_for(resolve_one(catalog, ["training"]), root)
    assert str(caught.value) == ("binding 'gp-train': entry `password` links outside the "
                                 "binding root")
