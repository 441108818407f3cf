"""Where the pilots sit: the demand × supply grid of every pilot (`placement_grid`), the
printable summary's heatmap of the same grid (`grid_heatmap`) and the three fit scores as a
ternary plot (`fit_triangle`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from kairo_scoring.present.figures.style import (
    _axis,
    _figure,
    _fixed_axis,
    _texts,
    _wrapped,
    figure_text,
    fixed_margins,
)
from kairo_scoring.present.formats import count, count_phrase, money, score_text
from kairo_scoring.present.labels import DEMAND_LABELS, SUPPLY_LABELS, option_label, verdict_label
from kairo_scoring.present.palette import GRID, MUTED, SEQUENTIAL, VERDICT_COLOURS
from kairo_scoring.schema import OPTIONS, VERDICTS
from kairo_scoring.views import Placement


# --- the portfolio across the three options ---------------------------------------------
def _level_axis(title: str, labels) -> dict:
    """An axis of the four levels 0..3 (nothing/assisted/shared/API), fixed, without grid lines;
    labels on short lines, so all four fit on a phone."""
    return _fixed_axis(
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
    xaxis = _level_axis("What the organisation can govern today (supply) →", SUPPLY_LABELS)
    yaxis = _level_axis("What the workflow needs (demand) →", DEMAND_LABELS)
    layout = dict(
        shapes=shapes,
        annotations=annotations,
        xaxis=xaxis,
        yaxis=yaxis,
        margin=fixed_margins(
            left_ticks=yaxis["ticktext"],
            left_title=yaxis["title"]["text"],
            bottom_ticks=xaxis["ticktext"],
            bottom_title=xaxis["title"]["text"],
            top=40,
            right=10,
        ),
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
