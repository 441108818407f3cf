"""One pilot: its dimension scores on a radar with an optional what-if overlay
(`dimension_radar`) and the points each field adds to its readiness (`contribution_bars`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from kairo_scoring.present.figures.style import _axis, _figure, _rgba, figure_text
from kairo_scoring.present.labels import UNKNOWN, field_label
from kairo_scoring.present.palette import GRID


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
