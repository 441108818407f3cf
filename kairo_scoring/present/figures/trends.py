"""How the portfolio changes: between two snapshots (`readiness_delta_histogram`), across
snapshots (verdicts, completeness by where values came from, decision states) and between two
scoring profiles (`readiness_shift_chart`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from kairo_scoring.present.figures.style import _axis, _figure, _texts, figure_text
from kairo_scoring.present.formats import count_phrase, score_text
from kairo_scoring.present.labels import UNKNOWN, decision_state_label, verdict_label
from kairo_scoring.present.palette import (
    MUTED,
    OPTION_COLOURS,
    PROVENANCE_COLOURS,
    SEQUENTIAL,
    VERDICT_COLOURS,
)
from kairo_scoring.schema import VERDICTS
from kairo_scoring.values import is_missing


# --- history -----------------------------------------------------------------------------
def _snapshot_stack(data: list[dict], *, height: int) -> go.Figure:
    """Bars of pilots stacked per snapshot, the legend above (the verdict and decision trends)."""
    layout = dict(
        barmode="stack",
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0, traceorder="normal"),
        xaxis=_axis(title="Snapshot", type="category"),
        yaxis=_axis(title="Pilots", rangemode="tozero"),
    )
    return _figure(data, layout, height=height)


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
    return _snapshot_stack(data, height=height)


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
    return _snapshot_stack(data, height=height)
