"""API tokens: random bearer tokens shown once; only their SHA-256 is stored.

Token text is `cst_<id>_<secret>`. The id (not secret) finds the record; the digest of the whole
token is compared with `hmac.compare_digest`, so timing says nothing about the stored hash. The
file is rewritten atomically with mode 0600 and re-read when it changes, so `token revoke`
takes effect on a running server without a restart.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import tempfile
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from catalog_sync.errors import BadInputError

logger = logging.getLogger(__name__)

_PREFIX = "cst"


class TokenFileError(BadInputError):
    """The token file exists but cannot be read; at the API edge this is 503, not 4xx."""


class Scope(StrEnum):
    CATALOG_READ = "catalog:read"
    BINDINGS_SECRETS = "bindings:secrets"
    USAGE_WRITE = "usage:write"  # record in the catalog which pipeline read what (--as)
    TAGS_WRITE = "tags:write"  # a steward's tag edits on the web page


@dataclass(frozen=True, slots=True)
class TokenRecord:
    """What is stored about a token: never the token itself."""

    id: str
    name: str
    scopes: tuple[str, ...]
    digest: str
    created: str

    def has(self, scope: Scope) -> bool:
        return scope.value in self.scopes

    def public(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "scopes": list(self.scopes),
                "created": self.created}


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def parse_scopes(values: list[str]) -> tuple[str, ...]:
    """Validated, de-duplicated scopes; an unknown one is bad input naming it."""
    known = {s.value for s in Scope}
    for value in values:
        if value not in known:
            raise BadInputError(f"unknown scope {value!r}; use one of {', '.join(sorted(known))}")
    return tuple(sorted(set(values)))


class TokenStore:
    """The token file (`CATALOG_SYNC_TOKENS_FILE`, default `tokens.json` beside the catalog)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._cache: tuple[tuple[int, int] | None, dict[str, TokenRecord]] = (None, {})
        self._lock = threading.Lock()

    def _stamp(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def _records(self) -> dict[str, TokenRecord]:
        stamp = self._stamp()
        cached_stamp, records = self._cache
        if stamp == cached_stamp:
            return records
        records = {}
        if stamp is not None:
            try:
                raw = json.loads(self.path.read_text())
                for item in raw.get("tokens", []):
                    item["scopes"] = tuple(item["scopes"])
                    records[item["id"]] = TokenRecord(**item)
            except (OSError, ValueError, TypeError, KeyError) as err:
                raise TokenFileError(f"{self.path}: not a readable token file ({err})") from err
        self._cache = (stamp, records)
        return records

    def _save(self, records: dict[str, TokenRecord]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        body = {"tokens": [asdict(r) for r in records.values()]}
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tokens-")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w") as handle:
                json.dump(body, handle, indent=2)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self._cache = (None, {})

    def create(self, scopes: list[str], name: str | None = None) -> tuple[TokenRecord, str]:
        """A new token; the returned text is the only copy there will ever be."""
        wanted = parse_scopes(scopes)
        if not wanted:
            raise BadInputError("a token needs at least one --scope")
        with self._lock:
            records = dict(self._records())
            token_id = secrets.token_hex(4)
            while token_id in records:
                token_id = secrets.token_hex(4)
            token = f"{_PREFIX}_{token_id}_{secrets.token_urlsafe(32)}"
            record = TokenRecord(
                id=token_id, name=name or token_id, scopes=wanted, digest=_digest(token),
                created=datetime.now(UTC).isoformat(timespec="seconds"),
            )
            records[token_id] = record
            self._save(records)
        logger.info("token %s (%s) created with scopes %s", record.id, record.name,
                    ",".join(wanted))
        return record, token

    def list(self) -> list[TokenRecord]:
        return sorted(self._records().values(), key=lambda r: (r.created, r.id))

    def revoke(self, id_or_name: str) -> TokenRecord:
        with self._lock:
            records = dict(self._records())
            hits = [r for r in records.values() if id_or_name in (r.id, r.name)]
            if not hits:
                raise BadInputError(f"no token with id or name {id_or_name!r} in {self.path}")
            if len(hits) > 1:
                raise BadInputError(f"{len(hits)} tokens are named {id_or_name!r}; revoke by id")
            del records[hits[0].id]
            self._save(records)
        logger.info("token %s (%s) revoked", hits[0].id, hits[0].name)
        return hits[0]

    def record(self, token_id: str) -> TokenRecord | None:
        """The current record of a token id, else None (a web session re-checks it on every
        request, so `token revoke` ends the session)."""
        return self._records().get(token_id)

    def verify(self, token: str) -> TokenRecord | None:
        """The record of a valid token, else None. Never logs the token."""
        parts = token.split("_", 2)
        if len(parts) != 3 or parts[0] != _PREFIX:
            return None
        record = self._records().get(parts[1])
        if record is None:
            # Compare anyway so an unknown id costs the same as a wrong secret.
            hmac.compare_digest(_digest(token), _digest(""))
            return None
        return record if hmac.compare_digest(_digest(token), record.digest) else None
