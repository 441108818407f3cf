"""A fresh server's first visitor on a deep link gets the page, and no "Page not found"."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import start_app, stop_app

pytestmark = pytest.mark.e2e


def test_first_session_on_a_deep_link_sees_no_page_not_found(tmp_path, page):
    # A server of its own: the dialog came only before the first st.navigation of a process.
    process, url = start_app(tmp_path / "kairo.duckdb", tmp_path / "streamlit.log")
    try:
        page.goto(f"{url}/scorecard?pilot=KP-003", timeout=120_000)
        page.get_by_role("heading", name="Credit decision drafts without audit trail").wait_for(
            timeout=120_000
        )
        page.wait_for_function(
            "() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=120_000
        )
        page.wait_for_timeout(1000)
        assert page.get_by_role("dialog").filter(has_text="Page not found").count() == 0
    finally:
        stop_app(process)
