"""Bad input and faults: a missing binding root stops with one line; a malformed binding, or a
database that is down, refuses the password or times out, is reported failed while the others
are ingested, and what the catalog already held for it stays as it was."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from catalog_sync.cli.main import app
from catalog_sync.store.lite.index import read_entries
from tests.sources.database.conftest import PASSWORD, entries_for, write_binding
from tests.support.postgres import free_port


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["ingest", *args])
    return result.exit_code, result.stdout, result.stderr


def test_missing_binding_root_is_one_line(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SERVICE_BINDING_ROOT", str(workdir / "nowhere"))
    code, _, err = _run("recipes/inference.yml")
    assert code == 2
    assert err.strip().splitlines() == [
        f"error: recipes/inference.yml: source.config: binding root {workdir / 'nowhere'}: not found"
    ]
    assert not (workdir / "catalog.db").exists()


@pytest.mark.parametrize(
    ("entries", "problem"),
    [
        ({"port": "54x2"}, "entry `port` is not a port number"),
        ({"uri": f"postgresql://u:{PASSWORD}@[db.internal/shop"}, "entry `uri` is not a valid URI"),
        ({"host": b"\xff\xfe"}, "entry `host` is not UTF-8 text"),
        ({"host": b"\xef\xbb\xbf127.0.0.1"}, "entry `host` starts with a byte-order mark"),
        ({"port": "5" * 200_000}, "entry `port` is larger than 64 KiB"),
        ({"password": "/etc/shadow"}, "entry `password` links outside the binding root"),
    ],
)
def test_a_malformed_binding_is_one_failed_binding(
    workdir: Path, root: Path, sample_db: str, pg_admin_url: str, entries: dict[str, object],
    problem: str
) -> None:
    """Ingested once while sound, then broken: the run fails that binding by folder name
    (exit 1), still ingests the others, echoes no value, and keeps what the catalog held."""
    shop = sa.make_url(sample_db).database or ""
    folder = write_binding(root, "shop", entries_for(sample_db, "postgresql", password=PASSWORD))
    assert _run("recipes/inference.yml")[0] == 0
    before = _shop_entries(workdir, shop)
    write_binding(root, "admin", entries_for(pg_admin_url, "postgresql"))
    for key, value in entries.items():
        (folder / key).unlink(missing_ok=True)
        if key == "password":
            (folder / key).symlink_to(str(value))
        else:
            (folder / key).write_bytes(value if isinstance(value, bytes) else str(value).encode())
    code, out, err = _run("recipes/inference.yml", "--json")
    assert code == 1, err
    report = json.loads(out)
    assert [(f["title"], f["context"]) for f in report["failures"]] == [
        ("Binding not read", "binding shop")]
    assert problem in report["failures"][0]["message"]
    for value in (PASSWORD, "54x2", "db.internal", "55555"):
        assert value not in out + err
    admin = sa.make_url(pg_admin_url).database
    assert any(e.name == admin for e in read_entries(workdir / "catalog.db"))
    assert _shop_entries(workdir, shop) == before


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts TCP connections but never answers: the connect times out."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield sock.getsockname()[1]


def _shop_entries(workdir: Path, database: str) -> dict[str, object]:
    return {
        e.urn: (e.name, e.tags, e.properties, e.removed, len(e.fields))
        for e in read_entries(workdir / "catalog.db", include_removed=True)
        if e.properties.get("database") == database
    }


def test_failed_databases_are_reported_and_leave_the_catalog_alone(
    workdir: Path, root: Path, sample_db: str, pg_admin_url: str, silent_port: int
) -> None:
    shop = sa.make_url(sample_db).database or ""
    write_binding(root, "shop", entries_for(sample_db, "postgresql"))
    code, _, _ = _run("recipes/inference.yml")
    assert code == 0
    before = _shop_entries(workdir, shop)
    assert len(before) == 7 + 5  # datasets, the database and its schemas (`public` too)

    # Now the shop database is down; two more bindings: one fine, one that times out.
    (root / "shop" / "port").write_text(str(free_port()))
    write_binding(root, "admin", entries_for(pg_admin_url, "postgresql"))
    write_binding(root, "stuck", {"type": "postgresql", "host": "127.0.0.1",
                                  "port": str(silent_port), "password": PASSWORD})
    recipe = workdir / "fast.yml"
    recipe.write_text((workdir / "recipes/inference.yml").read_text().replace(
        "connect_timeout: 10", "connect_timeout: 2"))
    code, out, err = _run(str(recipe), "--json")
    assert code == 1
    report = json.loads(out)
    failures = {f["context"]: f["message"] for f in report["failures"]}
    assert set(failures) == {"binding shop", "binding stuck"}
    assert "Connection refused" in failures["binding shop"]
    assert "timeout" in failures["binding stuck"]
    assert PASSWORD not in out + err
    # The admin database was ingested (the others did not stop it)...
    admin = sa.make_url(pg_admin_url).database
    assert any(e.name == admin for e in read_entries(workdir / "catalog.db"))
    # ...and nothing catalogued for the failed one was removed or altered.
    assert _shop_entries(workdir, shop) == before


@pytest.mark.slow
def test_wrong_password_is_reported_without_the_password(
    workdir: Path, root: Path, password_pg: str, sample_db: str
) -> None:
    """Needs a server that checks passwords: `password_pg` starts one (the shared one trusts)."""
    write_binding(root, "features", entries_for(password_pg, "postgresql", password="wrong-1"))
    write_binding(root, "shop", entries_for(sample_db, "postgresql"))
    code, out, err = _run("recipes/inference.yml", "--json")
    assert code == 1
    report = json.loads(out)
    assert [f["context"] for f in report["failures"]] == ["binding features"]
    assert "password authentication failed" in report["failures"][0]["message"]
    assert "wrong-1" not in out + err
    assert report["datasets"] == 7


def test_url_and_binding_options_are_exclusive(workdir: Path) -> None:
    recipe = workdir / "both.yml"
    recipe.write_text("source:\n  type: catalog-sync-database\n  config:\n"
                      f"    url: postgresql://u:{PASSWORD}@h/db\n    binding_root: /x\n")
    code, out, err = _run(str(recipe))
    assert code == 2
    assert err.strip().splitlines() == [
        f"error: {recipe}: source.config: url: cannot be combined with binding_root"]
    assert PASSWORD not in out + err
