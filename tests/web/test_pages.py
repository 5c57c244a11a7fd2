"""The web page through Starlette's TestClient on both backends: sign-in and its cookie, the
redirect of anonymous visitors, CSRF refusals, search and view results equal to the store's,
steward edits through `tags add`'s code and their refusals."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl, quote, unquote

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from catalog_sync.api.main import create_app
from catalog_sync.auth import TokenStore
from catalog_sync.cli.main import app as cli
from catalog_sync.emit.tags import added_by
from catalog_sync.model import Asset, Upstream
from catalog_sync.settings import get_settings
from catalog_sync.store import AssetQuery
from catalog_sync.usage.aspects import Pipeline
from catalog_sync.web.routes.browse import parse_query
from catalog_sync.web.session import COOKIE
from tests.support.catalog import write_catalog
from tests.web.conftest import Site

RESULT = re.compile(r'<td><a href="/assets/([^"]+)">')


def result_urns(html: str) -> list[str]:
    return [unquote(u) for u in RESULT.findall(html)]


def urn_of(site: Site, name: str) -> str:
    return next(e.urn for e in site.backend.entries() if e.name == name)


def test_anonymous_visitors_get_the_sign_in_page_never_data(site: Site) -> None:
    urn = urn_of(site, "lake/mnist")
    for path in ("/", "/?tag=training", "/views/servicebinding-sources",
                 f"/assets/{quote(urn, safe=':')}"):
        answer = site.client.get(path, follow_redirects=False)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/sign-in"), path
        assert "mnist" not in answer.text and "gp-train" not in answer.text
    assert site.client.get("/?tag=training", follow_redirects=False).headers["location"] == \
        "/sign-in?next=%2F%3Ftag%3Dtraining"
    edit = site.client.post("/tags/edit", data={"urn": urn, "tag": "training",
                                                "action": "add", "csrf": "x"},
                            follow_redirects=False)
    assert edit.status_code == 303 and edit.headers["location"] == "/sign-in"
    assert "training" not in {t for t in next(
        e for e in site.backend.entries() if e.urn == urn).tags}
    page = site.client.get("/")  # followed: the sign-in form, and nothing of the catalog
    assert 'name="token"' in page.text and "lake/" not in page.text


def test_sign_in_sets_a_strict_http_only_cookie_without_the_token(site: Site) -> None:
    signed = site.sign_in("read", "/?tag=training")
    assert signed.status_code == 303 and signed.headers["location"] == "/?tag=training"
    cookie = signed.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie
    assert "samesite=strict" in cookie.lower() and "secure" not in cookie.lower()
    token = site.tokens["read"]
    secret = token.split("_", 2)[2]
    assert secret not in cookie and secret not in signed.headers["location"]
    page = site.client.get("/?tag=training")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert secret not in page.text


def test_cookie_is_secure_over_tls(site: Site) -> None:
    with TestClient(create_app(), base_url="https://testserver") as client:
        form = client.get("/sign-in")
        assert "secure" in form.headers["set-cookie"].lower()
        signed = client.post("/sign-in", data={"token": site.tokens["read"],
                                               "csrf": site.csrf(form)},
                             follow_redirects=False)
        assert signed.status_code == 303 and "secure" in signed.headers["set-cookie"].lower()


@pytest.mark.parametrize(("who", "status", "message"), [
    ("bad", 401, "not a valid token"), ("no-read", 403, "lacks scope catalog:read")])
def test_sign_in_refusals(site: Site, who: str, status: int, message: str) -> None:
    site.tokens["bad"] = "cst_00000000_wrong"
    refused = site.sign_in(who)
    assert refused.status_code == status and message in refused.text
    assert site.client.get("/", follow_redirects=False).status_code == 303


def test_sign_in_never_redirects_off_site(site: Site) -> None:
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        assert site.sign_in("read", target).headers["location"] == "/"


def test_forms_refuse_a_missing_or_forged_csrf_field(site: Site) -> None:
    form = site.client.get("/sign-in")
    for forged in ({}, {"csrf": "forged"}):
        refused = site.client.post("/sign-in", data={"token": site.tokens["read"], **forged},
                                   follow_redirects=False)
        assert refused.status_code == 403 and "did not come from this site" in refused.text
    assert site.sign_in("steward").status_code == 303
    urn = urn_of(site, "lake/mnist")
    refused = site.client.post("/tags/edit", data={"urn": urn, "tag": "training",
                                                   "action": "add", "csrf": site.csrf(form)})
    # the secret from before sign-in is no longer valid: sign-in starts a fresh session
    assert refused.status_code == 403
    assert "training" not in site.store.get(urn).tags  # type: ignore[union-attr]
    out = site.client.post("/sign-out", data={"csrf": "forged"})
    assert out.status_code == 403
    assert site.client.get("/", follow_redirects=False).status_code == 200


@pytest.mark.parametrize("query_string", [
    "", "tag=training", "tag=training&not_tag=servicebinding:type:greenplum",
    "any_tag=inference&any_tag=data+lake", "q=cifar", "platform=postgres&tag=inference",
    "entity=all&tag=servicebinding:type:greenplum", "subtype=Table&limit=2&offset=2",
])
def test_search_results_are_the_stores(site: Site, query_string: str) -> None:
    site.sign_in()
    page = site.client.get(f"/?{query_string}")
    assert page.status_code == 200
    query = parse_query(parse_qsl(query_string))
    expected = site.store.search(query)
    assert result_urns(page.text) == [e.urn for e in expected.items]
    assert f"{expected.total} result" in page.text


def test_counts_are_those_of_the_current_results(site: Site) -> None:
    site.sign_in()
    page = site.client.get("/?tag=servicebinding:type:postgresql")
    matches = list(site.store.scan(AssetQuery(all_tags=frozenset(
        {"servicebinding:type:postgresql"}))))
    for tag in ("inference", "training", "data lake"):
        count = sum(tag in e.tags for e in matches)
        row = re.search(rf'<span class="tag"[^>]*>{re.escape(tag)}</span></th>\s*'
                        r'<td class="num">(\d+)</td>', page.text)
        assert row and int(row.group(1)) == count, tag
    assert 'value="training" aria-label="all of: training"' in page.text  # defined, 0 here


def test_the_url_holds_the_query_and_paging_keeps_it(site: Site) -> None:
    site.sign_in()
    page = site.client.get("/?any_tag=inference&any_tag=training&limit=2")
    nxt = re.search(r'<a href="([^"]+)" rel="next">', page.text)
    assert nxt is not None
    href = nxt.group(1).replace("&amp;", "&")
    assert "any_tag=inference" in href and "any_tag=training" in href and "offset=2" in href
    assert 'value="inference" aria-label="any of: inference" checked' in page.text


def test_bad_search_input_is_one_clear_line(site: Site) -> None:
    site.sign_in()
    page = site.client.get("/?offset=-1")
    assert page.status_code == 422
    assert re.search(r'role="alert">offset: Input should be [^<]+ \(got &#39;-1&#39;\)</p>',
                     page.text)


def test_saved_view_shows_what_assets_view_lists(site: Site) -> None:
    site.sign_in()
    page = site.client.get("/views/servicebinding-sources")
    listed = CliRunner().invoke(cli, ["assets", "--view", "servicebinding-sources", "--json"])
    assert listed.exit_code == 0, listed.output
    expected = [e["urn"] for e in json.loads(listed.stdout)]
    assert result_urns(page.text) == expected and len(expected) == 7  # 3 databases, 4 tables
    assert site.client.get("/views/nope").status_code == 404


def test_asset_page_shows_binding_tags_and_who_added_them(site: Site) -> None:
    site.sign_in()
    urn = urn_of(site, "gp-train.warehouse.public.images")
    page = site.client.get(f"/assets/{quote(urn, safe=':')}")
    assert page.status_code == 200
    text = page.text
    for shown in ("gp-train", "greenplum", "vmware", "gp.internal", "5432", "warehouse",
                  "rule test", "--tag-colour: #2CA02C"):
        assert shown in text, shown
    assert "loader" not in text and "password" not in text.lower()
    assert '<li><a href="/assets/' in text  # the database container above it
    assert site.client.get("/assets/urn:li:dataset:nope").status_code == 404


def test_datahub_link_when_the_frontend_is_configured(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATAHUB_FRONTEND_URL", "https://datahub.example/")
    get_settings.cache_clear()
    urn = urn_of(site, "lake/mnist")
    with TestClient(create_app()) as client:
        site.client = client
        site.sign_in()
        page = client.get(f"/assets/{quote(urn, safe=':')}")
    assert f'href="https://datahub.example/dataset/{quote(urn, safe="")}"' in page.text


def test_steward_adds_and_removes_a_tag_kept_as_manual(site: Site) -> None:
    site.sign_in("steward")
    urn = urn_of(site, "lake/mnist")
    path = f"/assets/{quote(urn, safe=':')}"
    csrf = site.csrf(site.client.get(path))
    added = site.client.post("/tags/edit", data={"urn": urn, "tag": "training",
                                                 "action": "add", "csrf": csrf},
                             follow_redirects=False)
    assert added.status_code == 303 and added.headers["location"] == f"{path}?added=training"
    association = next(a for a in site.store.tag_associations(urn)
                       if a.tag == "urn:li:tag:training")
    assert added_by(association) == "manual"  # what `tags add` records: ingest keeps it
    page = site.client.get(added.headers["location"])
    assert "Added &#39;training&#39;." in page.text and "a steward" in page.text

    refused = site.client.post("/tags/edit", data={"urn": urn, "tag": "inference",
                                                   "action": "add", "csrf": csrf})
    assert refused.status_code == 422
    assert "refusing to add &#39;inference&#39;" in refused.text
    assert "exclusive group &#39;role&#39;" in refused.text
    assert "inference" not in site.store.get(urn).tags  # type: ignore[union-attr]

    removed = site.client.post("/tags/edit", data={"urn": urn, "tag": "training",
                                                   "action": "remove", "csrf": csrf},
                               follow_redirects=False)
    assert removed.status_code == 303
    assert all(a.tag != "urn:li:tag:training" for a in site.store.tag_associations(urn))


def test_a_reader_cannot_edit(site: Site) -> None:
    site.sign_in("read")
    urn = urn_of(site, "lake/mnist")
    page = site.client.get(f"/assets/{quote(urn, safe=':')}")
    assert 'action="/tags/edit"' not in page.text
    refused = site.client.post("/tags/edit", data={"urn": urn, "tag": "training",
                                                   "action": "add", "csrf": site.csrf(page)})
    assert refused.status_code == 403 and "lacks scope tags:write" in refused.text
    assert "training" not in site.store.get(urn).tags  # type: ignore[union-attr]


def test_revoking_the_token_ends_the_session(site: Site) -> None:
    site.sign_in("read")
    assert site.client.get("/", follow_redirects=False).status_code == 200
    TokenStore(get_settings().tokens_path).revoke("reader")
    assert site.client.get("/", follow_redirects=False).status_code == 303


def test_sign_out_clears_the_session(site: Site) -> None:
    site.sign_in("read")
    page = site.client.get("/")
    out = site.client.post("/sign-out", data={"csrf": site.csrf(page)}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/sign-in"
    assert f'{COOKIE}=""' in out.headers["set-cookie"] or "Max-Age=0" in out.headers["set-cookie"]
    assert site.client.get("/", follow_redirects=False).status_code == 303


def test_static_files_are_served_from_the_package(site: Site) -> None:
    css = site.client.get("/static/app.css")
    assert css.status_code == 200 and "http" not in css.text  # nothing fetched elsewhere
    assert site.client.get("/static/app.js").status_code == 200


def test_asset_page_shows_upstream_and_downstream_lineage(site: Site) -> None:
    write_catalog(site.backend, [Asset(
        platform="file", name="lake/mnist_summary", subtype="View",
        upstreams=(Upstream("lake/mnist", ("id",)),))])
    site.sign_in()
    mnist, summary = urn_of(site, "lake/mnist"), urn_of(site, "lake/mnist_summary")
    assert site.store.downstreams(mnist) == [summary]
    assert site.store.downstreams(summary) == []
    page = site.client.get(f"/assets/{quote(mnist, safe=':')}").text
    assert "Downstream: read by" in page and f'href="/assets/{quote(summary, safe=":")}"' in page
    assert "Upstream: reads from" not in page
    page = site.client.get(f"/assets/{quote(summary, safe=':')}").text
    assert "Upstream: reads from" in page and f'href="/assets/{quote(mnist, safe=":")}"' in page


def test_broken_tag_definitions_are_one_line_on_an_html_page(site: Site) -> None:
    site.sign_in()
    (get_settings().tags_dir / "broken.yml").write_text("tags: [unclosed\n")
    page = site.client.get("/")
    assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
    assert "the tag definitions cannot be read" in page.text and "broken.yml" in page.text
    assert "Traceback" not in page.text


def test_asset_page_lists_the_pipelines_that_read_it(site: Site) -> None:
    """Usage recording's readers on the steward's page, as `assets show` lists them."""
    site.sign_in()
    mnist = urn_of(site, "lake/mnist")
    page = site.client.get(f"/assets/{quote(mnist, safe=':')}").text
    assert "Read by pipelines" not in page
    site.store.record_usage(Pipeline.parse("vision/train-resnet"), [mnist], 1_700_000_000_000)
    page = site.client.get(f"/assets/{quote(mnist, safe=':')}").text
    assert "Read by pipelines" in page
    assert "<td>vision/train-resnet</td>" in page and "2023-11-14 22:13" in page
