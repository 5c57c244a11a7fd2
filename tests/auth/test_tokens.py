"""Token store and `catalog-sync token`: shown once, only hashes stored, scopes, revoke."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from catalog_sync.auth import Scope, TokenStore
from catalog_sync.cli.main import app
from catalog_sync.errors import BadInputError

runner = CliRunner()


def test_create_prints_once_and_stores_only_the_hash(workdir: Path) -> None:
    result = runner.invoke(app, ["token", "create", "--scope", "catalog:read",
                                 "--scope", "bindings:secrets", "--name", "pipeline"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert token.startswith("cst_")
    path = workdir / "tokens.json"  # default: beside the catalog
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    # the secret is everything after `cst_<id>_` (it may itself hold `_`)
    assert token not in text and token.split("_", 2)[-1] not in text
    (stored,) = json.loads(text)["tokens"]
    assert stored["name"] == "pipeline"
    assert stored["scopes"] == ["bindings:secrets", "catalog:read"]
    record = TokenStore(path).verify(token)
    assert record is not None and record.has(Scope.BINDINGS_SECRETS)
    listed = runner.invoke(app, ["token", "list", "--json"])
    assert json.loads(listed.stdout)[0]["name"] == "pipeline" and token not in listed.stdout


def test_verify_rejects_wrong_and_malformed_tokens(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "t.json")
    _, token = store.create(["catalog:read"])
    assert store.verify(token) is not None
    for bad in ("", "cst", token + "x", token[:-1], "cst_ffffffff_" + token.split("_", 2)[2],
                "Bearer " + token):
        assert store.verify(bad) is None, bad


def test_revoke_by_name_or_id(workdir: Path) -> None:
    store = TokenStore(workdir / "tokens.json")
    first, token = store.create(["catalog:read"], "a")
    second, _ = store.create(["catalog:read"], "b")
    assert runner.invoke(app, ["token", "revoke", "a"]).exit_code == 0
    assert store.verify(token) is None
    assert runner.invoke(app, ["token", "revoke", second.id]).exit_code == 0
    assert store.list() == []
    missing = runner.invoke(app, ["token", "revoke", "nope"])
    assert missing.exit_code == 2 and "no token" in missing.stderr
    assert first.id != second.id


def test_tokens_file_setting_and_bad_scopes(workdir: Path, monkeypatch: pytest.MonkeyPatch
                                            ) -> None:
    from catalog_sync.settings import get_settings

    monkeypatch.setenv("CATALOG_SYNC_TOKENS_FILE", str(workdir / "elsewhere" / "t.json"))
    get_settings.cache_clear()
    assert runner.invoke(app, ["token", "create", "--scope", "catalog:read"]).exit_code == 0
    assert (workdir / "elsewhere" / "t.json").is_file()
    bad = runner.invoke(app, ["token", "create", "--scope", "admin"])
    assert bad.exit_code == 2 and "unknown scope 'admin'" in bad.stderr
    with pytest.raises(BadInputError):
        TokenStore(workdir / "x.json").create([])
    (workdir / "broken.json").write_text("{not json")
    with pytest.raises(BadInputError, match="broken.json"):
        TokenStore(workdir / "broken.json").verify("cst_00000000_x")
