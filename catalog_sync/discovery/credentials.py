"""Whether a resolved connection carries its password, and if not, why: a connection without
credentials that looks complete only fails later, in a pipeline, as a confusing auth error."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from catalog_sync.errors import BadInputError

if TYPE_CHECKING:
    from catalog_sync.discovery.resolve import Connection

SCOPE_REQUIRED = "scope bindings:secrets required"
NO_PASSWORD = "binding has no password"
NO_BINDING_ROOT = "no binding root (SERVICE_BINDING_ROOT) to read the user and password from"


@dataclass(frozen=True, slots=True)
class PasswordStatus:
    """`included`, else the `reason` (one of the constants above)."""

    included: bool
    reason: str | None = None


def password_status(
    conn: Connection, *, secrets: bool, binding_root: Path | None
) -> PasswordStatus:
    """What a renderer called with `secrets` gives for `conn`, read from a `binding_root`."""
    if binding_root is None and conn.username is None and conn.password is None:
        return PasswordStatus(False, NO_BINDING_ROOT)
    if not secrets:
        return PasswordStatus(False, SCOPE_REQUIRED)
    if conn.password is None or not conn.password.get_secret_value():
        return PasswordStatus(False, NO_PASSWORD)
    return PasswordStatus(True)


class NoCredentialsError(BadInputError):
    """The CLI refuses to print or project a connection without its password (exit 2)."""

    def __init__(self, binding: str, reason: str) -> None:
        super().__init__(
            f"binding {binding!r}: no password in this connection ({reason}); fix that, or pass "
            "--no-password to get the connection without one"
        )
        self.binding = binding
        self.reason = reason
