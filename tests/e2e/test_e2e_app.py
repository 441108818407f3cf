"""The path a real user takes, in Chromium: load, upload, portfolio chart, pilot, presentation, export."""

from __future__ import annotations

import io

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from kairo_scoring import sample_portfolio
from tests.e2e.conftest import portfolio_box, register_upload

pytestmark = pytest.mark.e2e
WAIT = 30_000  # ms, for any one thing to appear

FORMULA_NAME = '=HYPERLINK("http://evil.example","click")'
UPLOAD_CSV = (
    "Quarterly AI pilot register,,,,,,\n"
    "Pilot name,Unit,Owner,Process maturity,Controls,Monthly volume,Risk\n"
    "Invoice bot,Finance,Ann,4 - mostly,High,1200,Medium\n"
    ",HR,Bob,3,2,50,low\n"
    "Contract review,Legal,Cat,six,3,abc,extreme\n"
    f'"{FORMULA_NAME.replace(chr(34), chr(34) * 2)}",Legal,Dan,2,2,10,low\n'
)


def settle(page: Page) -> None:
    """Wait until Streamlit has finished running the script."""
    page.wait_for_timeout(300)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=WAIT)


def open_page(page: Page, url: str) -> None:
    page.goto(url, timeout=WAIT)
    # Attached, not visible: presentation mode starts with the sidebar collapsed.
    expect(page.get_by_test_id("stSidebar")).to_be_attached(timeout=WAIT)
    settle(page)


def test_portfolio_pilot_and_presentation(page: Page, app_url, screenshot):
    open_page(page, app_url)
    expect(page.get_by_role("heading", name="Portfolio", exact=True)).to_be_visible(timeout=WAIT)
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=WAIT)
    expect(page.locator(".js-plotly-plot .scatterlayer .point").first).to_be_attached(timeout=WAIT)
    expect(page.locator(".js-plotly-plot .sankey").first).to_be_attached(timeout=WAIT)
    screenshot(page, "01_portfolio")

    open_page(page, f"{app_url}/scorecard?pilot=KP-003")
    expect(
        page.get_by_role("heading", name="Credit decision drafts without audit trail", exact=True)
    ).to_be_visible(timeout=WAIT)
    expect(page.get_by_text("At risk").first).to_be_visible()
    screenshot(page, "02_pilot")

    real_names = set(sample_portfolio()["name"]) | set(sample_portfolio()["owner"].dropna())
    assert "Credit decision drafts without audit trail" in page.locator("body").inner_text()

    open_page(page, f"{app_url}/scorecard?pilot=KP-003&present=true")
    expect(page.get_by_role("heading", name="Pilot 003", exact=True)).to_be_visible(timeout=WAIT)
    text = page.locator("body").inner_text()
    assert "presentation mode" in text
    assert [n for n in real_names if n in text] == []
    screenshot(page, "07_presentation")


def test_upload_a_register_and_export_it_safely(page: Page, app_url, screenshot, tmp_path):
    open_page(page, f"{app_url}/import")
    upload = tmp_path / "messy register.csv"
    upload.write_text(UPLOAD_CSV, encoding="utf-8")
    register_upload(page).set_input_files(str(upload))
    expect(page.get_by_role("heading", name="Validation report", exact=True)).to_be_visible(timeout=WAIT)
    settle(page)
    expect(page.get_by_text("Errors (row rejected)")).to_be_visible()
    screenshot(page, "03_intake")

    name = portfolio_box(page)
    name.fill("E2E upload")
    name.press("Enter")
    settle(page)
    page.get_by_role("button", name="Save snapshot").click()
    expect(page.get_by_text("Saved snapshot").first).to_be_visible(timeout=WAIT)

    page.get_by_test_id("stSidebarNav").get_by_text("Export").click()
    expect(page.get_by_role("heading", name="Export", exact=True)).to_be_visible(timeout=WAIT)
    settle(page)
    expect(page.get_by_text("E2E upload").first).to_be_visible()
    screenshot(page, "06_export")
    with page.expect_download(timeout=WAIT) as download_info:
        page.get_by_role("button", name="Download xlsx").click()
    data = download_info.value.path().read_bytes()
    book = openpyxl.load_workbook(io.BytesIO(data))
    formulas = [
        (sheet.title, cell.coordinate)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []
    names = [c.value for c in book.worksheets[0]["B"]]
    assert FORMULA_NAME in names or f"'{FORMULA_NAME}" in names  # kept as text, never a formula


def test_model_and_history_pages_render(page: Page, app_url, screenshot):
    open_page(page, f"{app_url}/model")
    expect(page.get_by_role("heading", name="Scoring model", exact=True)).to_be_visible(timeout=WAIT)
    expect(page.get_by_text("What the workflow needs (demand)")).to_be_visible()
    screenshot(page, "04_scoring_model")
    open_page(page, f"{app_url}/snapshots")
    expect(page.get_by_role("heading", name="History", exact=True)).to_be_visible(timeout=WAIT)
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=WAIT)
    screenshot(page, "05_history")
