"""The look every figure shares: the font and axis style, the base layout (`_figure`,
built without plotly's per-property validation) and `figure_text`, the one escaping rule for
text from data. plotly renders a subset of HTML (<a>, <b>, <br>, <span style>…) in hover
templates, hover text, text labels, category ticks, legend names, annotations and sankey
labels, so every string that comes from data passes through `figure_text` before it reaches
a figure."""

from __future__ import annotations

import html
import textwrap

import plotly.graph_objects as go

from kairo_scoring.present.palette import GRID, INK, VERDICT_COLOURS
from kairo_scoring.values import is_missing

FONT = dict(family="Inter, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif", size=13, color=INK)
AXIS = dict(gridcolor=GRID, linecolor="#9CA3AF", zerolinecolor=GRID, automargin=True, title=dict(standoff=12))


# Margins worked out here rather than by plotly's axis automargin, which measures every label in
# the page and then draws the chart again: the four charts of the Portfolio page draw a third
# sooner without it (docs/benchmarks.md). A line's width is summed per character, in em of the
# sans faces of FONT, rounded up (capitals and m/w wide, i/l/punctuation narrow) so no label is
# cut; measured in Chromium, plotly's own margin for the blockers' labels was 0.47 em a character.
_WIDE, _NARROW = frozenset("mwMW@%"), frozenset(" .,:;il|!'()[]-")
_LINE_EM = 1.3
_TICK_GAP = 8  # px between the ticks' text and the plot, and kept free at the edge


def _em(line: str) -> float:
    return sum(
        0.95
        if c in _WIDE
        else 0.32
        if c in _NARROW
        else 0.74
        if c.isupper()
        else 0.58
        if c.isdigit()
        else 0.55
        for c in line
    )


def _lines(text: str) -> list[str]:
    return str(text).split("<br>") if text else []


def _width(texts, size: float) -> float:
    """Pixels the widest line of `texts` (figure text: entities count as one character) needs."""
    return max((_em(html.unescape(line)) for text in texts for line in _lines(text)), default=0) * size


def _height(texts, size: float) -> float:
    """Pixels the tallest of `texts` (lines split at <br>) needs."""
    return max((len(_lines(text)) for text in texts), default=0) * size * _LINE_EM


def fixed_margins(
    *,
    left_ticks=(),
    left_title: str = "",
    bottom_ticks=(),
    bottom_title: str = "",
    top: int = 20,
    right: int = 40,
    size: float = FONT["size"],
) -> dict:
    """A figure's margins for its axes' text, in place of automargin: left for the y tick labels
    and title (which reads sideways: its lines' height), bottom for the x tick labels and title.
    ``right`` keeps room for text outside the longest bar."""
    standoff = AXIS["title"]["standoff"]
    left = _width(left_ticks, size) + (_height([left_title], size) + standoff if left_title else 0)
    bottom = _height(bottom_ticks, size) + (_height([bottom_title], size) + standoff if bottom_title else 0)
    return dict(l=round(left + 2 * _TICK_GAP), r=right, t=top, b=round(bottom + 2 * _TICK_GAP))


def figure_text(text: object) -> str:
    """Text for a plotly figure: & < > as entities, so plotly shows it and never renders it."""
    if is_missing(text):
        return ""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _wrapped(text: object, width: int = 10) -> str:
    """Figure text broken into lines of about `width` characters, so a tick label is narrow
    enough for a column of a phone-wide chart."""
    return "<br>".join(figure_text(line) for line in textwrap.wrap(str(text), width)) or figure_text(text)


def _texts(values) -> list[str]:
    return [figure_text(v) for v in values]


def _fixed_axis(**overrides) -> dict:
    """An axis whose margin the figure sets (`fixed_margins`), not plotly's automargin."""
    return _axis(automargin=False, **overrides)


def _axis(**overrides) -> dict:
    out = {**AXIS, **overrides}
    if isinstance(out.get("title"), str):
        out["title"] = dict(text=out["title"], standoff=12)
    return out


def _figure(data: list[dict], layout: dict, *, height: int, legend: bool = True) -> go.Figure:
    """A figure from plain trace and layout dicts, styled alike.

    Built without plotly's per-property validation (it costs ~50 ms a chart, too slow for a
    10,000-pilot rerun); tests/pages/test_pages_charts.py validates every chart instead.
    """
    base = dict(
        font=FONT,
        height=height,
        margin=dict(l=10, r=10, t=40, b=10),
        showlegend=legend,
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
        hoverlabel=dict(font=dict(size=13), bgcolor="white"),
        paper_bgcolor="white",
        plot_bgcolor="white",
        colorway=list(VERDICT_COLOURS.values()),
    )
    return go.Figure(data=data, layout={**base, **layout}, _validate=False)


def _rgba(hex_colour: str, alpha: float) -> str:
    value = hex_colour.lstrip("#")
    r, g, b = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"
