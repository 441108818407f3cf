"""The assessment loop in Chromium: download the workbooks from the Export page, fill one with
openpyxl as an owner would (from its own dropdowns), upload it on the Intake page, see the
summary, save, and see its pilots decided."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from tests.assessment.helpers import fill
from tests.e2e.conftest import start_app, stop_app
from tests.e2e.test_e2e_app import WAIT, open_page, settle

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def own_app(tmp_path_factory):
    """An app with its own store: saving answers must not change what other browser tests see."""
    folder = tmp_path_factory.mktemp("e2e_assessment")
    store = folder / "kairo.duckdb"
    process, url = start_app(store, folder / "streamlit.log")
    yield url, store
    stop_app(process)


def test_download_fill_upload_and_see_the_pilots_decided(page: Page, own_app, screenshot, tmp_path):
    url, _ = own_app
    open_page(page, f"{url}/downloads")
    button = page.get_by_role("button", name="Download assessment workbooks (zip)")
    button.scroll_into_view_if_needed()
    expect(button).to_be_visible(timeout=WAIT)
    with page.expect_download(timeout=WAIT) as download_info:
        button.click()
    with zipfile.ZipFile(io.BytesIO(download_info.value.path().read_bytes())) as archive:
        index = pd.read_csv(io.BytesIO(archive.read("index.csv")))
        chosen = index.sort_values("undecided", ascending=False).iloc[0]
        assert chosen["undecided"] > 0
        workbook = tmp_path / chosen["file"]
        workbook.write_bytes(archive.read(chosen["file"]))
    written = fill(workbook)
    pilots = sorted({pilot for pilot, _ in written})
    answers = openpyxl.load_workbook(workbook)["Answers"]
    names = {r[0]: r[1] for r in answers.iter_rows(min_row=3, max_col=2, values_only=True)}

    open_page(page, f"{url}/import")
    returns = page.get_by_test_id("stExpander").filter(has_text="Assessment returns")
    returns.get_by_text("Assessment returns").first.click()
    returns.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(workbook))
    expect(page.get_by_text("Answers applied", exact=True)).to_be_visible(timeout=WAIT)
    settle(page)
    expect(page.get_by_text("Pilots newly decided", exact=True)).to_be_visible()
    screenshot(page, "10_assessment_returns")
    page.get_by_role("button", name="Save answers").click()
    expect(page.get_by_text("Saved snapshot").first).to_be_visible(timeout=WAIT)
    expect(page.get_by_text("newly decided").first).to_be_visible()
    screenshot(page, "11_assessment_saved")

    for n, pilot in enumerate(pilots[:2]):  # the store is the app's (locked): look as a user does
        open_page(page, f"{url}/scorecard?pilot={pilot}")
        expect(page.get_by_role("heading", name=names[pilot], exact=True)).to_be_visible(timeout=WAIT)
        expect(page.get_by_text("Needs data", exact=True)).to_have_count(0, timeout=WAIT)
        if n == 0:
            screenshot(page, "12_assessment_pilot_decided")
