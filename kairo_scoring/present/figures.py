"""Plotly figure builders: data from `kairo_scoring.views` in, a figure out.

Every figure uses the palette in `present.palette`, names every code by its label from
`present.labels`, formats numbers with `present.formats`, has axis titles, a legend where
colour carries meaning, and hover text in words. The pages show these figures and the HTML
summary embeds the same ones.

plotly renders a subset of HTML (<a>, <b>, <br>, <span style>…) in hover templates, hover
text, text labels, category ticks, legend names, annotations and sankey labels, so every
string that comes from data (names, IDs, snapshot labels, profile rules and dimensions)
passes through `figure_text` before it reaches a figure; plotly shows the entities as the
characters they stand for.

Over 400 lines because it holds every plotly figure the pages and the HTML summary draw, so that
they share one template, one palette and one escaping rule for user text.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from kairo_scoring.present.formats import count, count_phrase, money, score_text
from kairo_scoring.present.labels import (
    DEMAND_LABELS,
    SUPPLY_LABELS,
    UNKNOWN,
    column_label,
    decision_state_label,
    field_label,
    option_gate_label,
    option_label,
    verdict_label,
)
from kairo_scoring.present.palette import (
    GRID,
    INK,
    MUTED,
    OPTION_COLOURS,
    PROVENANCE_COLOURS,
    SEQUENTIAL,
    VERDICT_COLOURS,
)
from kairo_scoring.schema import OPTIONS, VERDICTS
from kairo_scoring.values import is_missing
from kairo_scoring.views import Placement, flow_node_names

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


# The smallest text a room reads off a 1280×720 projector: presentation mode grows the body
# text of `FONT` to it, every other font in proportion and none below it.
ROOM_FONT_SIZE = 18
# Layout lengths that hold text and so grow with it: margins (outside labels), the gap under an
# axis title, the gap between sankey nodes (their labels must not overlap).
_ROOM_LENGTHS = frozenset({"l", "r", "t", "b", "pad", "standoff"})


def _room_size(size, factor: float, smallest: float):
    """A font size (or per-point sizes) times `factor`, never below `smallest`; an unset size
    inherits the body text, which is `smallest` or more."""
    if isinstance(size, list | tuple):
        return [_room_size(s, factor, smallest) for s in size]
    if not isinstance(size, int | float) or isinstance(size, bool):
        return smallest
    return round(max(size * factor, smallest), 1)


def _room_spec(node, factor: float, smallest: float):
    """A copy of a plotly spec (dicts and lists) with every font and text length scaled."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key.endswith("font") and isinstance(value, dict):
                out[key] = {**value, "size": _room_size(value.get("size"), factor, smallest)}
            elif key in _ROOM_LENGTHS and isinstance(value, int | float) and not isinstance(value, bool):
                out[key] = round(value * factor, 1)
            else:
                out[key] = _room_spec(value, factor, smallest)
        return out
    if isinstance(node, list | tuple):
        return [_room_spec(v, factor, smallest) for v in node]
    return node


def scale_for_room(fig: go.Figure, *, smallest: float = ROOM_FONT_SIZE) -> go.Figure:
    """The figure for presentation mode: every font (axes, legend, labels, annotations, hover
    text) at least `smallest` px, the body text `smallest` and the others in proportion; the
    margins, axis-title gaps and sankey node gaps grow alike so the larger text still fits,
    and the figure is taller by half as much. Returns a new figure; `fig` is unchanged."""
    spec = fig.to_plotly_json()
    layout = spec.get("layout") or {}
    body = (layout.get("font") or {}).get("size") or FONT["size"]
    factor = max(smallest / body, 1.0)
    layout = _room_spec(layout, factor, smallest)
    layout.setdefault("font", {}).setdefault("size", _room_size(body, factor, smallest))
    layout.setdefault("hoverlabel", {}).setdefault("font", {}).setdefault("size", smallest)
    if isinstance(layout.get("height"), int | float):
        layout["height"] = round(layout["height"] * (1 + (factor - 1) / 2))
    data = _room_spec(list(spec.get("data") or []), factor, smallest)
    return go.Figure(data=data, layout=layout, _validate=False)


def _rgba(hex_colour: str, alpha: float) -> str:
    value = hex_colour.lstrip("#")
    r, g, b = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


# --- the portfolio across the three options ---------------------------------------------
def _wrapped(text: str, width: int = 10) -> str:
    """Figure text broken into lines of about `width` characters, so a tick label is narrow
    enough for a column of a phone-wide chart."""
    return "<br>".join(figure_text(line) for line in textwrap.wrap(str(text), width)) or figure_text(text)


def _level_axis(title: str, labels) -> dict:
    """An axis of the four levels 0..3 (nothing/assisted/shared/API), fixed, without grid lines;
    labels on short lines, so all four fit on a phone."""
    return _axis(
        title=_wrapped(title, 30),
        tickvals=list(range(4)),
        ticktext=[_wrapped(label) for label in labels],
        range=[-0.5, 3.5],
        showgrid=False,
        zeroline=False,
        fixedrange=True,
    )


def placement_grid(
    placement: Placement, grid: pd.DataFrame, *, currency: str = "", height: int = 560
) -> go.Figure:
    """Every pilot in the cell of (what it can govern, what it needs), coloured by verdict.

    Cells on the diagonal are right-sized; above it the workflow needs more than the
    organisation can govern yet (build readiness); below it there is headroom.
    """
    shapes = []
    for supply in range(4):
        for demand in range(4):
            if demand == 0:
                fill = "#F7F7F7"
            elif supply == demand:
                fill = "#E8F5EE"
            elif supply > demand:
                fill = "#EEF3FA"
            else:
                fill = "#FDF1E2"
            shapes.append(
                dict(
                    type="rect",
                    xref="x",
                    yref="y",
                    x0=supply - 0.5,
                    x1=supply + 0.5,
                    y0=demand - 0.5,
                    y1=demand + 0.5,
                    line=dict(color="white", width=3),
                    fillcolor=fill,
                    layer="below",
                )
            )
    points = placement.points
    sizes = _value_sizes(points["monthly_value"].to_numpy(dtype=float))
    verdicts = points["verdict"].to_numpy()
    data = []
    for verdict in VERDICTS:
        rows = verdicts == verdict
        if not rows.any():
            continue
        sub = points[rows]
        data.append(
            dict(
                # SVG: crisp in print and screenshots, and faster than WebGL in a browser without
                # a GPU; at most POINT_LIMIT points. Positions to 1/1000 of a cell, sizes in whole
                # pixels: finer digits are bytes sent for nothing anyone sees.
                type="scatter",
                x=sub["x"].round(3).tolist(),
                y=sub["y"].round(3).tolist(),
                mode="markers",
                name=figure_text(verdict_label(verdict)),
                marker=dict(
                    color=VERDICT_COLOURS[verdict],
                    size=sizes[rows].round().astype(int).tolist(),
                    line=dict(color="white", width=0.6),
                    opacity=0.9,
                ),
                customdata=list(  # [0] is the pilot_id a click opens: ui.widgets unescapes it
                    zip(
                        _texts(sub["pilot_id"]),
                        _texts(sub["name"]),
                        [score_text(v) for v in sub["readiness"]],
                        [money(v, currency) for v in sub["monthly_value"]],
                        strict=True,
                    )
                ),
                hovertemplate=(
                    "<b>%{customdata[1]}</b><br>%{customdata[0]} · "
                    + figure_text(verdict_label(verdict))
                    + "<br>Readiness %{customdata[2]}<br>Monthly value %{customdata[3]}<extra></extra>"
                ),
            )
        )
    annotations = [
        dict(
            x=int(cell.supply_level) + 0.47,
            y=int(cell.demand) + 0.47,
            xref="x",
            yref="y",
            text=f"<b>{count(cell.pilots)}</b><br>{money(cell.monthly_value, currency)}",  # two lines: fits a phone
            showarrow=False,
            xanchor="right",
            yanchor="top",
            font=dict(size=11, color=MUTED),
        )
        for cell in grid.itertuples()
        if cell.pilots
    ]
    layout = dict(
        shapes=shapes,
        annotations=annotations,
        xaxis=_level_axis("What the organisation can govern today (supply) →", SUPPLY_LABELS),
        yaxis=_level_axis("What the workflow needs (demand) →", DEMAND_LABELS),
        clickmode="event+select",
        dragmode=False,
    )
    return _figure(data, layout, height=height)


def _value_sizes(values: np.ndarray) -> np.ndarray:
    """Marker sizes 7..18 by the square root of monthly value (unknown value: the smallest)."""
    clean = np.nan_to_num(values, nan=0.0).clip(min=0)
    top = clean.max() if clean.size and clean.max() > 0 else 1.0
    return 7 + 11 * np.sqrt(clean / top)


def fit_triangle(placement: Placement, *, height: int = 560) -> go.Figure:
    """The three fit scores as a ternary plot, coloured by verdict."""
    points = placement.points
    data = []
    for verdict in VERDICTS:
        sub = points[points["verdict"] == verdict]
        if sub.empty:
            continue
        data.append(
            dict(
                type="scatterternary",
                a=sub["fit_assisted"].round(2).tolist(),
                b=sub["fit_workspace"].round(2).tolist(),
                c=sub["fit_pipeline"].round(2).tolist(),
                mode="markers",
                name=figure_text(verdict_label(verdict)),
                marker=dict(color=VERDICT_COLOURS[verdict], size=8, line=dict(color="white", width=0.5)),
                customdata=list(zip(_texts(sub["pilot_id"]), _texts(sub["name"]), strict=True)),
                hovertemplate=(
                    "<b>%{customdata[1]}</b><br>%{customdata[0]}<br>"
                    + "<br>".join(
                        f"Fit: {figure_text(option_label(o))} %{{{axis}:.0f}}"
                        for o, axis in zip(OPTIONS, "abc", strict=True)
                    )
                    + "<extra></extra>"
                ),
            )
        )
    axis = dict(linewidth=1, ticks="outside", gridcolor=GRID, showticklabels=False)
    layout = dict(
        ternary=dict(
            sum=1,
            aaxis=dict(title=dict(text=f"Fit: {option_label(OPTIONS[0])}"), **axis),
            baxis=dict(title=dict(text=f"Fit: {option_label(OPTIONS[1])}"), **axis),
            caxis=dict(title=dict(text=f"Fit: {option_label(OPTIONS[2])}"), **axis),
            bgcolor="white",
        ),
        margin=dict(l=60, r=60, t=70, b=40),
    )
    return _figure(data, layout, height=height)


def flow_sankey(
    flows: pd.DataFrame, *, measure: str = "pilots", currency: str = "", height: int = 460
) -> go.Figure:
    """Today's mode → recommended now → target, link width in pilots (or monthly value)."""
    stages = (("today", "Today"), ("now", "Now"), ("target", "Target"))
    index: dict[tuple[str, str], int] = {}
    labels, colours, xs = [], [], []
    for position, (stage, title) in enumerate(stages):
        for name in flow_node_names(stage):
            index[(stage, name)] = len(labels)
            labels.append(figure_text(f"{title}: {option_label(name)}"))
            colours.append(OPTION_COLOURS.get(name, OPTION_COLOURS[UNKNOWN]))
            xs.append((0.001, 0.5, 0.999)[position])
    sources, targets, values, link_colours, hovers = [], [], [], [], []
    for row in flows.itertuples():
        src_stage, dst_stage = ("today", "now") if row.step == "today→now" else ("now", "target")
        sources.append(index[(src_stage, row.source)])
        targets.append(index[(dst_stage, row.target)])
        values.append(float(getattr(row, measure)))
        link_colours.append(_rgba(OPTION_COLOURS.get(row.target, "#BBBBBB"), 0.35))
        hovers.append(f"{count_phrase(row.pilots, 'pilot')} · {money(row.monthly_value, currency)} a month")
    used = sorted(set(sources) | set(targets))
    remap = {old: new for new, old in enumerate(used)}
    data = [
        dict(
            type="sankey",
            arrangement="snap",
            valueformat=",.0f",
            node=dict(
                label=[labels[i] for i in used],
                color=[colours[i] for i in used],
                pad=14,
                thickness=16,
                line=dict(color="white", width=0.5),
                hovertemplate="%{label}: %{value:,.0f}<extra></extra>",
            ),
            link=dict(
                source=[remap[s] for s in sources],
                target=[remap[t] for t in targets],
                value=values,
                color=link_colours,
                customdata=hovers,
                hovertemplate="%{source.label} → %{target.label}<br>%{customdata}<extra></extra>",
            ),
            textfont=dict(size=13, color=INK),
        )
    ]
    return _figure(data, dict(margin=dict(l=10, r=10, t=20, b=10)), height=height, legend=False)


def verdict_bars(counts: pd.DataFrame, *, currency: str = "", height: int = 340) -> go.Figure:
    """Pilots per verdict, one bar each in the verdict's colour."""
    ordered = counts.iloc[::-1]
    data = [
        dict(
            type="bar",
            x=ordered["pilots"].tolist(),
            y=[figure_text(verdict_label(v)) for v in ordered["verdict"]],
            orientation="h",
            marker=dict(color=[VERDICT_COLOURS[v] for v in ordered["verdict"]]),
            text=[count(v) for v in ordered["pilots"]],
            textposition="outside",
            cliponaxis=False,
            customdata=list(
                zip(
                    [count_phrase(v, "pilot") for v in ordered["pilots"]],
                    [money(v, currency) for v in ordered["monthly_value"]],
                    strict=True,
                )
            ),
            hovertemplate="%{y}: %{customdata[0]} · %{customdata[1]} a month<extra></extra>",
        )
    ]
    layout = dict(xaxis=_axis(title="Pilots", rangemode="tozero"), yaxis=_axis(showgrid=False))
    return _figure(data, layout, height=height, legend=False)


def blocker_bars(
    top: pd.DataFrame, *, by: str = "pilots_blocked", currency: str = "", height: int = 380
) -> go.Figure:
    """The gates that block most pilots or most monthly value (`by` pilots_blocked or
    value_blocked: the gate fails), or that most pilots wait on an answer to (pilots_unknown
    or value_unknown: a question to ask, not a blocker), coloured by option."""
    ordered = top.iloc[::-1]
    is_value = by.startswith("value_")
    waiting = by.endswith("_unknown")
    pilots, value = ("pilots_unknown", "value_unknown") if waiting else ("pilots_blocked", "value_blocked")
    meaning = "wait on this answer: a question to ask" if waiting else "blocked: the gate fails"
    labels = _texts(
        option_gate_label(o, p) for o, p in zip(ordered["option"], ordered["phrase"], strict=True)
    )
    data = []
    for option in dict.fromkeys(ordered["option"]):
        rows = (ordered["option"] == option).to_numpy()
        sub = ordered[rows]
        data.append(
            dict(
                type="bar",
                x=sub[by].tolist(),
                y=[label for label, keep in zip(labels, rows, strict=True) if keep],
                orientation="h",
                name=figure_text(option_label(option)),
                marker=dict(color=OPTION_COLOURS[option]),
                text=[money(v, currency) if is_value else count(v) for v in sub[by]],
                textposition="outside",
                cliponaxis=False,
                customdata=list(
                    zip(
                        [count_phrase(v, "pilot") for v in sub[pilots]],
                        [money(v, currency) for v in sub[value]],
                        strict=True,
                    )
                ),
                hovertemplate=f"%{{y}}<br>%{{customdata[0]}} {meaning}<br>%{{customdata[1]}} a month<extra></extra>",
            )
        )
    layout = dict(
        barmode="overlay",
        xaxis=_axis(title=column_label(by), rangemode="tozero"),
        yaxis=_axis(showgrid=False, categoryorder="array", categoryarray=labels),
    )
    return _figure(data, layout, height=height)


# --- one pilot ---------------------------------------------------------------------------
def dimension_radar(
    scores: dict[str, float | None], *, compare: dict[str, float | None] | None = None, height: int = 340
) -> go.Figure:
    """Dimension scores (0–100) on a radar; a what-if overlay when `compare` is given."""
    names = list(scores)
    theta = [*(figure_text(n.capitalize()) for n in names), figure_text(names[0].capitalize())]

    def trace(values: dict[str, float | None], label: str, colour: str, dash: str = "solid") -> dict:
        r = [0.0 if values[n] is None else round(float(values[n]), 2) for n in names]
        return dict(
            type="scatterpolar",
            r=[*r, r[0]],
            theta=theta,
            name=figure_text(label),
            fill="toself",
            fillcolor=_rgba(colour, 0.15),
            line=dict(color=colour, dash=dash),
            hovertemplate="%{theta}: %{r:.0f}<extra>" + figure_text(label) + "</extra>",
        )

    data = [trace(scores, "As recorded", "#0F4C81")]
    if compare is not None:
        data.append(trace(compare, "What-if", "#D55E00", "dash"))
    layout = dict(
        polar=dict(
            radialaxis=dict(range=[0, 100], tickvals=[25, 50, 75, 100], gridcolor=GRID),
            angularaxis=dict(gridcolor=GRID),
            bgcolor="white",
        ),
        margin=dict(l=50, r=50, t=40, b=30),
    )
    return _figure(data, layout, height=height, legend=compare is not None)


def contribution_bars(contributions: pd.DataFrame, *, height: int = 340) -> go.Figure:
    """Points each field adds to readiness; unknown fields shown as 'unknown'."""
    rows = contributions[contributions["score"] == "readiness"].iloc[::-1]
    labels = [figure_text(field_label(f)) for f in rows["field"]]
    known = ~np.isnan(rows["value"].to_numpy(dtype=float))
    data = [
        dict(
            type="bar",
            x=rows["contribution"].round(2).tolist(),
            y=labels,
            orientation="h",
            marker=dict(color=["#0F4C81" if k else "#BBBBBB" for k in known]),
            text=[
                f"{c:.1f} pts (answer {v:.0f})" if k else UNKNOWN
                for v, c, k in zip(rows["value"], rows["contribution"], known, strict=True)
            ],
            textposition="outside",
            cliponaxis=False,
            customdata=[figure_text(str(d)[:1].upper() + str(d)[1:]) for d in rows["dimension"]],
            hovertemplate="%{y} (%{customdata}): %{x:.1f} points of readiness<extra></extra>",
        )
    ]
    layout = dict(
        xaxis=_axis(title="Points of readiness", rangemode="tozero"),
        yaxis=_axis(showgrid=False),
        margin=dict(l=10, r=110, t=20, b=10),
    )
    return _figure(data, layout, height=height, legend=False)


# --- history -----------------------------------------------------------------------------
def readiness_delta_histogram(deltas: pd.Series, *, height: int = 320) -> go.Figure:
    """How readiness moved between two snapshots (after minus before), in 5-point bins."""
    values = deltas.to_numpy(dtype=float).clip(-50, 50)
    edges = np.arange(-52.5, 57.5, 5)
    counts, _ = np.histogram(values, bins=edges)
    centres = (edges[:-1] + edges[1:]) / 2
    colours = ["#D55E00" if c < 0 else ("#009E73" if c > 0 else "#BBBBBB") for c in centres]
    data = [
        dict(
            type="bar",
            x=centres.tolist(),
            y=counts.tolist(),
            width=4.4,
            marker=dict(color=colours),
            customdata=[count_phrase(c, "pilot") for c in counts],
            hovertemplate="%{x:+.0f} points: %{customdata}<extra></extra>",
        )
    ]
    layout = dict(
        xaxis=_axis(title="Change in readiness (points, after − before)", zeroline=True, zerolinecolor=MUTED),
        yaxis=_axis(title="Pilots", rangemode="tozero"),
    )
    return _figure(data, layout, height=height, legend=False)


def verdict_trend_chart(trend: pd.DataFrame, *, height: int = 360) -> go.Figure:
    """Pilots per verdict in each snapshot, stacked."""
    data = []
    for verdict in VERDICTS:
        sub = trend[trend["verdict"] == verdict]
        data.append(
            dict(
                type="bar",
                x=_texts(sub["snapshot"]),
                y=sub["pilots"].tolist(),
                name=figure_text(verdict_label(verdict)),
                marker=dict(color=VERDICT_COLOURS[verdict]),
                customdata=[count_phrase(c, "pilot") for c in sub["pilots"]],
                hovertemplate="%{x}<br>"
                + figure_text(verdict_label(verdict))
                + ": %{customdata}<extra></extra>",
            )
        )
    layout = dict(
        barmode="stack",
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0, traceorder="normal"),
        xaxis=_axis(title="Snapshot", type="category"),
        yaxis=_axis(title="Pilots", rangemode="tozero"),
    )
    return _figure(data, layout, height=height)


# How each kind of known value reads in the completeness chart's legend.
PROVENANCE_KIND_NAMES: dict[str, str] = {
    "register": "From the register",
    "derived": "Derived from other columns",
    "assessment": "Answered in a workbook",
    "app": "Answered in the app",
}


def completeness_trend_chart(
    trend: pd.DataFrame, *, labels: list[str] | None = None, height: int = 340
) -> go.Figure:
    """Completeness (share of scoring inputs known, 0-100) of each snapshot, stacked by where
    the known values came from (`views.completeness_trend`, oldest first). ``labels`` name the
    snapshots on the axis, one per row (`snapshot_short_label`); "#ID" without them."""
    labels = (
        [figure_text(t) for t in labels]
        if labels is not None
        else [f"#{int(i)}" for i in trend["snapshot_id"]]
    )
    known = trend["known_inputs"].to_numpy("float64")
    share = np.divide(
        trend["completeness"].to_numpy("float64"), known, out=np.zeros(len(trend)), where=known > 0
    )
    data = []
    for kind, name in PROVENANCE_KIND_NAMES.items():
        values = trend[kind].to_numpy("float64") * share
        data.append(
            dict(
                type="bar",
                x=labels,
                y=values.round(1).tolist(),
                name=figure_text(name),
                marker=dict(color=PROVENANCE_COLOURS[kind]),
                customdata=[count_phrase(int(n), "value") for n in trend[kind]],
                hovertemplate="Snapshot %{x}<br>"
                + figure_text(name)
                + ": %{y:.1f}% (%{customdata})<extra></extra>",
            )
        )
    layout = dict(
        barmode="stack",
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0, traceorder="normal"),
        xaxis=_axis(title="Snapshot", type="category"),
        yaxis=_axis(title="Inputs known (%)", range=[0, 100]),
    )
    return _figure(data, layout, height=height)


def grid_heatmap(grid: pd.DataFrame, *, currency: str = "", height: int = 420) -> go.Figure:
    """The demand × supply grid as a heatmap of pilot counts (for the printable summary)."""
    pilots = grid.pivot(index="demand", columns="supply_level", values="pilots").reindex(
        index=range(4), columns=range(4), fill_value=0
    )
    value = grid.pivot(index="demand", columns="supply_level", values="monthly_value").reindex(
        index=range(4), columns=range(4), fill_value=0
    )
    text = [
        [
            f"{count_phrase(pilots.iloc[r, c], 'pilot')}<br>{money(value.iloc[r, c], currency)}"
            if pilots.iloc[r, c]
            else ""
            for c in range(4)
        ]
        for r in range(4)
    ]
    data = [
        dict(
            type="heatmap",
            z=pilots.to_numpy().tolist(),
            x=_texts(SUPPLY_LABELS),
            y=_texts(DEMAND_LABELS),
            text=text,
            texttemplate="%{text}",
            colorscale=[[i / (len(SEQUENTIAL) - 1), c] for i, c in enumerate(SEQUENTIAL)],
            showscale=False,
            customdata=[[count_phrase(pilots.iloc[r, c], "pilot") for c in range(4)] for r in range(4)],
            hovertemplate="Needs %{y}, can govern %{x}: %{customdata}<extra></extra>",
            xgap=3,
            ygap=3,
        )
    ]
    layout = dict(
        xaxis=_axis(title="What the organisation can govern today (supply)", showgrid=False),
        yaxis=_axis(title="What the workflow needs (demand)", showgrid=False),
    )
    return _figure(data, layout, height=height, legend=False)


# --- scoring model -----------------------------------------------------------------------
def readiness_shift_chart(
    distribution: pd.DataFrame, *, before: str = "Before", after: str = "After", height: int = 340
) -> go.Figure:
    """Pilots per readiness band before and after a profile change, side by side
    (`ProfileImpact.distribution`; the band of unknown readiness last, when there is one)."""
    bands = [
        UNKNOWN if is_missing(low) else f"{score_text(low)}–{score_text(high)}"
        for low, high in zip(distribution["band_low"], distribution["band_high"], strict=True)
    ]
    data = [
        dict(
            type="bar",
            name=figure_text(name),
            x=bands,
            y=distribution[column].tolist(),
            marker=dict(color=colour),
            customdata=[count_phrase(n, "pilot") for n in distribution[column]],
            hovertemplate=f"{figure_text(name)}, readiness %{{x}}: %{{customdata}}<extra></extra>",
        )
        for name, column, colour in (
            (before, "pilots_before", SEQUENTIAL[2]),
            (after, "pilots_after", SEQUENTIAL[4]),
        )
    ]
    layout = dict(
        barmode="group",
        xaxis=_axis(title="Readiness", type="category", showgrid=False),
        yaxis=_axis(title="Pilots", rangemode="tozero"),
    )
    return _figure(data, layout, height=height)


# The decision states in the order they stack, each in a colour of the palette: decided as a
# verdict to promote, awaiting sign-off as hold, to review as build readiness (act on it).
DECISION_TREND_COLOURS: dict[str, str] = {
    "decided": VERDICT_COLOURS["promote"],
    "proposed": VERDICT_COLOURS["hold"],
    "to_review": VERDICT_COLOURS["build_readiness"],
    "undecided": OPTION_COLOURS["undecided"],
}


def decision_trend_chart(summaries, *, height: int = 340) -> go.Figure:
    """Pilots per decision state in each snapshot, stacked: ``summaries`` is a sequence of
    (snapshot label, `DecisionSummary`) pairs, oldest first."""
    labels = _texts(label for label, _ in summaries)
    data = []
    for state, colour in DECISION_TREND_COLOURS.items():
        name = figure_text(decision_state_label(state))
        pilots = [int(getattr(summary, state)) for _, summary in summaries]
        data.append(
            dict(
                type="bar",
                x=labels,
                y=pilots,
                name=name,
                marker=dict(color=colour),
                customdata=[count_phrase(c, "pilot") for c in pilots],
                hovertemplate="%{x}<br>" + name + ": %{customdata}<extra></extra>",
            )
        )
    layout = dict(
        barmode="stack",
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0, traceorder="normal"),
        xaxis=_axis(title="Snapshot", type="category"),
        yaxis=_axis(title="Pilots", rangemode="tozero"),
    )
    return _figure(data, layout, height=height)


__all__ = [
    "PROVENANCE_KIND_NAMES",
    "ROOM_FONT_SIZE",
    "blocker_bars",
    "completeness_trend_chart",
    "contribution_bars",
    "decision_trend_chart",
    "dimension_radar",
    "fit_triangle",
    "flow_sankey",
    "grid_heatmap",
    "placement_grid",
    "readiness_delta_histogram",
    "readiness_shift_chart",
    "scale_for_room",
    "verdict_bars",
    "verdict_trend_chart",
]
