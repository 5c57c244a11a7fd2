"""Web sessions: a server-signed cookie naming a token id, never the token, re-checked per request.

Sign-in turns a `catalog:read` token into a cookie holding the token's id, a fingerprint of its
stored digest and a per-session CSRF secret, signed (and time-stamped) with the server's key by
itsdangerous. The token text itself is never stored: a leaked cookie cannot be replayed as a
bearer token on `/v1`. Every request looks the id up in the token file again, so `catalog-sync
token revoke` (or a re-created token with the same id) ends the session at once, and one key
file shared by all workers means any worker accepts any session.

Before sign-in the same cookie carries only a CSRF secret, so the sign-in form is protected by
the same check as every other form (catalog_sync.web.csrf).
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from catalog_sync.auth import TokenRecord, TokenStore
from catalog_sync.settings import Settings

COOKIE = "catalog_sync_session"
MAX_AGE_SECONDS = 8 * 3600  # a working day; sign in again after
_SALT = "catalog-sync web session"


@dataclass(frozen=True, slots=True)
class Session:
    """One browser's state: its CSRF secret, and the token it signed in with (if any)."""

    csrf: str
    token_id: str | None = None
    fingerprint: str | None = None


def fingerprint(record: TokenRecord) -> str:
    """Binds a session to one token record without carrying its digest."""
    return hashlib.sha256(f"session:{record.digest}".encode()).hexdigest()[:32]


def session_key(settings: Settings) -> str:
    """CATALOG_SYNC_SESSION_SECRET, else `session.key` beside the token file, created once
    (exclusively, mode 0600) so every worker and every restart signs with the same key."""
    if settings.session_secret is not None:
        return settings.session_secret.get_secret_value()
    path = settings.tokens_path.with_name("session.key")
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker won the race
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(48))
    return Path(path).read_text().strip()


class Sessions:
    """Reads and writes the session cookie; checks the signed-in token against the token file."""

    def __init__(self, key: str, tokens: TokenStore) -> None:
        self._serializer = URLSafeTimedSerializer(key, salt=_SALT)
        self._tokens = tokens

    def read(self, request: Request) -> Session | None:
        """The request's session if its cookie is present, signed by us and not expired."""
        raw = request.cookies.get(COOKIE)
        if not raw:
            return None
        try:
            data = self._serializer.loads(raw, max_age=MAX_AGE_SECONDS)
        except BadSignature:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("c"), str):
            return None
        return Session(csrf=data["c"], token_id=data.get("t"), fingerprint=data.get("f"))

    def caller(self, session: Session | None) -> TokenRecord | None:
        """The token record a session signed in with, if it still exists unchanged."""
        if session is None or session.token_id is None:
            return None
        record = self._tokens.record(session.token_id)
        if record is None or session.fingerprint != fingerprint(record):
            return None
        return record

    @staticmethod
    def anonymous() -> Session:
        return Session(csrf=secrets.token_urlsafe(24))

    @staticmethod
    def signed_in(record: TokenRecord) -> Session:
        """A fresh session (new CSRF secret: none from before sign-in stays valid)."""
        return Session(csrf=secrets.token_urlsafe(24), token_id=record.id,
                       fingerprint=fingerprint(record))

    def write(self, request: Request, response: Response, session: Session) -> None:
        data = {"c": session.csrf}
        if session.token_id is not None:
            data |= {"t": session.token_id, "f": session.fingerprint or ""}
        response.set_cookie(
            COOKIE, self._serializer.dumps(data), max_age=MAX_AGE_SECONDS, path="/",
            httponly=True, samesite="strict", secure=request.url.scheme == "https",
        )

    @staticmethod
    def clear(request: Request, response: Response) -> None:
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict",
                               secure=request.url.scheme == "https")
