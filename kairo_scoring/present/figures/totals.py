"""The portfolio in totals: today's mode → recommended now → target as a sankey
(`flow_sankey`), pilots per verdict (`verdict_bars`) and the gates that block or wait on an
answer for the most pilots or value (`blocker_bars`)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from kairo_scoring.present.figures.style import (
    _figure,
    _fixed_axis,
    _rgba,
    _texts,
    figure_text,
    fixed_margins,
)
from kairo_scoring.present.formats import count, count_phrase, money
from kairo_scoring.present.labels import UNKNOWN, column_label, option_gate_label, option_label, verdict_label
from kairo_scoring.present.palette import INK, OPTION_COLOURS, VERDICT_COLOURS
from kairo_scoring.views import flow_node_names


# --- the portfolio in totals --------------------------------------------------------------
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
    labels = [figure_text(verdict_label(v)) for v in ordered["verdict"]]
    data = [
        dict(
            type="bar",
            x=ordered["pilots"].tolist(),
            y=labels,
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
    layout = dict(
        xaxis=_fixed_axis(title="Pilots", rangemode="tozero"),
        yaxis=_fixed_axis(showgrid=False),
        margin=fixed_margins(left_ticks=labels, bottom_ticks=["0"], bottom_title="Pilots"),
    )
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
    # On two lines, the option and then the gate: half as wide a margin, so the bars keep room on a phone.
    labels = [
        "<br>".join(_texts(option_gate_label(o, p, two_lines=True).splitlines()))
        for o, p in zip(ordered["option"], ordered["phrase"], strict=True)
    ]
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
    margin = fixed_margins(
        left_ticks=labels,
        bottom_ticks=["0"],
        bottom_title=column_label(by),
        top=40,
        right=70 if is_value else 40,
    )
    layout = dict(
        barmode="overlay",
        xaxis=_fixed_axis(title=column_label(by), rangemode="tozero"),
        yaxis=_fixed_axis(showgrid=False, categoryorder="array", categoryarray=labels),
        margin=margin,
    )
    # Two-line labels need two lines' room a bar.
    return _figure(data, layout, height=max(height, margin["t"] + margin["b"] + 50 * len(labels)))
