"""Reading a binding root: hidden entries skipped, links kept inside the root, files capped,
aliases and URIs, disagreements named, and one malformed folder failing alone, never with its
value in the message."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from catalog_sync.bindings import BindingError, BindingRootError, read_bindings
from catalog_sync.bindings.folder import MAX_ENTRY_BYTES
from tests.support.bindings import project_secret

SECRET = "Qv7-never-printed-9zK"


def _folder(root: Path, name: str, entries: dict[str, str | bytes]) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    for key, value in entries.items():
        (folder / key).write_bytes(value.encode() if isinstance(value, str) else value)
    return folder


def _errors(root: Path) -> tuple[list[str], dict[str, str]]:
    errors: dict[str, str] = {}
    found = read_bindings(root, on_error=lambda err: errors.__setitem__(err.name, str(err)))
    return [b.name for b in found], errors


def test_plain_and_kubernetes_layouts_read_alike(tmp_path: Path) -> None:
    entries = {"type": "Postgres", "host": "db", "port": "6432", "username": "u",
               "password": SECRET, "database": "d", "sslmode": "require"}
    _folder(tmp_path, "plain", {k: v + "\n" for k, v in entries.items()})
    project_secret(tmp_path, "k8s", dict(entries))
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "stray-file").write_text("type")
    plain, k8s = read_bindings(tmp_path)
    assert (plain.name, k8s.name) == ("k8s", "plain")
    assert plain.coordinates() | {"binding_name": "x"} == k8s.coordinates() | {
        "binding_name": "x"}
    assert k8s.type == "postgresql" and k8s.port == 6432 and k8s.sslmode == "require"


def test_uri_only_binding_and_jdbc_uri(tmp_path: Path) -> None:
    _folder(tmp_path, "a", {"type": "postgresql",
                            "uri": "postgresql://us%40er:p%2Fw@h1:5433/db%201?sslmode=verify-full"})
    _folder(tmp_path, "b", {"type": "postgresql",
                            "jdbc-uri": "jdbc:postgresql://h2/db2?password=a+b&user=u2"})
    a, b = read_bindings(tmp_path)
    assert (a.host, a.port, a.database, a.username, a.sslmode) == (
        "h1", 5433, "db 1", "us@er", "verify-full")
    assert a.password is not None and a.password.get_secret_value() == "p/w"
    assert (b.host, b.port, b.database, b.username) == ("h2", None, "db2", "u2")
    assert b.password is not None and b.password.get_secret_value() == "a b"


def test_aliases_lose_to_spec_names_and_disagreements_are_named(tmp_path: Path) -> None:
    _folder(tmp_path, "db", {"type": "postgresql", "username": "alice", "user": "bob",
                             "dbname": "x", "host": "h",
                             "uri": f"postgresql://carol:{SECRET}@other:5432/y",
                             "password": "different"})
    warnings: list[str] = []
    (binding,) = read_bindings(tmp_path, warn=lambda _where, message: warnings.append(message))
    assert (binding.username, binding.database, binding.host) == ("alice", "x", "h")
    assert binding.password is not None and binding.password.get_secret_value() == "different"
    assert sorted(warnings) == [
        "entries `dbname`, `uri` disagree on the database; using `dbname`",
        "entries `host`, `uri` disagree on the host; using `host`",
        "entries `password`, `uri` disagree on the password; using `password`",
        "entries `username`, `uri`, `user` disagree on the username; using `username`",
    ]


@pytest.mark.parametrize(
    ("entries", "problem"),
    [
        ({"port": "54x2"}, "entry `port` is not a port number (1-65535)"),
        ({"port": "70000"}, "entry `port` is not a port number (1-65535)"),
        ({"uri": f"postgresql://u:{SECRET}@[fe80::1/db"}, "entry `uri` is not a valid URI"),
        ({"uri": f"postgresql://u:{SECRET}@h:54x2/db"}, "entry `uri` is not a valid URI"),
        ({"uri": f"{SECRET}"}, "entry `uri` is not a valid URI"),
        ({"uri": f"postgresql://u:{SECRET}@h1:1,h2:2/db"}, "entry `uri` names several hosts"),
        ({"host": b"\xef\xbb\xbfdb.internal"}, "entry `host` starts with a byte-order mark"),
        ({"password": b"\xff\xfe" + SECRET.encode()}, "entry `password` is not UTF-8 text"),
        ({"port": "5" * (MAX_ENTRY_BYTES + 1)}, "entry `port` is larger than 64 KiB"),
        ({"sslmode": SECRET}, "entry `sslmode` is not one of"),
        ({"host": f"db\n{SECRET}"}, "entry `host` holds control characters"),
    ],
)
def test_a_malformed_binding_fails_alone_and_never_echoes_a_value(
    tmp_path: Path, entries: dict[str, str | bytes], problem: str
) -> None:
    _folder(tmp_path, "bad", {"type": "postgresql", "host": "h", **entries})
    _folder(tmp_path, "good", {"type": "postgresql", "host": "h"})
    names, errors = _errors(tmp_path)
    assert names == ["good"]
    assert list(errors) == ["bad"] and problem in errors["bad"]
    assert errors["bad"].startswith("binding 'bad': ")
    assert SECRET not in errors["bad"] and "54x2" not in errors["bad"]


def test_links_are_followed_only_inside_the_root(tmp_path: Path) -> None:
    root, outside = tmp_path / "root", tmp_path / "outside"
    outside.mkdir()
    (outside / "shadow").write_text(f"root:{SECRET}:19000::::::\n")
    _folder(root, "escapes", {"type": "postgresql", "host": "h"})
    (root / "escapes" / "password").symlink_to(outside / "shadow")
    _folder(root, "relative", {"type": "postgresql", "host": "h"})
    (root / "relative" / "ca.crt").symlink_to("../../outside/shadow")  # even unread entries
    (root / "linked-folder").symlink_to(outside)
    _folder(root, "dangling", {"type": "postgresql"})
    (root / "dangling" / "host").symlink_to("..data/host")
    _folder(root, "inside", {"type": "postgresql", "host": "h"})
    (root / "inside" / "password").symlink_to("../relative/host")  # another binding's: inside
    os.mkfifo(root / "inside-fifo-holder")  # not a folder: not a binding
    _folder(root, "fifo", {"type": "postgresql"})
    os.mkfifo(root / "fifo" / "host")
    names, errors = _errors(root)
    assert names == ["inside"]
    assert errors == {
        "dangling": "binding 'dangling': entry `host` is unreadable (No such file or directory)",
        "escapes": "binding 'escapes': entry `password` links outside the binding root",
        "fifo": "binding 'fifo': entry `host` is not a regular file",
        "linked-folder": "binding 'linked-folder': the folder links outside the binding root",
        "relative": "binding 'relative': entry `ca.crt` links outside the binding root",
    }


def test_unused_entries_are_never_opened(tmp_path: Path) -> None:
    """A binary keystore or a large CA bundle beside the coordinates does not matter."""
    _folder(tmp_path, "db", {"type": "postgresql", "host": "h",
                             "keystore.p12": b"\x30\x82\xff\xfe" * 40_000,
                             "ca.crt": "-----BEGIN CERTIFICATE-----\n" * 5_000})
    (binding,) = read_bindings(tmp_path)
    assert binding.host == "h"


def test_filters_apply_before_the_rest_is_read(tmp_path: Path) -> None:
    _folder(tmp_path, "redis", {"type": "redis", "port": "not-read"})
    _folder(tmp_path, "other-provider", {"type": "postgresql", "provider": "x", "port": "no"})
    _folder(tmp_path, "pg", {"type": "postgresql", "provider": "aws", "host": "h"})
    (binding,) = read_bindings(tmp_path, types={"postgres"}, providers={"aws"})
    assert binding.name == "pg"


def test_the_folders_type_wins_over_the_recipes(tmp_path: Path) -> None:
    _folder(tmp_path, "gp", {"type": "greenplum", "host": "h"})
    warnings: list[str] = []
    (binding,) = read_bindings(tmp_path, types_by_name={"gp": "postgresql"},
                               warn=lambda _w, message: warnings.append(message))
    assert binding.type == "greenplum"
    assert warnings == [
        "the folder's `type` differs from binding_types_by_name; using the folder's"]


def test_by_default_a_malformed_binding_raises_and_a_bad_root_is_one_error(
    tmp_path: Path
) -> None:
    _folder(tmp_path, "bad", {"type": "postgresql", "port": "x"})
    with pytest.raises(BindingError, match="entry `port`"):
        read_bindings(tmp_path)
    with pytest.raises(BindingRootError, match="not found"):
        read_bindings(tmp_path / "missing")
