"""Output safety in Chromium: a register full of markup is imported and browsed; no injected
element, no javascript: link, no request to the payload's image URL and no dialog."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (  # noqa: F401 - the two browser fixtures are used by pytest-playwright
    app_running,
    browser_context_args,
    browser_type_launch_args,
    portfolio_box,
    register_upload,
)
from tests.e2e.test_e2e_app import WAIT, open_page, settle
from tests.security.test_output_safety import HOSTILE_CSV, HOSTILE_PORTFOLIO, IMG, SCRIPT

pytestmark = pytest.mark.e2e

# What an injection would leave behind in the DOM, counted in the page.
INJECTED = """() => ({
  scripts: [...document.querySelectorAll('script')].filter(s => s.textContent.includes('alert(')).length,
  images: [...document.querySelectorAll('img, image')].filter(i => {
    const src = i.getAttribute('src') || i.getAttribute('href') || '';
    return src === 'x' || src.includes('127.0.0.1:1') || i.hasAttribute('onerror');
  }).length,
  handlers: document.querySelectorAll('[onerror], [onload]:not(body):not(iframe)').length,
  js_links: [...document.querySelectorAll('a')].filter(a =>
    /^\\s*javascript:/i.test(a.getAttribute('href') || a.getAttribute('xlink:href') || '')).length,
})"""
CLEAN = {"scripts": 0, "images": 0, "handlers": 0, "js_links": 0}


def open_without_stray_dialog(page: Page, url: str) -> None:
    """Open `url` and check that Streamlit shows no "Page not found" dialog over it.

    A folder named pages/ once made a fresh server show that dialog to its first session
    on a deep link (the pages now live in app_pages/); this keeps that fixed."""
    open_page(page, url)
    page.wait_for_timeout(500)
    assert stray_dialog(page).count() == 0, f"'Page not found' appeared on {url}"


def stray_dialog(page: Page):
    return page.get_by_role("dialog").filter(has_text="Page not found")


def type_portfolio_name(page: Page, value: str, tries: int = 3) -> None:
    """Type the Intake page's portfolio name and wait until the app has it.

    Retried: on a loaded machine the upload's own rerun can still be in flight when the
    test types, and that run's widget state then replaces what was typed (a user on a
    slow connection would see the same and type again)."""
    name = portfolio_box(page)
    for _ in range(tries):
        settle(page)
        name.fill(value)
        name.press("Enter")
        settle(page)
        page.wait_for_timeout(1000)
        if name.input_value() == value:
            assert stray_dialog(page).count() == 0
            return
    raise AssertionError("the portfolio name did not stick")


def go_to(page: Page, title: str) -> None:
    """Switch page through the sidebar navigation (same session)."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()


@pytest.fixture(scope="module")
def xss_app_url(tmp_path_factory):
    with app_running(tmp_path_factory.mktemp("xss")) as url:
        yield url


def test_a_hostile_register_renders_as_text(page: Page, xss_app_url):
    dialogs: list[str] = []
    payload_requests: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: "127.0.0.1:1/" in request.url and payload_requests.append(request.url))

    open_without_stray_dialog(page, f"{xss_app_url}/import")
    register_upload(page).set_input_files(
        files=[{"name": f"{IMG}.csv", "mimeType": "text/csv", "buffer": HOSTILE_CSV}]
    )
    expect(page.get_by_role("heading", name="Validation report", exact=True)).to_be_visible(timeout=WAIT)
    settle(page)
    assert page.evaluate(INJECTED) == CLEAN
    type_portfolio_name(page, HOSTILE_PORTFOLIO)
    page.get_by_role("button", name="Save snapshot").click()
    expect(page.get_by_text("Saved snapshot").first).to_be_visible(timeout=WAIT)
    expect(page.get_by_text(f"Saved snapshot #3 of {HOSTILE_PORTFOLIO}")).to_be_visible()  # as text
    assert page.evaluate(INJECTED) == CLEAN

    go_to(page, "Portfolio")
    expect(page.get_by_role("heading", name="Portfolio", exact=True)).to_be_visible(timeout=WAIT)
    settle(page)
    expect(page.get_by_text(HOSTILE_PORTFOLIO).first).to_be_visible()
    point = page.locator(".js-plotly-plot .scatterlayer .point").first
    expect(point).to_be_attached(timeout=WAIT)
    point.hover(force=True)  # the hover label carries the pilot's name
    page.wait_for_timeout(500)
    assert page.evaluate(INJECTED) == CLEAN

    go_to(page, "Pilot")
    settle(page)
    headings = page.locator("h2")
    expect(headings.filter(has_text="alert(1)").first).to_be_visible(timeout=WAIT)
    body = page.locator("[data-testid=stMain]").inner_text()
    assert SCRIPT in body or IMG in body  # the markup is shown literally
    assert page.evaluate(INJECTED) == CLEAN

    for label in ("History", "Export", "Scoring model"):
        go_to(page, label)
        expect(page.get_by_role("heading", name=label, exact=True)).to_be_visible(timeout=WAIT)
        settle(page)
        assert page.evaluate(INJECTED) == CLEAN, label
    assert dialogs == []
    assert payload_requests == []
