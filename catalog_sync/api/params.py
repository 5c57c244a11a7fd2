"""Query parameter types whose OpenAPI schema is exactly what the routes accept.

Every rule a route would check by hand (a blank tag, a binding name with `..`, an sslmode libpq
does not know, a pgAdmin group template) is a pattern or enum here instead, so FastAPI checks
it, the spec publishes it, and a request valid by the spec is never answered 422.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import StringConstraints

from catalog_sync.pgadmin.model import EMAIL_PATTERN
from catalog_sync.usage.aspects import PIPELINE_MAX, PIPELINE_PATTERN

MAX_TEXT = 200

# A tag to search or resolve by: 1-200 characters, not all blank (unknown ones match nothing).
# Blank means ASCII whitespace: Python's \s also counts U+0085 and friends, JSON Schema's
# (ECMAScript's) does not, and the two must agree.
NON_BLANK = r"[^\t\n\x0b\x0c\r ]"
TagName = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT, pattern=NON_BLANK)]

# catalog_sync.bindings.validate_binding_name: a single folder name, no `..`.
BindingName = Annotated[str, StringConstraints(
    max_length=253, pattern=r"^[A-Za-z0-9](?:[A-Za-z0-9_-]|\.[A-Za-z0-9_-])*\.?$")]

# catalog_sync.usage.aspects.Pipeline: NAMESPACE/NAME or NAMESPACE.NAME.
PipelineName = Annotated[str, StringConstraints(max_length=PIPELINE_MAX,
                                                pattern=PIPELINE_PATTERN)]

# catalog_sync.pgadmin.model: SSL_MODES and the suffix rule.
SslMode = Literal["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]
Suffix = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")]
ServerModeEmail = Annotated[str, StringConstraints(max_length=254, pattern=EMAIL_PATTERN)]

# ROLE=NAME where NAME is plain text or holds `{suffix}` once, sized so that the group name
# stays within pgAdmin's 128 characters whatever the suffix: up to 64 characters, or up to 32
# on each side of `{suffix}`. (The CLI's `--group` allows any template within 128.)
GroupOption = Annotated[str, StringConstraints(
    max_length=200,
    pattern=r"^[^=]*[^=\t\n\x0b\x0c\r ][^=]*=[\t\n\x0b\x0c\r ]*"
    r"(?:[^{}\t\n\x0b\x0c\r ][^{}]{0,63}|[^{}]{0,32}\{suffix\}[^{}]{0,32})$")]
