"""The printable HTML summary: self-contained, user text escaped."""

from __future__ import annotations

import plotly.graph_objects as go

from kairo_scoring import score, summary_figures, summary_html
from tests.portfolio.fixtures import four_pilots

NASTY = '<script>alert("x")</script>'


def test_summary_is_self_contained_and_escapes_user_text():
    pilots = four_pilots()
    pilots.loc[2, "name"] = NASTY  # Charlie is at risk: it is in "pilots to act on first"
    scored = score(pilots)
    figure = go.Figure(go.Bar(x=[1, 2], y=[3, 4]))
    html = summary_html(scored, figures=[("A chart", figure)], portfolio="Client <b>X</b>", snapshot="#1")
    assert NASTY not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "Client &lt;b&gt;X&lt;/b&gt;" in html
    assert "<script src=" not in html  # plotly.js inline, no CDN
    assert html.count("plotly.js v") >= 1 or "Plotly" in html
    assert len(html) > 1_000_000  # plotly.js is embedded
    assert "Pilots to act on first" in html and ">4<" in html


def test_summary_without_figures_is_small():
    html = summary_html(score(four_pilots()), figures=[])
    assert html.startswith("<!DOCTYPE html>") and len(html) < 100_000
    assert "At risk" in html


def test_the_summary_builds_its_own_figures_in_the_profile_s_currency():
    scored = score(four_pilots())
    figures = summary_figures(scored)
    assert [title for title, _ in figures][2:] == ["Verdicts", "What blocks the most pilots"]
    html = summary_html(scored)  # the Export page and `kairo report` both call it so
    assert html.count('class="chart"') == len(figures)
    assert "USD " in html and "1.2M" not in html  # one money format, with the currency
