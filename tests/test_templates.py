"""User templates are data: `{name}` placeholders only, never Python's format mini-language."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog_sync.errors import BadInputError, TagRulesError
from catalog_sync.pgadmin.model import PGADMIN_NAME_MAX, group_names
from catalog_sync.tagging import decide_tags, load_tag_set
from catalog_sync.templates import TemplateError, fill, placeholders

HOSTILE = ["{suffix:>50000000}", "{suffix.__class__.__mro__}", "{suffix!r}", "{suffix[0]}",
           "{0}", "{}", "a { b", "a } b", "{{suffix}}"]


@pytest.mark.parametrize("template", HOSTILE)
def test_anything_but_a_bare_placeholder_is_refused(template: str) -> None:
    with pytest.raises(TemplateError, match="placeholder|brace"):
        placeholders(template, allowed=("suffix",))


def test_values_are_inserted_verbatim() -> None:
    assert placeholders("Group {suffix} of {suffix}") == ["suffix", "suffix"]
    assert fill("G {suffix}", {"suffix": "{x.__class__}"}) == "G {x.__class__}"
    assert fill("G {other}", {"suffix": "x"}) is None


@pytest.mark.parametrize("template", HOSTILE[:4])
def test_pgadmin_group_names_refuse_format_specs_naming_the_value(template: str) -> None:
    with pytest.raises(BadInputError) as caught:
        group_names("ns1", [f"inference={template}"])
    assert template in str(caught.value)


def test_pgadmin_group_names_are_capped_at_pgadmins_length() -> None:
    long = "x" * (PGADMIN_NAME_MAX - len(" ns1"))
    assert group_names("ns1", [f"inference={long} {{suffix}}"])["inference"] == f"{long} ns1"
    with pytest.raises(BadInputError, match=f"at most {PGADMIN_NAME_MAX}"):
        group_names("ns1", [f"inference={long}x {{suffix}}"])


def test_a_tag_rule_template_with_attribute_access_does_not_load(tmp_path: Path) -> None:
    (tmp_path / "rules.yml").write_text(
        "rules:\n  - name: leak\n    match: {source: lake}\n"
        "    add: ['type:{source.__class__.__mro__}']\n")
    with pytest.raises(TagRulesError, match="is not a placeholder"):
        load_tag_set(tmp_path)


def test_a_fact_value_with_braces_is_a_value(tmp_path: Path) -> None:
    (tmp_path / "rules.yml").write_text(
        "rules:\n  - name: t\n    match: {binding_type: '*'}\n"
        "    add: ['servicebinding:type:{binding_type}']\n")
    decided = decide_tags({"binding_type": "{table}"}, load_tag_set(tmp_path))
    assert decided.tags == {"servicebinding:type:{table}"}
