"""The Export page's slide deck (built on a click, never on a rerun) and the Pilot page's
one-pager download, each as presented: in presentation mode no real name reaches them."""

from __future__ import annotations

import io

import pytest
from pptx import Presentation
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

import kairo_scoring
from kairo_scoring import SLIDE_TITLES, read_portfolio
from tests.conftest import REPO
from tests.pages.conftest import APP, TIMEOUT, no_errors

SAMPLE = REPO / "data" / "sample_portfolio.xlsx"


@pytest.fixture(scope="module")
def real_names() -> set[str]:
    pilots = read_portfolio(SAMPLE).pilots
    return set(pilots["name"].astype(str)) | set(pilots["owner"].dropna().astype(str))


def deck_text(data: bytes) -> str:
    prs = Presentation(io.BytesIO(data))
    out = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                out.append(shape.text_frame.text)
            if shape.has_table:
                out += [c.text for r in shape.table.rows for c in r.cells]
            if shape.has_chart:
                out += [str(c) for plot in shape.chart.plots for c in plot.categories]
        if slide.has_notes_slide:
            out.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(out)


def export_page(store_path, *, presenting: bool) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    if presenting:
        at.sidebar.toggle(key="present").set_value(True)
        at.run()
    at.switch_page("app_pages/export.py")
    at.run()
    no_errors(at)
    return at


def download_labels(at: AppTest) -> list[str]:
    return [b.label for b in at.get("download_button")]


@pytest.mark.parametrize("presenting", [False, True])
def test_the_deck_is_built_on_a_click_and_presented_as_the_pages_are(
    store_path, monkeypatch, real_names, presenting
):
    built = []
    real = kairo_scoring.portfolio_deck

    def counted(*args, **kwargs):
        built.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(kairo_scoring, "portfolio_deck", counted)  # the page imports it on each run
    at = export_page(store_path, presenting=presenting)
    assert built == [] and "Download slide deck (pptx)" not in download_labels(at)
    at.button(key="build_deck").click()
    at.run()
    no_errors(at)
    assert len(built) == 1 and built[0]["presented"] is presenting
    assert "Download slide deck (pptx)" in download_labels(at)
    _, data = at.session_state["export_deck"]
    assert Presentation(io.BytesIO(data)).slides[1].shapes.title.text == SLIDE_TITLES["headline"]
    text = deck_text(data)
    found = {n for n in real_names if n in text}
    if presenting:
        assert found == set() and "Pilot " in text
    else:
        assert len(found) >= 10  # the same search finds the real names when not presenting
    at.run()  # a rerun offers the built deck without building it again
    assert len(built) == 1 and "Download slide deck (pptx)" in download_labels(at)


@pytest.mark.parametrize("presenting", [False, True])
def test_the_pilot_page_offers_its_one_pager(store_path, monkeypatch, real_names, presenting):
    callables = []
    original = MediaFileManager.add_deferred

    def recorded(self, data_callable, *args, **kwargs):
        callables.append(data_callable)
        return original(self, data_callable, *args, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", recorded)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    if presenting:
        at.sidebar.toggle(key="present").set_value(True)
        at.run()
    at.switch_page("app_pages/pilot.py")
    at.run()
    no_errors(at)
    assert "One-pager (HTML)" in download_labels(at)
    pages = [c() for c in callables if getattr(c, "func", None).__name__ == "onepager_html"]
    assert pages, "the one-pager is built only when the button is clicked: a callable download"
    page = pages[-1]
    assert "<h2>Gates of each option</h2>" in page and "<h2>Answers and where they came from</h2>" in page
    found = {n for n in real_names if n.replace("&", "&amp;") in page}
    if presenting:
        assert found == set() and "names and owners anonymised" in page
    else:
        assert found  # the pilot's own name and owner
