"""Drill-down in Chromium: a table row or a chart dot opens the pilot, in every kind of view
(filters in the link, presentation mode, an imported portfolio, a saved profile version),
the Pilot page's URL carries the same view, and both the page's own back button and the
browser's Back button return to the Portfolio page with that view."""

from __future__ import annotations

import subprocess
import sys
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from kairo_scoring import PortfolioStore, default_profile, ensure_default_profile
from tests.e2e.conftest import REPO, start_app, stop_app
from tests.e2e.test_e2e_app import WAIT, open_page, settle

pytestmark = pytest.mark.e2e

REGISTER = (
    "Pilot ID,Pilot name,Business unit,Owner,Stage,Process maturity,Controls,Monthly volume,Risk\n"
    "FIN-1,Invoice matching,Finance,Ann,production,4,4,1200,low\n"
    "FIN-2,Supplier letters,Finance,Bob,pilot,3,2,80,medium\n"
    "HR-1,Leave questions,HR,Cat,pilot,2,2,400,low\n"
)


@pytest.fixture(scope="module")
def seeded_app(tmp_path_factory):
    """An app whose store holds an imported portfolio besides the sample, started for this module."""
    folder = tmp_path_factory.mktemp("drilldown")
    register = folder / "finance register.csv"
    register.write_text(REGISTER, encoding="utf-8")
    store = folder / "kairo.duckdb"
    subprocess.run(
        [sys.executable, "-m", "kairo_scoring.cli", "import", str(register), "--db", str(store),
         "--portfolio", "Finance register"],
        cwd=REPO, check=True, capture_output=True,
    )  # fmt: skip
    with PortfolioStore(store) as opened:  # a saved profile version, as the Scoring model page saves one
        ensure_default_profile(opened, default_profile())
        revised = default_profile().revised({"demand": {"api_pipeline_min_volume": 500}})
        opened.save_profile(revised.name, revised.version, revised.to_toml(), revised.content_hash)
    process, url = start_app(store, folder / "streamlit.log")
    yield url
    stop_app(process)


def _params(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def _click_first_row(page: Page) -> None:
    """Tick the row-selection box of the first row of the pilot table (a canvas grid)."""
    # Found by its key, not as "the last table": the page also has the shortlists' tables, and
    # a rerun still drawing after Back can leave a hidden one last for a moment.
    grid = page.locator(".st-key-pilot_table").get_by_test_id("stDataFrame")
    expect(grid).to_be_visible(timeout=WAIT)
    grid.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    box = grid.bounding_box()
    assert box, "the pilot table is not on screen"
    page.mouse.click(box["x"] + 16, box["y"] + 52)  # header row 35 px, then the first row


def _click_a_dot(page: Page) -> None:
    dot = page.locator(".js-plotly-plot .scatterlayer .point").first
    dot.scroll_into_view_if_needed()
    dot.click(force=True)


def _expect_pilot_page(page: Page) -> None:
    expect(page.get_by_role("heading", name="Pilot", exact=True)).to_be_visible(timeout=WAIT)
    expect(page.get_by_text("This app has encountered an error")).to_have_count(0)
    settle(page)
    assert "/scorecard" in page.url


def _expect_portfolio_page(page: Page) -> None:
    expect(page.get_by_role("heading", name="Portfolio", exact=True)).to_be_visible(timeout=WAIT)
    settle(page)
    assert "/scorecard" not in page.url


@pytest.mark.parametrize(
    ("link", "kept", "click"),
    [
        ("?stage=production", {"stage": ["production"]}, "row"),
        ("?stage=production&stage=pilot&risk=low", {"stage": ["production", "pilot"]}, "dot"),
        ("?present=true", {"present": ["true"]}, "dot"),
        ("?portfolio=Finance+register", {"portfolio": ["Finance register"]}, "row"),
        ("?profile=default+v2&stage=pilot", {"profile": ["default v2"], "stage": ["pilot"]}, "dot"),
    ],
    ids=["filter-row", "filters-dot", "presentation-dot", "imported-portfolio-row", "profile-version-dot"],
)
def test_drill_down_and_back(page: Page, seeded_app, link, kept, click, screenshot):
    open_page(page, f"{seeded_app}/{link}")
    _expect_portfolio_page(page)
    (_click_first_row if click == "row" else _click_a_dot)(page)
    _expect_pilot_page(page)
    params = _params(page)
    assert params.get("pilot"), page.url
    for key, values in kept.items():
        assert params.get(key) == values, (key, page.url)
    if link.endswith("present=true"):
        screenshot(page, "08_drilldown_presentation_pilot")

    page.go_back()  # the browser's Back button
    _expect_portfolio_page(page)
    for key, values in kept.items():
        assert _params(page).get(key) == values, (key, page.url)

    (_click_first_row if click == "row" else _click_a_dot)(page)
    _expect_pilot_page(page)
    page.get_by_role("button", name="Back to the portfolio").click()  # the page's own way back
    _expect_portfolio_page(page)
    for key, values in kept.items():
        assert _params(page).get(key) == values, (key, page.url)
