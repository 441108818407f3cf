"""Output safety (AppTest): text from uploads never reaches the page as HTML or live markdown,
and an upload's file name never becomes a path on disk. The browser half is
tests/security/test_browser_xss.py."""

from __future__ import annotations

import re
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kairo_scoring import PortfolioStore
from tests.pages.conftest import REPO, metrics, no_errors
from ui.text import md_escape

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
JS_LINK = "[x](javascript:alert(1))"
IMAGE = "![i](http://127.0.0.1:1/x.png)"
PAYLOADS = (SCRIPT, IMG, JS_LINK, IMAGE)
# Names, units and owners full of markup; a csv keeps every character as typed.
HOSTILE_CSV = (
    "Pilot name,Unit,Owner,Process maturity,Controls,Monthly volume,Risk\n"
    f"{SCRIPT} {JS_LINK},{IMG},{IMAGE},4,4,1200,low\n"
    f"{IMAGE} bot,{JS_LINK},{SCRIPT},2,2,50,medium\n"
    f"{IMG} review,{SCRIPT},{JS_LINK},3,3,10,high\n"
).encode()
HOSTILE_PORTFOLIO = f"Q3 {SCRIPT} {JS_LINK}"
# Markdown element types (and the fields of them) that Streamlit renders as markdown.
MARKDOWN_FIELDS = {
    "markdown": ("value",),
    "caption": ("value",),
    "title": ("value",),
    "header": ("value",),
    "subheader": ("value",),
    "info": ("value",),
    "warning": ("value",),
    "error": ("value",),
    "success": ("value",),
    "toast": ("value",),
    "metric": ("label", "value", "delta"),
    "button": ("label",),
    "download_button": ("label",),
    "expander": ("label",),
    "tab": ("label",),
    "badge": ("label", "value"),
}
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def markdown_strings(at: AppTest) -> list[str]:
    """Every string this run hands to Streamlit's markdown renderer."""
    found = []
    for kind, fields in MARKDOWN_FIELDS.items():
        for element in at.get(kind):
            for name in fields:
                value = getattr(element, name, None)
                if isinstance(value, str) and value:
                    found.append(value)
    return found


def assert_user_text_escaped(at: AppTest) -> int:
    """Each payload shows up in markdown only backslash-escaped; returns how often it showed."""
    shown = 0
    for text in markdown_strings(at):
        as_read = _ESCAPED.sub(r"\1", text)  # what a reader sees once escapes are applied
        for payload in PAYLOADS:
            occurrences = as_read.count(payload)
            assert text.count(md_escape(payload)) == occurrences, f"live markup in markdown: {text!r}"
            shown += occurrences
    return shown


def test_md_escape_leaves_no_markup_active():
    for payload in PAYLOADS:
        escaped = md_escape(payload)
        assert _ESCAPED.sub(r"\1", escaped) == payload
        assert not re.search(r"(?<!\\)[<>\[\]()!:]", escaped), escaped


def import_hostile_register(app: AppTest, filename: str = "hostile.csv") -> None:
    app.switch_page("app_pages/intake.py")
    app.run()
    app.file_uploader(key="register_upload").upload(filename, HOSTILE_CSV, "text/csv")
    app.run()
    no_errors(app)
    assert metrics(app)["Rows accepted"] == "3"
    app.text_input(key="intake_portfolio").set_value(HOSTILE_PORTFOLIO)
    app.run()
    next(b for b in app.button if b.label == "Save snapshot").click()
    app.run()
    no_errors(app)


def test_hostile_names_owners_and_units_are_escaped_on_every_page(app, store_path):
    import_hostile_register(app)
    assert app.session_state["portfolio"] == HOSTILE_PORTFOLIO
    shown = assert_user_text_escaped(app)  # the Intake page after saving, with its flash message
    assert shown >= 2

    for page in (
        "app_pages/portfolio.py",
        "app_pages/history.py",
        "app_pages/export.py",
        "app_pages/scoring_model.py",
    ):
        app.switch_page(page)
        app.run()
        no_errors(app)
        assert assert_user_text_escaped(app) >= 2, page  # the portfolio name in the context line

    with PortfolioStore(store_path) as store:
        snapshot = store.latest_snapshot_id(HOSTILE_PORTFOLIO)
        pilots = store.load_pilots(snapshot)
    assert set(pilots["name"]) >= {f"{IMAGE} bot", f"{IMG} review"}  # stored as typed
    app.switch_page("app_pages/pilot.py")
    for pilot_id, name in zip(pilots["pilot_id"], pilots["name"], strict=True):
        app.session_state["pilot_id"] = pilot_id
        app.run()
        no_errors(app)
        assert [h.value for h in app.header] == [md_escape(name)]
        assert assert_user_text_escaped(app) >= 4  # name, unit and owner at least


def test_a_hostile_file_name_is_shown_as_text_only(app):
    hostile_name = f"{IMG}.csv"
    app.switch_page("app_pages/intake.py")
    app.run()
    app.file_uploader(key="register_upload").upload(hostile_name, HOSTILE_CSV, "text/csv")
    app.run()
    no_errors(app)
    assert_user_text_escaped(app)
    # the suggested portfolio name is an input's value: plain text, never rendered
    assert app.text_input(key="intake_portfolio").value == IMG


def _evil_files(roots: list[Path]) -> set[Path]:
    found = set()
    for root in roots:
        for path in root.rglob("*evil*"):
            if ".venv" not in path.parts:
                found.add(path)
    return found


@pytest.mark.parametrize(
    "filename", ["../../evil.csv", "..\\..\\evil.csv", "/tmp/evil.csv", "data/../../evil.csv"]
)
def test_an_upload_file_name_never_becomes_a_path(app, store_path, filename):
    data_dir = REPO / "data"
    tmp = Path(tempfile.gettempdir())
    watched = [
        data_dir,
        store_path.parent,
        store_path.parent.parent,
        REPO / "tests",
        REPO / "ui",
        REPO / "pages",
    ]
    candidates = {
        (base / part).resolve()
        for base in (Path.cwd(), REPO, data_dir, store_path.parent, tmp)
        for part in (filename, filename.replace("\\", "/"), "evil.csv")
    }
    data_before = sorted(p.name for p in data_dir.iterdir())
    evil_before = _evil_files(watched)
    assert not [p for p in candidates if p.exists()]

    app.switch_page("app_pages/intake.py")
    app.run()
    app.file_uploader(key="register_upload").upload(filename, HOSTILE_CSV, "text/csv")
    app.run()
    no_errors(app)
    app.text_input(key="intake_portfolio").set_value("Traversal test")
    app.run()
    next(b for b in app.button if b.label == "Save snapshot").click()
    app.run()
    no_errors(app)
    assert not [p for p in candidates if p.exists()]
    assert _evil_files(watched) == evil_before
    assert sorted(p.name for p in data_dir.iterdir()) == data_before
    with PortfolioStore(store_path) as store:
        stored = store.snapshots("Traversal test")
    assert stored["source_name"].tolist() == ["evil.csv"]  # the base name, as text


# --- plotly figures ---------------------------------------------------------------------
# plotly renders a subset of HTML in hover templates, hover and text labels, category ticks,
# legend names, annotations and sankey labels: user text must reach a figure as entities.
LINK = '<a href="https://evil.example">Click to verify</a>'
FIGURE_PAYLOADS = (
    LINK,
    "<b>bold</b> & <i>italic</i>",
    '<span style="font-size:80px">big</span>',
    "line<br>break",
    "&lt;b&gt;typed as entities&lt;/b&gt;",
    SCRIPT,
    IMG,
)
# The only markup the chart builders write themselves.
OWN_MARKUP = re.compile(r"</?(?:b|br|extra)>")


def _hostile_scored():
    from kairo_scoring import sample_portfolio, score

    frame = sample_portfolio()
    for i in range(len(frame)):
        payload = FIGURE_PAYLOADS[i % len(FIGURE_PAYLOADS)]
        frame.loc[i, "pilot_id"] = f"{payload} #{i}"
        frame.loc[i, "name"] = f"{payload} pilot {i}"
        frame.loc[i, "owner"] = payload
    return score(frame)


def hostile_figures() -> dict[str, object]:
    """Every chart builder, fed the payloads wherever user text (or profile text) reaches it."""
    from kairo_scoring import (
        blocker_summary,
        compare_snapshots,
        demand_supply_grid,
        mode_flows,
        placement_points,
        top_blockers,
        verdict_counts,
        verdict_trend,
    )
    from kairo_scoring.present import figures as charts

    scored = _hostile_scored()
    table = scored.table
    placement = placement_points(table)
    blockers = top_blockers(blocker_summary(scored)).reset_index(drop=True)
    blockers["phrase"] = [FIGURE_PAYLOADS[i % len(FIGURE_PAYLOADS)] for i in range(len(blockers))]
    contributions = scored.contributions([table["pilot_id"].iloc[0]]).copy()
    contributions["dimension"] = LINK
    dims = {payload: 50.0 for payload in FIGURE_PAYLOADS}
    trend = verdict_trend([(payload, table) for payload in FIGURE_PAYLOADS])
    grid = demand_supply_grid(table)
    return {
        "grid": charts.placement_grid(placement, grid),
        "triangle": charts.fit_triangle(placement),
        "sankey": charts.flow_sankey(mode_flows(table)),
        "verdicts": charts.verdict_bars(verdict_counts(table)),
        "blockers": charts.blocker_bars(blockers),
        "blockers_value": charts.blocker_bars(blockers, by="value_blocked"),
        "radar": charts.dimension_radar(dims, compare=dims),
        "contributions": charts.contribution_bars(contributions),
        "deltas": charts.readiness_delta_histogram(compare_snapshots(table, table).readiness_deltas),
        "trend": charts.verdict_trend_chart(trend),
        "heatmap": charts.grid_heatmap(grid),
    }


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list | tuple):
        return [s for item in value for s in _strings(item)]
    if hasattr(value, "tolist"):
        return _strings(value.tolist())
    return []


# Where each figure shows user text; the payload must arrive there (escaped), or the check is empty.
CARRIES_USER_TEXT = {"grid", "triangle", "blockers", "blockers_value", "radar", "contributions", "trend"}


@pytest.fixture(scope="module")
def figures() -> dict[str, object]:
    return hostile_figures()


def test_no_user_markup_reaches_any_figure(figures):
    from kairo_scoring.present.figures import figure_text as plain

    for name, figure in figures.items():
        strings = _strings(figure.to_plotly_json())
        for text in strings:
            for payload in FIGURE_PAYLOADS:
                assert payload not in text, f"{name}: raw user markup in {text[:120]!r}"
            assert "<" not in OWN_MARKUP.sub("", text), (
                f"{name}: markup beyond the builders' own: {text[:120]!r}"
            )
        if name in CARRIES_USER_TEXT:
            shown = "\n".join(strings)
            assert any(plain(payload) in shown for payload in FIGURE_PAYLOADS), f"{name} shows no user text"


def test_plain_escapes_markup_once_and_plotly_shows_it_as_typed():
    import html

    from kairo_scoring.present.figures import figure_text as plain

    for payload in FIGURE_PAYLOADS:
        escaped = plain(payload)
        assert "<" not in escaped and ">" not in escaped
        assert html.unescape(escaped) == payload  # what plotly displays: the text as typed
    assert plain(None) == "" and plain(float("nan")) == ""


def test_a_clicked_point_opens_the_pilot_whose_id_holds_markup(figures):
    from ui.widgets import selected_point_id

    figure = figures["grid"]
    shown_ids = [row[0] for trace in figure.data for row in trace.customdata]
    raw_ids = set(_hostile_scored().table["pilot_id"])
    for shown in shown_ids:
        event = {"selection": {"points": [{"customdata": [shown, "name"]}]}}
        assert selected_point_id(event) in raw_ids


class _Elements(HTMLParser):
    """The tags and attributes of an HTML document (script bodies are text to this parser)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def test_the_html_summary_with_its_charts_carries_no_live_user_markup(figures):
    from kairo_scoring import summary_html

    document = summary_html(
        _hostile_scored(),
        figures=[(f"Chart {LINK}", figure) for figure in figures.values()],
        portfolio=LINK,
        snapshot=IMG,
        filters=SCRIPT,
    )
    from plotly.io.json import to_json_plotly

    from kairo_scoring.present.figures import figure_text as plain

    for payload in FIGURE_PAYLOADS:
        assert payload not in document, payload
        # The charts' data is JSON inside a script (< as \u003c); plotly parses it and renders it.
        assert to_json_plotly(payload).strip('"') not in document, f"chart data holds {payload!r}"
    assert to_json_plotly(plain(LINK)).strip('"') in document  # the charts do show the user text
    parser = _Elements()
    parser.feed(document)
    tags = {tag for tag, _ in parser.found}
    assert tags <= {"html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "div", "span", "table",
                    "thead", "tbody", "tr", "th", "td", "section", "script"}, tags  # fmt: skip
    assert not [attrs for _, attrs in parser.found if "href" in attrs or "src" in attrs or "onerror" in attrs]
    assert "Chart &lt;a href=&quot;https://evil.example&quot;&gt;" in document  # shown, as text
