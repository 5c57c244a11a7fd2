"""`catalog-sync pgadmin` through the real CLI: both modes, files and modes on disk, bad input."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from typer.testing import CliRunner

from catalog_sync.bindings import Binding
from catalog_sync.cli.main import app
from tests.pgadmin.conftest import GP_PASSWORD
from tests.support.backends import Backend
from tests.support.catalog import database_assets, lake_asset, write_catalog

runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["pgadmin", *args])
    return result.exit_code, result.output


def test_from_bindings_writes_servers_and_private_pgpass(workdir: Path, binding_root: Path) -> None:
    code, output = _run("--suffix", "ns1", "--from-bindings", "--binding-root", str(binding_root),
                        "--out", "servers.json", "--passfile-dir", "pgpass")
    assert code == 0, output
    servers = json.loads((workdir / "servers.json").read_text())["Servers"]
    assert [s["Name"] for s in servers.values()] == [
        "pg-infer/serving", "pg-noport/features", "gp-train/warehouse"]
    assert servers["3"]["ConnectionParameters"]["passfile"] == str(
        workdir / "pgpass" / "gp-train.pgpass")
    assert "PassFile" not in servers["3"] and "SSLMode" not in servers["3"]
    for name in ("gp-train", "pg-infer", "pg-noport"):
        mode = stat.S_IMODE((workdir / "pgpass" / f"{name}.pgpass").stat().st_mode)
        assert mode == 0o600, name
    assert stat.S_IMODE((workdir / "pgpass").stat().st_mode) == 0o700
    assert "no port; using 5432" in output
    assert GP_PASSWORD not in output and "s3cret" not in output
    # nothing but the finished files: no staged temp files left
    assert sorted(p.name for p in workdir.iterdir() if p.name.startswith(".")) == []
    # a second run gives the same bytes
    first = (workdir / "servers.json").read_bytes()
    assert _run("--suffix", "ns1", "--from-bindings", "--binding-root", str(binding_root),
                "--passfile-dir", "pgpass")[0] == 0
    assert (workdir / "servers.json").read_bytes() == first


def test_a_malformed_binding_is_left_out_and_named(workdir: Path, binding_root: Path) -> None:
    (binding_root / "pg-broken").mkdir()
    (binding_root / "pg-broken" / "type").write_text("postgresql")
    (binding_root / "pg-broken" / "port").write_text("54x2")
    code, output = _run("--suffix", "ns1", "--from-bindings", "--binding-root", str(binding_root),
                        "--out", "servers.json")
    assert code == 0, output
    servers = json.loads((workdir / "servers.json").read_text())["Servers"]
    assert "pg-broken" not in {s["Name"].split("/")[0] for s in servers.values()}
    assert "binding pg-broken" in output and "entry `port` is not a port number" in output
    assert "54x2" not in output


def test_binding_root_from_environment(workdir: Path, binding_root: Path, monkeypatch) -> None:
    from catalog_sync.settings import get_settings

    monkeypatch.setenv("SERVICE_BINDING_ROOT", str(binding_root))
    get_settings.cache_clear()
    code, output = _run("--suffix", "ns1", "--from-bindings")
    assert code == 0, output
    assert len(json.loads((workdir / "servers.json").read_text())["Servers"]) == 3


def test_invalid_suffix_one_line_nothing_written(workdir: Path, binding_root: Path) -> None:
    code, output = _run("--suffix", "bad suffix", "--from-bindings",
                        "--binding-root", str(binding_root))
    assert code == 2
    assert output.strip().splitlines() == [(
        "error: invalid suffix 'bad suffix': use 1-63 letters, digits, '.', '_', '-', "
        "starting with a letter or digit")]
    assert not (workdir / "servers.json").exists()


def test_unwritable_output_names_it_and_leaves_old_file(workdir: Path, binding_root: Path) -> None:
    (workdir / "servers.json").write_text("old")
    code, output = _run("--suffix", "ns1", "--from-bindings", "--binding-root", str(binding_root),
                        "--out", "missing/servers.json", "--passfile-dir", "pgpass")
    assert code == 2
    assert len(output.strip().splitlines()) == 1
    assert "cannot write missing/servers.json: folder missing does not exist" in output
    assert not (workdir / "pgpass").exists() or not any((workdir / "pgpass").iterdir())
    code, output = _run("--suffix", "ns1", "--from-bindings", "--binding-root", str(binding_root),
                        "--out", str(workdir))
    assert code == 2 and "is a directory" in output
    assert (workdir / "servers.json").read_text() == "old"


def test_no_matching_bindings_exit_1_no_file(workdir: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty-root"
    empty.mkdir()
    code, output = _run("--suffix", "ns1", "--from-bindings", "--binding-root", str(empty))
    assert code == 1
    assert output.strip().splitlines() == [
        (f"error: no PostgreSQL/Greenplum databases with a role tag (training, inference) "
        f"found in binding root {empty}")]
    assert not (workdir / "servers.json").exists()


def test_catalog_mode_resolves_tagged_databases_through_bindings(
    workdir: Path, backend: Backend, binding_root: Path
) -> None:
    """Catalog roles win over the rules: here the steward made pg-infer a training database."""
    gp = Binding(name="gp-train", type="greenplum", provider="vmware", host="gp.internal",
                 port=5432, database="warehouse", sslmode="require")
    pg = Binding(name="pg-infer", type="postgresql", host="pg.internal", port=5433,
                 database="serving", sslmode="verify-full")
    orphan = Binding(name="gone", type="postgresql", host="x", port=5432, database="y")
    _, gp_assets = database_assets(gp, ["public.images"], role="training")
    _, pg_assets = database_assets(pg, ["public.features"], role="training")
    _, orphan_assets = database_assets(orphan, ["public.t"], role="inference")
    write_catalog(backend, [*gp_assets, *pg_assets, *orphan_assets,
                            lake_asset("lake/cifar10", {"training"})])
    code, output = _run("--suffix", "prod", "--binding-root", str(binding_root),
                        "--passfile-dir", "pgpass")
    assert code == 0, output
    servers = list(json.loads((workdir / "servers.json").read_text())["Servers"].values())
    assert [(s["Name"], s["Group"], s["Port"], s["Username"]) for s in servers] == [
        ("gp-train/warehouse", "Server Group Training prod", 5432, "trainer"),
        ("pg-infer/serving", "Server Group Training prod", 5433, "svc"),
    ]
    assert "binding 'gone' named by the catalog is not under" in output
    assert (workdir / "pgpass" / "pg-infer.pgpass").read_text() == (
        "pg.internal:5433:serving:svc:s3cret\n")


def test_catalog_mode_without_databases_exit_1(
    workdir: Path, backend: Backend, binding_root: Path
) -> None:
    write_catalog(backend, [lake_asset("lake/cifar10", {"training"})])
    code, output = _run("--suffix", "prod", "--binding-root", str(binding_root))
    assert code == 1 and "found in the catalog" in output
    assert not (workdir / "servers.json").exists()
