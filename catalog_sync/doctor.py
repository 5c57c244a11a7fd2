"""`catalog-sync doctor`: which catalog, binding root, token file and tags are in use, and whether
each can be reached, so a deployment is checked before a job or the API depends on it.

Every check is read-only: it never creates the catalog, never writes a token and never prints a
secret (the GMS token is sent, never shown; URLs lose any user:password part).
"""

from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import httpx

from catalog_sync.bindings.reader import read_bindings
from catalog_sync.errors import CatalogSyncError
from catalog_sync.redact import redact_url
from catalog_sync.settings import Settings

# GMS answers GET /config without authentication when it is up; the body names its version.
GMS_CONFIG_PATH = "/config"
DEFAULT_TIMEOUT = 3.0


class Status(StrEnum):
    """`fail` on a required check makes the exit code 1; `warn` never does."""

    OK = "ok"
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True, slots=True)
class Check:
    """One thing in use (`target`: a path or URL without credentials) and what was found."""

    name: str
    target: str
    status: Status
    detail: str
    required: bool = True

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["status"] = str(self.status)
        return data


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """All checks; healthy when no required check failed."""

    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return not any(c.required and c.status is Status.FAIL for c in self.checks)

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "checks": [c.as_dict() for c in self.checks]}


def _gms_version(body: Any) -> str | None:
    versions = body.get("versions") if isinstance(body, dict) else None
    if not isinstance(versions, dict):
        return None
    for info in versions.values():
        if isinstance(info, dict) and info.get("version"):
            return str(info["version"])
    return None


def check_gms(url: str, token: str | None, *, timeout: float = DEFAULT_TIMEOUT) -> Check:
    """GET {url}/config with a short timeout; the token goes in a header and nowhere else."""
    shown = redact_url(url)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    started = time.perf_counter()
    try:
        response = httpx.get(url.rstrip("/") + GMS_CONFIG_PATH, headers=headers, timeout=timeout)
    except httpx.TimeoutException:
        return Check("catalog", shown, Status.FAIL, f"DataHub GMS: no answer within {timeout:g}s")
    except httpx.HTTPError as err:
        # Only a connect error's text is shown: it is the OS's ("Connection refused"); other
        # httpx errors may quote the URL, credentials included.
        reason = f"{type(err).__name__}: {err}" if isinstance(err, httpx.ConnectError) else (
            type(err).__name__)
        return Check("catalog", shown, Status.FAIL, f"DataHub GMS unreachable ({reason})")
    millis = (time.perf_counter() - started) * 1000
    if response.status_code in (401, 403):
        hint = "check DATAHUB_GMS_TOKEN" if token else "set DATAHUB_GMS_TOKEN"
        return Check("catalog", shown, Status.FAIL,
                     f"DataHub GMS refused the request (HTTP {response.status_code}); {hint}")
    if response.status_code != 200:
        return Check("catalog", shown, Status.FAIL,
                     f"DataHub GMS answered HTTP {response.status_code} on {GMS_CONFIG_PATH}")
    try:
        version = _gms_version(response.json())
    except ValueError:
        return Check("catalog", shown, Status.FAIL,
                     f"{GMS_CONFIG_PATH} did not answer JSON: is this a DataHub GMS?")
    named = f" {version}" if version else ""
    # /config answers even when reads fail (a wrong token, an incompatible DataHub): run the
    # read the API and `resolve` run, a one-entry search page and its batch aspect read.
    from catalog_sync.store.gms.store import GmsStore

    store = GmsStore(server=url, token=token, timeout=timeout)
    try:
        store.check()
    except CatalogSyncError as err:
        return Check("catalog", shown, Status.FAIL, f"DataHub GMS{named}: {err}")
    finally:
        store.close()
    return Check("catalog", shown, Status.OK,
                 f"DataHub GMS{named} answered in {millis:.0f} ms; search and entity reads work")


def check_lite_catalog(path: Path) -> Check:
    """The embedded catalog: readable if it exists; not yet created is fine if it can be."""
    if not path.exists():
        parent = next((p for p in (path.parent, *path.parent.parents) if p.exists()), Path("."))
        if os.access(parent, os.W_OK):
            return Check("catalog", str(path), Status.WARN,
                         "embedded DataHub Lite: not created yet (the first ingest creates it)")
        return Check("catalog", str(path), Status.FAIL,
                     f"embedded DataHub Lite: missing, and {parent} is not writable")
    from catalog_sync.store.lite.sql import LiteFile

    try:
        with LiteFile(path) as lite:
            count = lite.entity_count()
    except CatalogSyncError as err:
        return Check("catalog", str(path), Status.FAIL, f"embedded DataHub Lite: {err}")
    return Check("catalog", str(path), Status.OK, f"embedded DataHub Lite, {count} entities")


def check_binding_root(root: Path | None) -> Check:
    """Unset is allowed (a lake-only deployment); set means it must be readable."""
    if root is None:
        return Check("bindings", "(SERVICE_BINDING_ROOT not set)", Status.WARN,
                     "no binding root: database recipes and resolve need one", required=False)
    warnings: list[str] = []
    try:
        bindings = read_bindings(root, warn=lambda where, _msg: warnings.append(where))
    except CatalogSyncError as err:
        return Check("bindings", str(root), Status.FAIL, str(err))
    listed = ", ".join(f"{b.name} ({b.type})" for b in bindings) or "none"
    detail = f"{len(bindings)} typed bindings: {listed}"
    if warnings:
        detail += f"; {len(warnings)} untyped folders ignored"
    status = Status.OK if bindings else Status.WARN
    return Check("bindings", str(root), status, detail)


def check_tokens(path: Path) -> Check:
    """The API's token file: missing means every /v1 request gets 401, which is a warning."""
    if not path.exists():
        return Check("tokens", str(path), Status.WARN,
                     "not found: `catalog-sync token create` makes it; the API refuses every "
                     "token until then", required=False)
    if not path.is_file():
        return Check("tokens", str(path), Status.FAIL, "not a file")
    try:
        size = len(path.read_bytes())
    except OSError as err:
        return Check("tokens", str(path), Status.FAIL, f"unreadable ({err.strerror or err})")
    return Check("tokens", str(path), Status.OK, f"readable ({size} bytes)")


def check_tags(path: Path) -> Check:
    """Ingestion tags by the rules in this folder; without it no recipe can run."""
    if not path.is_dir():
        return Check("tags", str(path), Status.FAIL, "tags folder not found")
    files = sorted(p.name for p in path.glob("*.yml"))
    if not files:
        return Check("tags", str(path), Status.FAIL, "no *.yml files in the tags folder")
    return Check("tags", str(path), Status.OK, ", ".join(files))


def diagnose(settings: Settings, *, timeout: float = DEFAULT_TIMEOUT) -> Diagnosis:
    """Run every check against the settings in force (GMS when DATAHUB_GMS_URL is set)."""
    if settings.gms_url:
        token = settings.gms_token.get_secret_value() if settings.gms_token else None
        catalog = check_gms(settings.gms_url, token, timeout=timeout)
    else:
        catalog = check_lite_catalog(settings.catalog)
    return Diagnosis((
        catalog,
        check_binding_root(settings.binding_root),
        check_tokens(settings.tokens_path),
        check_tags(settings.tags_dir),
    ))
