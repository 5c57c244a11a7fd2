"""The steward's path in a real browser: Playwright drives Debian's Chromium, headless, against
`catalog-sync serve` (a real process) over a catalog ingested from the sample lake, a real
PostgreSQL database (`inference`) and a "Greenplum" one (the same server answering as
Greenplum 7 through tests/support/greenplum, `training`), each reached through a binding.

The run writes screenshots of the search page, a view and an asset page to docs/ (shown in the
README). Chromium must be installed (`make test` installs Debian's when it can); without it
this test fails, it is never skipped.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import yaml
from playwright.sync_api import Browser, Page, expect, sync_playwright
from typer.testing import CliRunner

from catalog_sync.auth import TokenStore
from catalog_sync.cli.main import app
from catalog_sync.settings import get_settings
from catalog_sync.store import AssetQuery, open_store
from catalog_sync.tagging import load_tag_set
from catalog_sync.tagging.views import view_query
from tests.conftest import REPO
from tests.sources.database.test_greenplum import GP7
from tests.support.catalog import write_binding
from tests.support.greenplum import STUB_SCHEMAS, stand_in_greenplum
from tests.support.postgres import scratch_database
from tests.support.served import Served, serving

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
DOCS = REPO / "docs"
SIZE = {"width": 1400, "height": 1000}


@contextmanager
def chromium() -> Iterator[Browser]:
    """Headless Debian Chromium (no browser download: Playwright's own builds are not used).
    Not a fixture: Playwright's sync API holds an event loop in this thread, which DataHub's
    pipeline (the ingests before and after) would meet as "already running"."""
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install -y chromium` (make test does it "
                    "when it runs as root or with sudo)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=["--no-sandbox"])
        yield launched
        launched.close()


def _binding_entries(url: str, binding_type: str) -> dict[str, str]:
    parsed = sa.make_url(url)
    return {"type": binding_type, "provider": "local", "host": parsed.host or "127.0.0.1",
            "port": str(parsed.port or 5432), "database": parsed.database or "",
            "username": parsed.username or "postgres", "password": "never-shown"}


def _create(url: str, *statements: str) -> None:
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)
    engine.dispose()


def _ingest(*recipes: str) -> None:
    result = CliRunner().invoke(app, ["ingest", *recipes, "--json"])
    assert result.exit_code == 0, result.output


@pytest.fixture
def catalog(workdir: Path, pg_admin_url: str, pg_database: str,
            monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The sample lake, an inference database and a training "Greenplum", ingested."""
    lake = workdir / "sample-lake"
    made = CliRunner().invoke(app, ["sample", "lake", str(lake)])
    assert made.exit_code == 0, made.output
    _create(pg_database, "CREATE TABLE features (id bigint PRIMARY KEY, score real NOT NULL)")
    root = workdir / "bindings"
    write_binding(root, "pg-serving", _binding_entries(pg_database, "postgresql"))
    with scratch_database(pg_admin_url, f"cs_gp_{uuid.uuid4().hex[:10]}") as gp_url:
        _create(gp_url, "CREATE TABLE images (id bigint PRIMARY KEY, label text)")
        stand_in_greenplum(gp_url, GP7, gp6_catalog=False)
        write_binding(root, "gp-train", _binding_entries(gp_url, "greenplum"))
        training = yaml.safe_load((workdir / "recipes" / "training.yml").read_text())
        training["source"]["config"]["schema_pattern"] = {"deny": list(STUB_SCHEMAS)}
        (workdir / "recipes" / "training.yml").write_text(yaml.safe_dump(training))
        monkeypatch.setenv("SERVICE_BINDING_ROOT", str(root))
        monkeypatch.setenv("CATALOG_SYNC_LAKE", str(lake))
        get_settings.cache_clear()
        _ingest("recipes/lake.yml", "recipes/inference.yml", "recipes/training.yml")
        yield workdir / "catalog.db"


def _shot(page: Page, name: str) -> None:
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=str(DOCS / name), full_page=True)


def _api(served: Served, token: str, path: str, **params: Any) -> Any:
    answer = httpx.get(f"{served.url}{path}", params=params,
                       headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _eventually_tagged(served: Served, token: str, tag: str, urn: str) -> list[str]:
    """The embedded index is rebuilt in the background after a write: poll briefly."""
    deadline = time.monotonic() + 15
    while True:
        urns = [i["urn"] for i in _api(served, token, "/v1/assets", tag=tag, limit=500)["items"]]
        if urn in urns or time.monotonic() > deadline:
            return urns
        time.sleep(0.3)


def test_the_stewards_path(catalog: Path) -> None:
    tokens = TokenStore(get_settings().tokens_path)
    _, steward = tokens.create(["catalog:read", "tags:write"], "steward")
    store = open_store(get_settings())
    tags_in_use = [c.name for c in store.tag_counts()]
    view = load_tag_set(get_settings().tags_dir).view("servicebinding-sources")
    view_q = view_query(view, tags_in_use)
    assert view_q is not None
    in_view = sorted(store.scan(view_q), key=lambda e: e.urn)
    store.close()

    with serving() as served, chromium() as browser:
        context = browser.new_context(viewport=SIZE)  # type: ignore[arg-type]
        page = context.new_page()
        page.goto(f"{served.url}/")
        expect(page).to_have_url(f"{served.url}/sign-in")
        # by keyboard alone: the token field has the focus, Enter submits
        expect(page.get_by_label("Token")).to_be_focused()
        page.keyboard.type(steward)
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Search the catalog")).to_be_visible()

        # search `data lake`, open a dataset, read its row count and schema
        page.get_by_label("all of: data lake").check()
        page.get_by_role("button", name="Search").click()
        expect(page).to_have_url(f"{served.url}/?tag=data+lake")
        lake = _api(served, steward, "/v1/assets", tag="data lake")
        expect(page.locator("#results-heading")).to_contain_text(f"{lake['total']} results")
        _shot(page, "web-search.png")
        cifar = next(i for i in lake["items"] if i["name"].endswith("cifar10"))
        page.get_by_role("link", name=cifar["name"], exact=True).click()
        expect(page.get_by_role("heading", name=cifar["name"])).to_be_visible()
        details = _api(served, steward, f"/v1/assets/{cifar['urn']}")
        assert details["profile"]["rows"] > 0
        expect(page.locator("#row-count")).to_have_text(f"{details['profile']['rows']:,}")
        schema = page.locator("table.schema tbody tr")
        expect(schema).to_have_count(len(details["fields"]))
        columns = [c.strip() for c in page.locator("table.schema tbody th").all_inner_texts()]
        assert columns == [f["path"] for f in details["fields"]]
        split = page.locator("table.schema tbody tr", has_text="split")
        expect(split).to_contain_text("partition")
        _shot(page, "web-asset.png")

        # the saved view: exactly the Greenplum and PostgreSQL assets the catalog holds
        page.get_by_role("link", name="ServiceBinding Sources").click()
        expect(page.get_by_role("heading", name="ServiceBinding Sources")).to_be_visible()
        shown = page.locator("table.assets tbody tr td:first-child a").all_inner_texts()
        assert shown == [e.name for e in in_view]
        platforms = {e.platform for e in in_view}
        assert {"greenplum", "postgres"} <= platforms <= {"greenplum", "postgres"}, platforms
        assert any(e.name.endswith("images") for e in in_view)
        assert any(e.name.endswith("features") for e in in_view)
        _shot(page, "web-view.png")

        # add `training` to a lake dataset; then a second role tag is refused
        events = next(i for i in lake["items"] if i["name"].endswith("events"))
        page.goto(f"{served.url}/")
        page.get_by_label("Name contains").fill("events")
        page.get_by_role("button", name="Search").click()
        page.get_by_role("link", name=events["name"], exact=True).click()
        page.get_by_label("Add a tag").fill("training")
        page.keyboard.press("Tab")  # to the Add button, then Enter: no mouse needed
        expect(page.get_by_role("button", name="Add", exact=True)).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.get_by_role("status")).to_have_text("Added 'training'.")
        row = page.locator("table.tags-table tbody tr", has_text="training")
        expect(row).to_contain_text("a steward")
        assert events["urn"] in _eventually_tagged(served, steward, "training", events["urn"])

        page.get_by_label("Add a tag").fill("inference")
        page.get_by_role("button", name="Add", exact=True).click()
        expect(page.get_by_role("alert")).to_contain_text("refusing to add 'inference'")
        expect(page.get_by_role("alert")).to_contain_text("exclusive group 'role'")
        expect(page.locator("table.tags-table tbody tr", has_text="inference")).to_have_count(0)

        # sign out: then every page sends the browser to sign-in
        page.get_by_role("button", name="Sign out").click()
        expect(page).to_have_url(f"{served.url}/sign-in")
        for path in ("/", "/?tag=training", "/views/servicebinding-sources",
                     f"/assets/{events['urn']}"):
            page.goto(f"{served.url}{path}")
            assert page.url.startswith(f"{served.url}/sign-in"), path
            expect(page.get_by_label("Token")).to_be_visible()
            expect(page.locator("table, dl")).to_have_count(0)  # no results, no asset facts
        context.close()
        fresh = browser.new_context()
        anonymous = fresh.new_page()
        anonymous.goto(f"{served.url}/assets/{cifar['urn']}")
        assert anonymous.url.startswith(f"{served.url}/sign-in?next=")
        fresh.close()
    assert steward not in served.log

    # the steward's tag survives the next ingest, as with `catalog-sync tags add`
    result = CliRunner().invoke(app, ["ingest", "recipes/lake.yml", "--full", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["datasets"] > 0
    store = open_store(get_settings())
    kept = store.search(AssetQuery(all_tags=frozenset({"training"}), limit=500))
    assert events["urn"] in [e.urn for e in kept.items]
    store.close()
