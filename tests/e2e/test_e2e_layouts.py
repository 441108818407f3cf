"""Every page at the three sizes its users read it at, in Chromium: a 1440×900 desktop, a 1280×720
projector in presentation mode, a 390×844 phone. Screenshots of each (set KAIRO_SHOTS_COPY to a
folder to get a copy there too), and the layout facts a reader needs: nothing cut off, room-sized
chart text, no sideways scrolling on a phone, no label over another."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from kairo_scoring import ROOM_FONT_SIZE
from tests.e2e.conftest import settle_drawn

pytestmark = pytest.mark.e2e
WAIT = 60_000  # ms

PAGES = {
    "portfolio": "",
    "pilot": "scorecard?pilot=KP-003",
    "history": "snapshots",
    "intake": "import",
    "export": "downloads",
    "scoring_model": "model",
}
# name: (width, height, URL parameters)
LAYOUTS = {
    "desktop": (1440, 900, ""),
    "projector": (1280, 720, "present=true"),
    "phone": (390, 844, ""),
}

# Every element whose text is wider than its box: a metric label or value, a heading.
TRUNCATED_JS = """() => {
  const boxes = document.querySelectorAll(
    '[data-testid=stMetricLabel], [data-testid=stMetricValue], [data-testid=stHeading], h1, h2, h3, h4');
  const cut = [];
  for (const box of boxes) {
    for (const el of [box, ...box.querySelectorAll('*')]) {
      if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) {
        cut.push(`${box.getAttribute('data-testid') || box.tagName}: ${box.innerText.trim()}`);
        break;
      }
    }
  }
  return cut;
}"""
# Font size (px) and text of every visible text in every plotly chart.
CHART_TEXT_JS = """(selector) => [...document.querySelectorAll(selector)]
  .filter(t => t.textContent.trim() && t.getBoundingClientRect().width > 0
               && getComputedStyle(t).visibility !== 'hidden' && getComputedStyle(t).display !== 'none')
  .map(t => [parseFloat(getComputedStyle(t).fontSize), t.textContent.trim()])"""
# Pairs of boxes (of the elements matching a selector) that overlap by more than a pixel.
OVERLAPS_JS = """(selector) => {
  const items = [...document.querySelectorAll(selector)]
    .filter(e => e.textContent.trim() && e.getBoundingClientRect().width > 0)
    .map(e => [e.textContent.trim(), e.getBoundingClientRect()]);
  const hits = [];
  for (let i = 0; i < items.length; i++) for (let j = i + 1; j < items.length; j++) {
    const [a, r] = items[i], [b, s] = items[j];
    const w = Math.min(r.right, s.right) - Math.max(r.left, s.left);
    const h = Math.min(r.bottom, s.bottom) - Math.max(r.top, s.top);
    if (w > 1 && h > 1) hits.push(`${a} / ${b}`);
  }
  return hits;
}"""


# Every axis's text (tick labels, axis titles) of every chart that lies beyond its chart's frame:
# the charts set their own margins (present/figures/style.py::fixed_margins), so a margin too
# narrow for its labels shows here as a label cut at the edge.
AXIS_TEXT_CUT_JS = """() => {
  const cut = [];
  for (const plot of document.querySelectorAll('.js-plotly-plot')) {
    const svg = plot.querySelector('.main-svg');
    if (!svg) continue;
    const frame = svg.getBoundingClientRect();
    for (const t of plot.querySelectorAll('.xtick text, .ytick text, .g-xtitle text, .g-ytitle text')) {
      const r = t.getBoundingClientRect();
      if (!t.textContent.trim() || r.width === 0) continue;
      if (r.left < frame.left - 1 || r.right > frame.right + 1 || r.top < frame.top - 1 || r.bottom > frame.bottom + 1)
        cut.push(`${t.textContent.trim()} (${Math.round(r.left - frame.left)}..${Math.round(r.right - frame.left)} of ${Math.round(frame.width)})`);
    }
  }
  return cut;
}"""


def url_of(app_url: str, page_name: str, layout: str) -> str:
    path, query = PAGES[page_name], LAYOUTS[layout][2]
    if query:
        path += ("&" if "?" in path else "?") + query
    return f"{app_url}/{path}"


def settle(page: Page) -> None:
    """Wait until the script has finished, nothing is a loading placeholder, and charts are drawn."""
    settle_drawn(page, WAIT)


def open_at(page: Page, url: str) -> None:
    page.goto(url, timeout=WAIT)
    expect(page.get_by_test_id("stMain")).to_be_visible(timeout=WAIT)
    settle(page)


@pytest.fixture(params=list(LAYOUTS))
def layout(request) -> str:
    return request.param


def new_page(browser: Browser, layout: str) -> Page:
    width, height, _ = LAYOUTS[layout]
    options = dict(viewport={"width": width, "height": height})
    if layout == "phone":
        options.update(is_mobile=True, has_touch=True, device_scale_factor=2)
    return browser.new_context(**options).new_page()


@pytest.fixture
def sized_page(browser: Browser, layout: str):
    page = new_page(browser, layout)
    yield page
    page.context.close()


@pytest.fixture(scope="session")
def shots(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("layouts")


def save_shots(page: Page, folder: Path, name: str) -> list[Path]:
    """The first screen as a user sees it, and `<name>_full.png` with all of the page (Streamlit
    scrolls inside its main container, so the viewport is stretched for that); copied to
    $KAIRO_SHOTS_COPY when it is set."""
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    first, full = folder / f"{name}.png", folder / f"{name}_full.png"
    page.screenshot(path=str(first))
    tall = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=stMain]')].map(e => e.scrollHeight))"
    )
    page.set_viewport_size({"width": width, "height": min(int(tall) + 40, 12_000)})
    page.wait_for_timeout(1000)  # charts re-layout to the new size
    page.screenshot(path=str(full))
    page.set_viewport_size({"width": width, "height": height})
    copy = os.environ.get("KAIRO_SHOTS_COPY")
    if copy:
        Path(copy).mkdir(parents=True, exist_ok=True)
        for path in (first, full):
            shutil.copy(path, Path(copy) / path.name)
    return [first, full]


def test_every_page_at_every_size(sized_page: Page, app_url, layout, shots):
    width = LAYOUTS[layout][0]
    for name in PAGES:
        open_at(sized_page, url_of(app_url, name, layout))
        expect(sized_page.get_by_test_id("stException")).to_have_count(0)
        for path in save_shots(sized_page, shots, f"{layout}_{name}"):
            assert path.stat().st_size > 10_000, path
        scroll = sized_page.evaluate("() => document.documentElement.scrollWidth")
        assert scroll <= width + 1, f"{name} scrolls sideways at {layout}: {scroll}px wide"


@pytest.mark.parametrize("page_name", ["portfolio", "pilot"])
def test_no_metric_or_heading_is_cut_off_on_the_projector(browser: Browser, app_url, page_name):
    page = new_page(browser, "projector")
    open_at(page, url_of(app_url, page_name, "projector"))
    expect(page.get_by_text("presentation mode").first).to_be_visible()
    assert page.evaluate(TRUNCATED_JS) == []
    page.context.close()


def chart_fonts(page: Page) -> list[tuple[float, str]]:
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=WAIT)
    return page.evaluate(CHART_TEXT_JS, ".js-plotly-plot svg text")


@pytest.mark.parametrize("page_name", ["portfolio", "pilot"])
def test_presentation_mode_draws_room_sized_chart_text(browser: Browser, app_url, page_name):
    page = new_page(browser, "projector")
    open_at(page, url_of(app_url, page_name, "projector"))
    fonts = chart_fonts(page)
    assert len(fonts) > 20
    assert [(size, text) for size, text in fonts if size < ROOM_FONT_SIZE] == []
    if page_name == "portfolio":  # the hover text of a pilot in the placement grid
        page.locator(".js-plotly-plot .scatterlayer .point").first.hover(force=True)
        expect(page.locator(".hoverlayer .hovertext").first).to_be_attached(timeout=WAIT)
        hover = page.evaluate(CHART_TEXT_JS, ".hoverlayer text")
        assert hover and min(size for size, _ in hover) >= ROOM_FONT_SIZE
    page.context.close()

    # Out of presentation mode the same charts are desk-sized: the check above can fail.
    page = new_page(browser, "desktop")
    open_at(page, url_of(app_url, page_name, "desktop"))
    assert min(size for size, _ in chart_fonts(page)) < ROOM_FONT_SIZE
    page.context.close()


def test_presentation_mode_collapses_the_sidebar(browser: Browser, app_url):
    page = new_page(browser, "desktop")
    open_at(page, app_url)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_have_attribute("data-collapsed", "false")  # a desktop starts with it open
    sidebar.get_by_text("Presentation mode").click()
    settle(page)
    expect(sidebar).to_have_attribute("data-collapsed", "true")
    open_at(page, url_of(app_url, "pilot", "projector"))  # a shared link starts collapsed
    expect(page.get_by_test_id("stSidebar")).to_have_attribute("data-collapsed", "true")
    page.context.close()


def test_the_portfolio_on_a_phone(browser: Browser, app_url):
    page = new_page(browser, "phone")
    open_at(page, app_url)
    expect(page.get_by_test_id("stSidebar")).to_have_attribute("data-collapsed", "true")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390 + 1

    # The headline figures and the placement grid fit the screen; the grid shows all four columns.
    for metric in page.get_by_test_id("stMetric").all()[:4]:
        box = metric.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390 + 1
    grid = page.locator(".js-plotly-plot").filter(has=page.locator(".scatterlayer .point")).first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390 + 1
    ticks = page.evaluate(CHART_TEXT_JS, ".js-plotly-plot:has(.scatterlayer .point) .xtick text")
    assert len(ticks) == 4
    assert page.evaluate(OVERLAPS_JS, ".js-plotly-plot:has(.scatterlayer .point) .xtick text") == []

    # No two sankey labels overlap (the flow chart scrolls sideways in its own box instead).
    page.locator(".js-plotly-plot .sankey").first.scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    assert len(page.evaluate(CHART_TEXT_JS, ".sankey .node-label")) >= 8
    assert page.evaluate(OVERLAPS_JS, ".sankey .node-label") == []

    # No legend under a chart toolbar: plotly's toolbar is not drawn on a phone.
    legends = page.locator(".js-plotly-plot .legend")
    assert legends.count() >= 2
    expect(page.locator(".js-plotly-plot .modebar-container").first).to_be_hidden()
    page.context.close()


def test_no_chart_axis_text_is_cut_or_overlaps_at_any_size(sized_page: Page, app_url, layout):
    """The Portfolio page's charts at desk, projector (room-sized text) and phone sizes: each
    tick label and axis title inside its chart, and no two tick labels of a chart over another."""
    open_at(sized_page, url_of(app_url, "portfolio", layout))
    charts = sized_page.locator(".js-plotly-plot")
    expect(charts.nth(3)).to_be_attached(timeout=WAIT)  # the first paint's charts pass has come
    settle(sized_page)
    for index in range(charts.count()):  # plotly draws a chart once it is scrolled near
        charts.nth(index).scroll_into_view_if_needed()
    sized_page.wait_for_timeout(800)
    assert sized_page.evaluate(AXIS_TEXT_CUT_JS) == []
    for index in range(charts.count()):
        chart = f".js-plotly-plot >> nth={index}"
        for ticks in (".ytick text", ".xtick text"):
            texts = charts.nth(index).locator(ticks)
            boxes = [texts.nth(i).bounding_box() for i in range(texts.count())]
            boxes = [b for b in boxes if b and b["width"] > 0]
            overlaps = [
                (i, j)
                for i in range(len(boxes))
                for j in range(i + 1, len(boxes))
                if min(boxes[i]["x"] + boxes[i]["width"], boxes[j]["x"] + boxes[j]["width"])
                - max(boxes[i]["x"], boxes[j]["x"])
                > 1
                and min(boxes[i]["y"] + boxes[i]["height"], boxes[j]["y"] + boxes[j]["height"])
                - max(boxes[i]["y"], boxes[j]["y"])
                > 1
            ]
            assert overlaps == [], f"{chart} {ticks}: labels over one another at {layout}"


def test_sankey_labels_do_not_overlap_on_desk_or_projector(browser: Browser, app_url):
    for layout in ("desktop", "projector"):
        page = new_page(browser, layout)
        open_at(page, url_of(app_url, "portfolio", layout))
        page.locator(".js-plotly-plot .sankey").first.scroll_into_view_if_needed()
        page.wait_for_timeout(800)
        assert page.evaluate(OVERLAPS_JS, ".sankey .node-label") == [], layout
        page.context.close()
