"""`catalog-sync doctor` through the real CLI.

No DataHub GMS can run here: the GMS checks talk to the GMS stand-in (tests.support.gms, which
checks DataHub's contract), or to a local stdlib HTTP server that fails `GET /config` on purpose.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from catalog_sync.cli.main import app
from catalog_sync.redact import redact_url
from catalog_sync.settings import get_settings
from tests.support.gms import gms_standin

TOKEN = "doctor-token-7f3a9c"  # must never be printed
PASSWORD = "binding-pw-51e0d2"  # must never be printed


class _FailingGms(BaseHTTPRequestHandler):
    """Fails GET /config with `status` (on the server object), as a broken GMS or proxy would."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        server: Any = self.server
        server.seen.append((self.path, self.headers.get("Authorization")))
        status = server.status
        body = json.dumps({"versions": {"acryldata/datahub": {"version": "v1.7.0"}}}).encode()
        if status != 200:
            body = b"<html>error</html>"
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def fake_gms() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FailingGms)
    server.seen = []  # type: ignore[attr-defined]
    server.status = 200  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _doctor(*args: str) -> tuple[int, dict]:
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["doctor", "--json", *args])
    return result.exit_code, json.loads(result.stdout)


def _by_name(report: dict) -> dict[str, dict]:
    return {c["name"]: c for c in report["checks"]}


def _binding(root: Path, name: str, **entries: str) -> None:
    folder = root / name
    folder.mkdir(parents=True)
    for key, value in entries.items():
        (folder / key).write_text(value)


def test_fresh_workdir_passes_with_warnings(workdir: Path) -> None:
    code, report = _doctor()
    checks = _by_name(report)
    assert code == 0 and report["ok"] is True
    assert checks["catalog"]["status"] == "warn"
    assert "not created yet" in checks["catalog"]["detail"]
    assert checks["catalog"]["target"] == str(workdir / "catalog.db")
    assert checks["bindings"]["status"] == "warn"
    assert checks["tokens"]["status"] == "warn"
    assert checks["tags"]["status"] == "ok"
    assert "rules.yml" in checks["tags"]["detail"]


def test_embedded_catalog_after_ingest_is_counted(workdir: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["sample", "lake", "sample-lake"]).exit_code == 0
    assert runner.invoke(app, ["ingest", "recipes/lake.yml", "--json"]).exit_code == 0
    code, report = _doctor()
    catalog = _by_name(report)["catalog"]
    assert code == 0
    assert catalog["status"] == "ok"
    assert catalog["detail"].startswith("embedded DataHub Lite, ")
    assert int(catalog["detail"].split(", ")[1].split()[0]) >= 4  # 4 datasets at least


def test_corrupt_catalog_fails(workdir: Path) -> None:
    (workdir / "catalog.db").write_bytes(b"this is not sqlite" * 100)
    code, report = _doctor()
    assert code == 1 and report["ok"] is False
    assert _by_name(report)["catalog"]["status"] == "fail"


def test_binding_root_lists_bindings_without_secrets(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = workdir / "bindings"
    _binding(root, "training-db", type="greenplum", host="gp", password=PASSWORD)
    _binding(root, "notes")  # untyped: ignored with a warning
    (root / "notes" / "readme").write_text("x")
    monkeypatch.setenv("SERVICE_BINDING_ROOT", str(root))
    code, report = _doctor()
    bindings = _by_name(report)["bindings"]
    assert code == 0 and bindings["status"] == "ok"
    assert bindings["detail"] == (
        "1 typed bindings: training-db (greenplum); 1 untyped folders ignored"
    )
    result = CliRunner().invoke(app, ["doctor"])  # the table for people too
    assert result.exit_code == 0 and "training-db" in result.output
    assert PASSWORD not in result.output + json.dumps(report)


def test_missing_binding_root_fails(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SERVICE_BINDING_ROOT", str(workdir / "nowhere"))
    code, report = _doctor()
    bindings = _by_name(report)["bindings"]
    assert code == 1
    assert bindings["status"] == "fail"
    assert "nowhere" in bindings["detail"] and "not found" in bindings["detail"]


def test_token_file_readable_and_not_a_file(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tokens = workdir / "tokens.json"
    tokens.write_text("{}")
    monkeypatch.setenv("CATALOG_SYNC_TOKENS_FILE", str(tokens))
    code, report = _doctor()
    assert code == 0 and _by_name(report)["tokens"]["status"] == "ok"
    tokens.unlink()
    tokens.mkdir()
    code, report = _doctor()
    assert code == 1 and _by_name(report)["tokens"]["detail"] == "not a file"


def test_missing_tags_folder_fails(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CATALOG_SYNC_TAGS_DIR", str(workdir / "no-tags"))
    code, report = _doctor()
    assert code == 1 and _by_name(report)["tags"]["status"] == "fail"


def test_gms_reachable_runs_the_read_path_and_never_prints_the_token(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with gms_standin(token=TOKEN) as gms:
        monkeypatch.setenv("DATAHUB_GMS_URL", gms.url)
        monkeypatch.setenv("DATAHUB_GMS_TOKEN", TOKEN)
        get_settings.cache_clear()
        result = CliRunner().invoke(app, ["doctor", "--json"])
    catalog = _by_name(json.loads(result.stdout))["catalog"]
    assert result.exit_code == 0, result.output
    assert catalog["status"] == "ok" and catalog["target"] == gms.url
    assert "DataHub GMS v1.7.0" in catalog["detail"] and "reads work" in catalog["detail"]
    assert gms.requests[0].startswith("GET /config")
    assert any(r.startswith("POST /api/graphql") for r in gms.requests)  # a real search
    assert gms.violations == []
    assert TOKEN not in result.output


def test_gms_whose_reads_fail_is_a_failed_check(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/config answers, but the search comes back in another shape (another DataHub)."""
    def other_version(body: dict[str, Any]) -> dict[str, Any]:
        body["data"]["searchAcrossEntities"].pop("searchResults")
        return body

    with gms_standin(rewrite=other_version) as gms:
        monkeypatch.setenv("DATAHUB_GMS_URL", gms.url)
        code, report = _doctor()
    catalog = _by_name(report)["catalog"]
    assert code == 1 and catalog["status"] == "fail"
    assert "searchAcrossEntities.searchResults" in catalog["detail"]


@pytest.mark.parametrize(("status", "expected"), [(500, "HTTP 500"), (401, "refused")])
def test_gms_error_answers_fail(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, fake_gms: ThreadingHTTPServer,
    status: int, expected: str,
) -> None:
    fake_gms.status = status  # type: ignore[attr-defined]
    monkeypatch.setenv("DATAHUB_GMS_URL", f"http://127.0.0.1:{fake_gms.server_address[1]}/")
    code, report = _doctor()
    catalog = _by_name(report)["catalog"]
    assert code == 1 and catalog["status"] == "fail"
    assert expected in catalog["detail"]


def test_gms_unreachable_fails_fast(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATAHUB_GMS_URL", f"http://user:secret@127.0.0.1:{_free_port()}")
    code, report = _doctor("--timeout", "1")
    catalog = _by_name(report)["catalog"]
    assert code == 1 and catalog["status"] == "fail"
    assert "unreachable" in catalog["detail"]
    assert "secret" not in json.dumps(report)


def test_redact_url_keeps_host_port_and_path() -> None:
    assert redact_url("https://u:p@gms.example:8443/api") == "https://gms.example:8443/api"
    assert redact_url("http://gms:8080") == "http://gms:8080"
