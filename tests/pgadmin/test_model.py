"""pgAdmin group options: what the API's schema accepts, the parser accepts."""

from __future__ import annotations

import re

import pytest

from catalog_sync.api.params import GroupOption
from catalog_sync.errors import BadInputError
from catalog_sync.pgadmin.model import parse_group


@pytest.mark.parametrize("option", ["T5\x96=\x1d", "training=\x85Group", " a = b "])
def test_a_group_the_api_schema_accepts_is_parsed(option: str) -> None:
    """Both count only ASCII blanks as blank (str.strip() also drops U+001C-U+001F, U+0085);
    schemathesis found a schema-valid group answered 422 before they agreed."""
    assert re.search(GroupOption.__metadata__[0].pattern, option)
    role, template = parse_group(option)
    assert role and template


@pytest.mark.parametrize("option", ["training=", "=Group", "training= \t"])
def test_a_group_without_role_or_name_is_refused(option: str) -> None:
    assert not re.search(GroupOption.__metadata__[0].pattern, option)
    with pytest.raises(BadInputError, match="expected ROLE=GROUP NAME"):
        parse_group(option)
