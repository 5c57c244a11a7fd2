"""CSRF: every form carries the session's secret in a hidden `csrf` field, checked on POST.

The secret lives only in the signed, HttpOnly, SameSite=Strict session cookie and in the pages
rendered for that session; another site can neither read it nor make the browser send the
cookie with its own form, so a forged POST fails either way.
"""

from __future__ import annotations

import hmac

from catalog_sync.web.session import Session

FIELD = "csrf"


class CsrfError(Exception):
    """A POST whose form field does not match its session's secret."""

    message = "this form has expired or did not come from this site: reload the page and retry"


def check(session: Session | None, submitted: str | None) -> None:
    """Raise CsrfError unless `submitted` is this session's secret."""
    if session is None or not submitted or not hmac.compare_digest(session.csrf, submitted):
        raise CsrfError(CsrfError.message)
