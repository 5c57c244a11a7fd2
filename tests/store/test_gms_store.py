"""The GMS backend against the stand-in: DataHub's client calls, a fixed number of requests per
page, PATCH tag edits that keep a steward's concurrent edit, and one clear line for every fault.

No GMS runs here: `tests.support.gms` checks every request against DataHub's GraphQL schema and
its aspect models, and answers from what was written; a violation fails the test.
"""

from __future__ import annotations

import pytest
from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.metadata.schema_classes import TagAssociationClass
from datahub.specific.aspect_helpers.tags import HasTagsPatch

from catalog_sync.errors import CatalogContractError, CatalogUnavailableError
from catalog_sync.settings import Settings, get_settings
from catalog_sync.store import AssetQuery, EntityKind, TagEdit, open_store
from catalog_sync.store.gms.store import GmsStore
from tests.store.conftest import Populated
from tests.support.backends import Backend
from tests.support.postgres import free_port

GMS_ONLY = pytest.mark.parametrize("backend", ["gms"], indirect=True)


def _gms(backend: Backend):  # type: ignore[no-untyped-def]
    assert backend.gms is not None
    return backend.gms


@GMS_ONLY
def test_a_page_costs_at_most_three_requests(populated: Populated) -> None:
    gms = _gms(populated.backend)
    before = len(gms.requests)
    page = populated.store.search(AssetQuery(all_tags=frozenset({"training"}),
                                             kind=EntityKind.ALL, limit=100))
    assert len(page.items) == 81  # 50 lake datasets, 30 tables, their database
    sent = gms.requests[before:]
    assert len(sent) <= 3, sent  # the search, then one batch read per entity type
    assert sum(r.startswith("POST /api/graphql") for r in sent) == 1


@GMS_ONLY
def test_tags_are_filtered_by_exact_urn_through_datahubs_filter_dsl(populated: Populated) -> None:
    gms = _gms(populated.backend)
    populated.store.search(AssetQuery(all_tags=frozenset({"servicebinding:type:greenplum"}),
                                      no_tags=frozenset({"deprecated"}), kind=EntityKind.ALL))
    sent = gms.graphql[-1]["variables"]["input"]
    criteria = sent["orFilters"][0]["and"]
    assert {"field": "tags", "condition": "EQUAL",
            "values": ["urn:li:tag:servicebinding:type:greenplum"]} in criteria
    assert {"field": "tags", "condition": "EQUAL", "values": ["urn:li:tag:deprecated"],
            "negated": True} in criteria
    assert {"field": "removed", "condition": "EQUAL", "values": ["true"],
            "negated": True} in criteria  # soft-deleted entities never read
    assert sent["query"] == "*" and sent["types"] == ["DATASET", "CONTAINER"]


@GMS_ONLY
def test_pages_past_gms_search_window_come_from_datahubs_scroll(
    populated: Populated, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page past the window (here made small: the stand-in holds 130 datasets) is still the
    same page, in the same order, from DataHub's scroll sorted by URN."""
    from catalog_sync.store.gms import search as gms_search

    store = populated.store
    expected = [e.urn for e in store.search(AssetQuery(offset=40, limit=30)).items]
    monkeypatch.setattr(gms_search, "MAX_RESULT_WINDOW", 50)  # the test's own window
    deep = GmsStore(server=_gms(populated.backend).url).search(AssetQuery(offset=40, limit=30))
    assert [e.urn for e in deep.items] == expected and deep.total == 130
    beyond = GmsStore(server=_gms(populated.backend).url).search(AssetQuery(offset=500))
    assert beyond.items == [] and beyond.total == 130


@GMS_ONLY
def test_a_steward_edit_between_read_and_write_is_kept(populated: Populated) -> None:
    urn = next(populated.store.scan(AssetQuery(text="set001"))).urn
    before = populated.store.tag_associations(urn)
    # A steward adds `pii` in DataHub's UI after we read and before we write.
    steward = HasTagsPatch(urn).add_tag(TagAssociationClass("urn:li:tag:pii"))
    populated.backend.write(mcp.as_workunit() if isinstance(mcp, MetadataChangeProposalWrapper)
                            else _raw(mcp) for mcp in steward.build())
    populated.store.edit_tags([TagEdit(urn, add=(
        TagAssociationClass("urn:li:tag:gold", context='{"addedBy": "manual"}'),),
        remove=("urn:li:tag:gcp",))])
    after = {a.tag for a in populated.store.tag_associations(urn)}
    assert {a.tag for a in before} == {"urn:li:tag:data lake", "urn:li:tag:gcp"}
    assert after == {"urn:li:tag:data lake", "urn:li:tag:pii", "urn:li:tag:gold"}
    proposals = [p for p in _gms(populated.backend).proposals if p["entityUrn"] == urn]
    assert {p["changeType"] for p in proposals[-2:]} == {"PATCH"}  # never a full overwrite


def _raw(mcp):  # type: ignore[no-untyped-def]
    from datahub.ingestion.api.workunit import MetadataWorkUnit

    return MetadataWorkUnit(id=f"{mcp.entityUrn}-patch", mcp_raw=mcp)


@GMS_ONLY
def test_an_answer_in_another_shape_names_the_field(populated: Populated) -> None:
    gms = _gms(populated.backend)

    def older(body):  # type: ignore[no-untyped-def]
        body["data"]["searchAcrossEntities"].pop("total", None)
        return body

    gms.rewrite = older
    with pytest.raises(CatalogContractError, match="searchAcrossEntities.total"):
        populated.store.search(AssetQuery(text="set002"))
    gms.rewrite = None


def test_unreachable_gms_is_one_line_naming_server() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    store = GmsStore(server=url, token="s3cret-token", timeout=2)
    with pytest.raises(CatalogUnavailableError) as caught:
        store.search(AssetQuery())
    message = str(caught.value)
    assert url in message and "unreachable" in message and "\n" not in message
    assert "s3cret-token" not in message


@GMS_ONLY
def test_a_refused_token_is_one_line_with_the_status(populated: Populated) -> None:
    gms = _gms(populated.backend)
    gms.token = "right"
    wrong = GmsStore(server=gms.url, token="wrong-token-value")
    with pytest.raises(CatalogUnavailableError) as caught:
        wrong.check()
    assert "HTTP 401" in str(caught.value) and "wrong-token-value" not in str(caught.value)
    right = GmsStore(server=gms.url, token="right")
    right.check()


def test_gms_is_chosen_when_its_url_is_set() -> None:
    settings = Settings(DATAHUB_GMS_URL="http://gms:8080")  # type: ignore[call-arg]
    assert open_store(settings).kind == "gms"
    assert open_store(Settings()).kind == "lite"
    with pytest.raises(ValueError, match="not both"):
        GmsStore(server="http://gms:8080", token="t", graph=object())  # type: ignore[arg-type]


@GMS_ONLY
def test_reads_are_cached_within_a_window_and_an_edit_here_shows_at_once(
        populated: Populated) -> None:
    """The API keys its page cache on `generation`: a repeat in the same window costs GMS
    nothing, and a tag edit made through this store changes the generation."""
    gms, store = _gms(populated.backend), populated.store
    query = AssetQuery(all_tags=frozenset({"training"}), limit=10)
    first, generation = store.search(query), store.generation  # type: ignore[attr-defined]
    before = len(gms.requests)
    assert store.search(query) == first
    if store.generation == generation:  # type: ignore[attr-defined]  # same window
        assert gms.requests[before:] == []
    urn = first.items[0].urn
    store.edit_tags([TagEdit(urn, add=(TagAssociationClass("urn:li:tag:gold"),))])
    assert store.generation != generation  # type: ignore[attr-defined]
    again = store.search(AssetQuery(all_tags=frozenset({"training", "gold"})))
    assert [e.urn for e in again.items] == [urn]


def test_a_zero_ttl_caches_nothing() -> None:
    store = GmsStore(server="http://127.0.0.1:1", ttl=0)
    assert store.generation != store.generation  # type: ignore[attr-defined]


@GMS_ONLY
def test_a_herd_of_identical_reads_costs_gms_one_search(populated: Populated) -> None:
    """Eight threads asking at once (as API workers do when a cache window starts) share one
    GMS search: one reads, the others wait for its answer."""
    import threading

    gms = _gms(populated.backend)
    store = populated.backend.store()
    query = AssetQuery(all_tags=frozenset({"training"}), limit=5)
    before = len(gms.requests)
    start, pages = threading.Barrier(8), []

    def read() -> None:
        start.wait()
        pages.append(store.search(query))

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(pages) == 8 and all(p == pages[0] for p in pages)
    graphql = [r for r in gms.requests[before:] if r.startswith("POST /api/graphql")]
    assert len(graphql) == 1, gms.requests[before:]


@GMS_ONLY
def test_a_warm_read_never_waits_on_gms_and_is_refreshed_behind(populated: Populated) -> None:
    """The window just ended answers at once while one background read refreshes it; a read
    older than that is recomputed before answering (nothing is served two windows late)."""
    import time

    gms = _gms(populated.backend)
    store = GmsStore(server=get_settings().gms_url or "", ttl=0.8)  # 0.4 s windows
    query = AssetQuery(all_tags=frozenset({"training"}), limit=5)

    def searches() -> int:
        return sum(r.startswith("POST /api/graphql") for r in gms.requests)

    def next_window() -> None:
        time.sleep(0.4 - time.monotonic() % 0.4 + 0.01)

    first = store.search(query)
    next_window()
    before = searches()
    assert store.search(query) == first  # the last window's answer, served at once
    deadline = time.monotonic() + 10
    while searches() == before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert searches() == before + 1  # refreshed behind the answer
    time.sleep(1.0)  # two windows and more: the cached answer is too old to serve
    before = searches()
    store.search(query)
    assert searches() == before + 1
