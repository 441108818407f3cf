"""A fresh server's first visitor on a deep link gets the page, and no "Page not found"."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, start_app, stop_app

pytestmark = pytest.mark.e2e


def test_first_session_on_a_deep_link_sees_no_page_not_found(tmp_path):
    from playwright.sync_api import sync_playwright

    process, url = start_app(tmp_path / "kairo.duckdb", tmp_path / "streamlit.log")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(f"{url}/scorecard?pilot=KP-003", timeout=120_000)
            page.get_by_role("heading", name="Credit decision drafts without audit trail").wait_for(
                timeout=120_000
            )
            page.wait_for_function(
                "() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=120_000
            )
            page.wait_for_timeout(1000)
            assert page.get_by_role("dialog").filter(has_text="Page not found").count() == 0
            browser.close()
    finally:
        stop_app(process)
