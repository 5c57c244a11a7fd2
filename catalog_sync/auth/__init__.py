"""Bearer tokens with scopes (`catalog:read`, `bindings:secrets`, `tags:write`)."""

from __future__ import annotations

from catalog_sync.auth.tokens import (
    Scope,
    TokenFileError,
    TokenRecord,
    TokenStore,
    parse_scopes,
)

__all__ = ["Scope", "TokenFileError", "TokenRecord", "TokenStore", "parse_scopes"]
