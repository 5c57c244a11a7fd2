"""The catalog store's reads, the same cases on both backends (embedded file, GMS stand-in)."""

from __future__ import annotations

import pytest

from catalog_sync.store import AssetQuery, EntityKind
from tests.store.conftest import Populated


def _names(query: AssetQuery, populated: Populated) -> set[str]:
    return {e.name for e in populated.store.scan(query)}


def test_tags_all_any_none(populated: Populated) -> None:
    training = _names(AssetQuery(all_tags=frozenset({"training", "data lake"})), populated)
    assert training == {f"lake/set{i:03d}" for i in range(0, 100, 2)}
    clouds = _names(AssetQuery(any_tags=frozenset({"aws", "gcp"})), populated)
    assert clouds == {f"lake/set{i:03d}" for i in range(100) if i % 3 in (0, 1)}
    no_lake = _names(AssetQuery(all_tags=frozenset({"training"}),
                                no_tags=frozenset({"data lake"})), populated)
    assert no_lake == {f"gp-train.warehouse.public.t{i:02d}" for i in range(30)}
    assert _names(AssetQuery(all_tags=frozenset({"no such tag"})), populated) == set()


def test_platform_subtype_and_kind(populated: Populated) -> None:
    tables = AssetQuery(platform="postgres", subtype="Table", kind=EntityKind.ALL)
    assert len(_names(tables, populated)) == 30
    containers = populated.store.search(AssetQuery(all_tags=frozenset({"training"}),
                                                   kind=EntityKind.CONTAINER))
    assert [e.entity_type for e in containers.items] == ["container"]
    assert containers.items[0].properties["binding_name"] == "gp-train"


def test_text_matches_a_word_of_the_name(populated: Populated) -> None:
    assert _names(AssetQuery(text="set042"), populated) == {"lake/set042"}


@pytest.mark.parametrize("size", [1, 7, 50])
def test_pages_have_no_overlap_and_no_gap(populated: Populated, size: int) -> None:
    query = AssetQuery(all_tags=frozenset({"training"}), limit=size)
    seen: list[str] = []
    offset = 0
    while True:
        page = populated.store.search(AssetQuery(
            all_tags=query.all_tags, offset=offset, limit=size))
        assert page.total == 80 and page.offset == offset and len(page.items) <= size
        seen += [e.urn for e in page.items]
        offset += size
        if offset >= page.total:
            break
    assert len(seen) == len(set(seen)) == 80  # no overlap, no gap
    assert seen == sorted(seen)  # URN order on both backends
    assert set(seen) == {e.urn for e in populated.store.scan(query)}


def test_one_entry_and_tag_counts(populated: Populated) -> None:
    page = populated.store.search(AssetQuery(text="set004"))
    (entry,) = page.items
    got = populated.store.get(entry.urn)
    assert got is not None and got.tags == ["data lake", "gcp", "training"]
    assert got.properties == {"file_count": "1"}
    assert populated.store.get("urn:li:dataset:(urn:li:dataPlatform:file,nope,PROD)") is None
    assert populated.store.get("not a urn") is None
    counts = {c.name: c.count for c in populated.store.tag_counts()}
    # 50 lake datasets, 30 tables and their database container
    assert counts["training"] == 81
    assert counts["data lake"] == 100 and counts["aws"] == 34
    populated.store.check()


def test_soft_deleted_assets_are_not_read(populated: Populated) -> None:
    from datahub.emitter.mcp import MetadataChangeProposalWrapper
    from datahub.metadata.schema_classes import StatusClass

    urn = next(e.urn for e in populated.store.scan(AssetQuery(text="set010")))
    populated.backend.write([MetadataChangeProposalWrapper(
        entityUrn=urn, aspect=StatusClass(removed=True)).as_workunit()])
    store = populated.backend.store()  # a fresh one: no cached answer
    assert store.get(urn) is None
    assert urn not in {e.urn for e in store.scan(AssetQuery(all_tags=frozenset({"training"})))}
    assert {c.name: c.count for c in store.tag_counts()}["training"] == 80
