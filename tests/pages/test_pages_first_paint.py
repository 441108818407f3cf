"""The Portfolio page's first paint: the headline and the charts first, the tables and the
sidebar once the charts are drawn.

A browser session's first run sends the headline (as markdown tiles), the short lists' titles
and blank boxes of the tables' heights, the charts, and a small page script that asks for the
whole page once the charts are drawn (docs/benchmarks.md, "First paint"). Every later run draws
the whole page at once. AppTest has
no browser (no request headers), so it always sees the whole page; here a browser is faked.
"""

from __future__ import annotations

import re

import pytest
import streamlit as st
from streamlit.proto.LabelVisibility_pb2 import LabelVisibility
from streamlit.testing.v1 import AppTest

from tests.pages.conftest import APP, TIMEOUT, metrics, no_errors


@pytest.fixture
def browser(monkeypatch):
    """The session has request headers, as one a browser opened does."""
    monkeypatch.setattr(type(st.context), "headers", property(lambda self: {"User-Agent": "Chromium"}))


def _kinds(at: AppTest) -> list[str]:
    found: list[str] = []

    def walk(node) -> None:
        found.append(getattr(node, "type", ""))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.main)
    return found


FIGURE = re.compile(r":small\[(.*?)\]\n\n## (.*)", re.DOTALL)  # ui.widgets.figure, early


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)  # ui.text.md_escape undone


def early_figures(at: AppTest) -> dict[str, str]:
    """The headline pass's figures ({label: value}), drawn as markdown tiles."""
    found = [(FIGURE.fullmatch(m.value), m) for m in at.markdown]
    return {_unescape(f[1]): _unescape(f[2]) for f, _ in found if f}


def early_tiles(at: AppTest) -> list:
    return [m for m in at.markdown if FIGURE.fullmatch(m.value)]


def test_a_browser_sessions_first_run_sends_the_headline_before_any_chart_or_table(store_path, browser):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["verdict"] = "promote"
    at.run()
    no_errors(at)
    early = early_figures(at)
    # Plain markdown: no element code of their own, and no markdown plugin either (HTML, maths and
    # emoji each load one first, and the tile would wait for it behind a grey box).
    assert len(early_tiles(at)) >= 6 and not any(m.proto.allow_html for m in early_tiles(at))
    assert not any(
        "$" in m.value.replace("\\$", "") or re.search(r"(?<!\\):\w+:", m.value) for m in early_tiles(at)
    )
    assert int(early["Pilots"]) > 0 and early["Pilots"] == early["Ready to promote"]  # the filters apply
    kinds = _kinds(at)
    assert kinds.count("plotly_chart") >= 3, kinds  # the charts come with the headline, after it
    assert "dataframe" not in kinds, kinds  # the tables' code waits until the charts are drawn
    assert "button_group" not in kinds, kinds  # and so do the charts' choices (blank boxes of their height)
    assert kinds.index("markdown") < kinds.index("plotly_chart")  # the headline's tiles first
    # One metric tile, empty and after every chart: its code loads with the charts', so the next
    # pass's metric tiles replace the markdown ones at once (no grey boxes in between).
    assert [(m.label, m.value) for m in at.metric] == [("Headline figures", "")]
    assert at.metric[0].proto.label_visibility.value == LabelVisibility.LabelVisibilityOptions.COLLAPSED
    assert kinds.index("metric") > len(kinds) - 1 - kinds[::-1].index("plotly_chart")
    assert at.session_state["_first_paint"] == "now"
    assert not at.sidebar.multiselect and not at.sidebar.selectbox  # its widgets come next

    at.run()  # what the page script's trigger asks for once the charts are drawn
    no_errors(at)
    assert at.session_state["_first_paint"] == "done"
    verdicts = [m for m in at.sidebar.multiselect if m.key == "verdict"]
    assert verdicts and verdicts[0].value == ["promote"]  # the sidebar, with the link's filter kept
    first = metrics(at)
    assert first == early  # the metric tiles show what the markdown tiles showed, in their place
    assert not early_figures(at)
    kinds = _kinds(at)
    assert kinds.count("plotly_chart") >= 3, kinds
    assert kinds.count("dataframe") >= 2, kinds  # the short lists and the pilot table
    assert kinds.count("button_group") == 4, kinds  # the charts' choices, at their defaults
    assert at.segmented_control(key="placement_picture").value == "Needs vs can govern"


def test_later_runs_draw_everything_at_once(store_path, browser):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.run()
    at.run()
    drawn = _kinds(at)
    assert "dataframe" in drawn
    at.sidebar.multiselect[0].select(at.sidebar.multiselect[0].options[0]).run()  # a filter
    no_errors(at)
    assert "plotly_chart" in _kinds(at)
    at.run()
    assert _kinds(at).count("plotly_chart") == drawn.count("plotly_chart")


def test_without_a_browser_the_first_run_draws_the_whole_page(store_path):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    no_errors(at)
    assert "plotly_chart" in _kinds(at) and "dataframe" in _kinds(at)


def test_a_first_paint_with_dropped_link_values_draws_the_sidebar_on_the_next_pass(store_path, browser):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["verdict"] = "promote"
    at.query_params["risk"] = "no such risk level"  # dropped: not an option
    at.query_params["bu"] = "Nowhere"  # dropped too
    at.run()
    no_errors(at)
    assert early_figures(at) and not at.sidebar.multiselect  # the headline first
    at.run()  # the pass the page asked for
    no_errors(at)
    assert [m.value for m in at.sidebar.multiselect if m.key == "verdict"] == [["promote"]]


def test_a_first_paint_that_finds_no_pilot_draws_the_sidebar_at_once(store_path, browser):
    """The page stops before it asks for a next pass: the filters must not wait for one."""
    seed = AppTest.from_file(APP, default_timeout=TIMEOUT)
    seed.run()
    table = seed.session_state["_view"].everything.table
    # Two filters that each keep pilots and together none: a business unit and an owner of another.
    unit, owner = next(
        (unit, owner)
        for unit in sorted(table["business_unit"].dropna().unique())
        for owner in sorted(table["owner"].dropna().unique())
        if not ((table["business_unit"] == unit) & (table["owner"] == owner)).any()
    )

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["bu"] = unit
    at.query_params["owner"] = owner
    at.run()
    no_errors(at)
    assert at.session_state["_first_paint"] == "done" and not early_figures(at)
    assert any("No pilot matches the filters" in i.value for i in at.info)
    assert [m.value for m in at.sidebar.multiselect if m.key == "bu"] == [[unit]]  # the filters, at once
