"""The look every figure shares: the font and axis style, the base layout (`_figure`,
built without plotly's per-property validation) and `figure_text`, the one escaping rule for
text from data. plotly renders a subset of HTML (<a>, <b>, <br>, <span style>…) in hover
templates, hover text, text labels, category ticks, legend names, annotations and sankey
labels, so every string that comes from data passes through `figure_text` before it reaches
a figure."""

from __future__ import annotations

import plotly.graph_objects as go

from kairo_scoring.present.palette import GRID, INK, VERDICT_COLOURS
from kairo_scoring.values import is_missing

FONT = dict(family="Inter, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif", size=13, color=INK)
AXIS = dict(gridcolor=GRID, linecolor="#9CA3AF", zerolinecolor=GRID, automargin=True, title=dict(standoff=12))


def figure_text(text: object) -> str:
    """Text for a plotly figure: & < > as entities, so plotly shows it and never renders it."""
    if is_missing(text):
        return ""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _texts(values) -> list[str]:
    return [figure_text(v) for v in values]


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
