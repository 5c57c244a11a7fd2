"""The pure generator: bindings -> roles by the tag rules -> servers.json bytes and pgpass lines."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from catalog_sync.errors import BadInputError
from catalog_sync.pgadmin import ExportOptions, NoServersError, export_from_bindings
from catalog_sync.pgadmin.model import group_names
from catalog_sync.pgadmin.pgpass import escape
from tests.pgadmin.conftest import GP_PASSWORD
from tests.support.catalog import write_binding

REPO = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden" / "servers.json"
TAGS = REPO / "tags"


class Warnings(list[tuple[str, str]]):
    def __call__(self, context: str, message: str) -> None:
        self.append((context, message))


def test_servers_json_matches_golden(binding_root: Path) -> None:
    """Roles come from tags/rules.yml (greenplum -> training, postgresql -> inference)."""
    options = ExportOptions(suffix="ns1", passfile_dir="/pgpass")
    rendered = export_from_bindings(options, binding_root, TAGS, Warnings()).render()
    if os.environ.get("CATALOG_SYNC_UPDATE_GOLDEN"):
        GOLDEN.write_bytes(rendered)
    assert rendered == GOLDEN.read_bytes()


def test_same_input_same_bytes_whatever_the_folder_order(binding_root: Path,
                                                         tmp_path: Path) -> None:
    options = ExportOptions(suffix="ns1", passfile_dir="/pgpass")
    first = export_from_bindings(options, binding_root, TAGS, Warnings())
    # the same bindings created in the opposite order (os.listdir order differs)
    other = tmp_path / "other"
    for folder in sorted(binding_root.iterdir(), reverse=True):
        (other / folder.name).mkdir(parents=True)
        for entry in folder.iterdir():
            (other / folder.name / entry.name).write_bytes(entry.read_bytes())
    second = export_from_bindings(options, other, TAGS, Warnings())
    assert first.render() == second.render()
    assert first.pgpass_files() == second.pgpass_files()


def test_fields_ports_sslmodes_and_warnings(binding_root: Path) -> None:
    warnings = Warnings()
    result = export_from_bindings(ExportOptions(suffix="ns1"), binding_root, TAGS, warnings)
    by_name = {s.name: s for s in result.servers}
    assert sorted(by_name) == ["gp-train/warehouse", "pg-infer/serving", "pg-noport/features"]
    gp, pg, noport = (by_name[n] for n in sorted(by_name))
    assert (gp.group, gp.host, gp.port, gp.username, gp.sslmode) == (
        "Server Group Training ns1", "gp.internal", 5432, "trainer", "require")
    # uri-only binding: everything from the uri
    assert (pg.group, pg.host, pg.port, pg.maintenance_db, pg.username, pg.sslmode) == (
        "Server Group Inference ns1", "pg.internal", 5433, "serving", "svc", "verify-full")
    # no port -> 5432 with a warning; no sslmode -> the default
    assert (noport.port, noport.sslmode) == (5432, "prefer")
    assert ("binding pg-noport", "no port; using 5432") in warnings
    # without a passfile dir there is no PassFile and no pgpass
    assert all(s.passfile is None for s in result.servers) and not result.pgpass_files()
    assert all(GP_PASSWORD not in m and "s3cret" not in m for _, m in warnings)


def test_default_sslmode_is_configurable(binding_root: Path) -> None:
    options = ExportOptions(suffix="ns1", default_sslmode="disable")
    result = export_from_bindings(options, binding_root, TAGS, Warnings())
    assert {s.name: s.sslmode for s in result.servers}["pg-noport/features"] == "disable"
    with pytest.raises(BadInputError, match="'sometimes'"):
        export_from_bindings(ExportOptions(suffix="ns1", default_sslmode="sometimes"),
                             binding_root, TAGS, Warnings())


def test_pgpass_lines_escape_colon_and_backslash(binding_root: Path) -> None:
    options = ExportOptions(suffix="ns1", passfile_dir="/pgpass")
    result = export_from_bindings(options, binding_root, TAGS, Warnings())
    files = result.pgpass_files()
    assert sorted(files) == ["gp-train.pgpass", "pg-infer.pgpass", "pg-noport.pgpass"]
    assert files["gp-train.pgpass"] == b"gp.internal:5432:warehouse:trainer:tr\\:ain\\\\er\n"
    assert files["pg-infer.pgpass"] == b"pg.internal:5433:serving:svc:s3cret\n"
    assert escape("a\\:b") == "a\\\\\\:b"
    assert b"s3cret" not in result.render() and GP_PASSWORD.encode() not in result.render()
    assert "s3cret" not in repr(result)


def test_group_option_maps_other_roles_and_renames(binding_root: Path) -> None:
    groups = group_names("ns1", ["training=GP {suffix}", "adhoc=Ad hoc"])
    assert groups == {"training": "GP ns1", "inference": "Server Group Inference ns1",
                      "adhoc": "Ad hoc"}
    options = ExportOptions(suffix="ns1", groups=("inference=Serving",))
    result = export_from_bindings(options, binding_root, TAGS, Warnings())
    assert sorted({s.group for s in result.servers}) == ["Server Group Training ns1", "Serving"]


@pytest.mark.parametrize("bad", ["", "has space", "-lead", "x" * 64, "a/b", "ns{1}"])
def test_invalid_suffix_is_refused(bad: str, binding_root: Path) -> None:
    with pytest.raises(BadInputError, match="invalid suffix"):
        export_from_bindings(ExportOptions(suffix=bad), binding_root, TAGS, Warnings())


@pytest.mark.parametrize("bad", ["training", "=x", "training={namespace}"])
def test_invalid_group_option_is_refused(bad: str) -> None:
    with pytest.raises(BadInputError, match="--group"):
        group_names("ns1", [bad])


def test_no_matching_bindings_is_a_clear_error(tmp_path: Path) -> None:
    """Only an S3 and an untyped binding: nothing pgAdmin can open, so nothing to list."""
    root = tmp_path / "bindings"
    write_binding(root, "lake-s3", {"type": "s3", "bucket": "lake"})
    write_binding(root, "untyped", {"host": "nowhere"})
    with pytest.raises(NoServersError, match=f"no PostgreSQL/Greenplum databases .* {root}"):
        export_from_bindings(ExportOptions(suffix="ns1"), root, TAGS, Warnings())


def test_pgadmin_7_format_connection_parameters_tags_and_shared(binding_root: Path) -> None:
    options = ExportOptions(suffix="ns1", passfile_dir="/pgpass", sslrootcert="/ca.crt",
                            connect_timeout=5, shared=True)
    result = export_from_bindings(options, binding_root, TAGS, Warnings())
    gp = {s.name: s for s in result.servers}["gp-train/warehouse"].to_json()
    assert gp["ConnectionParameters"] == {"sslmode": "require",
                                          "passfile": "/pgpass/gp-train.pgpass",
                                          "sslrootcert": "/ca.crt", "connect_timeout": 5}
    assert "SSLMode" not in gp and "PassFile" not in gp
    assert gp["Tags"] == [{"color": "#2CA02C", "text": "training"}]
    assert gp["Shared"] is True


def test_server_mode_passfiles_are_relative_to_the_users_storage(binding_root: Path) -> None:
    options = ExportOptions(suffix="ns1", passfile_dir="pgpass", server_mode="admin@example.com")
    result = export_from_bindings(options, binding_root, TAGS, Warnings())
    paths = {s.name: s.passfile for s in result.servers}
    assert paths["gp-train/warehouse"] == "/pgpass/gp-train.pgpass"
    with pytest.raises(BadInputError, match="--server-mode 'nobody'"):
        export_from_bindings(ExportOptions(suffix="ns1", server_mode="nobody"), binding_root,
                             TAGS, Warnings())
