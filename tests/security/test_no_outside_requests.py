"""Nothing leaves the machine (SECURITY.md): in Chromium, no page of the app and no printable
summary makes a request to any host but the loopback one it was served from.

Every request is watched at the browser context; one to another host is aborted (so the test
never really sends it) and fails the test. A ":material/…" page icon once made Streamlit fetch
the favicon from fonts.gstatic.com on every page."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

from tests.e2e.conftest import (  # noqa: F401 - the two browser fixtures are used by pytest-playwright
    app_running,
    browser_context_args,
    browser_type_launch_args,
)
from tests.e2e.test_e2e_app import WAIT, open_page, settle

pytestmark = pytest.mark.e2e

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
LOCAL_SCHEMES = {"data", "blob", "about", "file"}
# Every page, by the url_path app.py gives it (the default page is the Portfolio).
PAGES = ("", "overview", "scorecard", "snapshots", "import", "downloads", "model")


def outside(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme not in LOCAL_SCHEMES and parts.hostname not in LOOPBACK


@pytest.fixture
def outside_requests(context: BrowserContext) -> list[str]:
    """The URLs of every request to a host beyond loopback, each aborted before it is sent."""
    seen: list[str] = []

    def guard(route: Route) -> None:
        if outside(route.request.url):
            seen.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", guard)
    # Requests the router does not see (favicons, preloads) still raise a "request" event.
    context.on("request", lambda request: seen.append(request.url) if outside(request.url) else None)
    return seen


@pytest.fixture(scope="module")
def loopback_app_url(tmp_path_factory):
    with app_running(tmp_path_factory.mktemp("no-outside-requests")) as url:
        yield url


def test_no_page_of_the_app_requests_another_host(page: Page, loopback_app_url, outside_requests):
    for path in PAGES:
        open_page(page, f"{loopback_app_url}/{path}")
        if path == "":  # the Portfolio page: its charts (and their fonts) have rendered
            expect(page.locator(".js-plotly-plot .main-svg").first).to_be_attached(timeout=WAIT)
        page.wait_for_timeout(1500)  # late requests: favicon, fonts, chart assets
        settle(page)
    assert sorted(set(outside_requests)) == []


def test_the_printable_summary_requests_no_other_host(page: Page, tmp_path, outside_requests):
    from kairo_scoring import (
        blocker_summary,
        demand_supply_grid,
        mode_flows,
        sample_portfolio,
        score,
        summary_html,
        top_blockers,
        verdict_counts,
    )
    from kairo_scoring.present import figures as charts

    scored = score(sample_portfolio())
    table = scored.table
    figures = [  # as the Export page builds them
        ("Needs vs can govern", charts.grid_heatmap(demand_supply_grid(table))),
        ("Flows", charts.flow_sankey(mode_flows(table))),
        ("Verdicts", charts.verdict_bars(verdict_counts(table))),
        ("Blockers", charts.blocker_bars(top_blockers(blocker_summary(scored)))),
    ]
    report = tmp_path / "summary.html"
    report.write_text(summary_html(scored, figures=figures, portfolio="Sample"), encoding="utf-8")
    page.goto(report.as_uri(), timeout=WAIT)
    expect(page.locator(".js-plotly-plot .main-svg").first).to_be_attached(timeout=WAIT)
    page.wait_for_timeout(1500)
    assert sorted(set(outside_requests)) == []
