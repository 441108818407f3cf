"""Every chart builder yields a figure plotly accepts (they skip validation for speed)."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from kairo_scoring import (
    POINT_LIMIT,
    VERDICT_COLOURS,
    DecisionSummary,
    blocker_summary,
    compare_snapshots,
    demand_supply_grid,
    generate_portfolio,
    mode_flows,
    placement_points,
    present,
    sample_portfolio,
    score,
    top_blockers,
    verdict_counts,
    verdict_label,
    verdict_trend,
)

charts = present.figures


@pytest.fixture(scope="module", params=[80, 3000])
def scored(request):
    return score(sample_portfolio() if request.param == 80 else generate_portfolio(request.param))


def _figures(scored):
    table = scored.table
    placement = placement_points(table)
    pilot = table["pilot_id"].iloc[0]
    dims = {
        d: float(table[c].iloc[0])
        for d, c in zip(scored.profile.dimensions, scored.dimension_columns, strict=True)
    }
    summary = blocker_summary(scored)
    return {
        "grid": charts.placement_grid(placement, demand_supply_grid(table)),
        "triangle": charts.fit_triangle(placement),
        "sankey": charts.flow_sankey(mode_flows(table)),
        "sankey_value": charts.flow_sankey(mode_flows(table), measure="monthly_value"),
        "verdicts": charts.verdict_bars(verdict_counts(table)),
        "blockers": charts.blocker_bars(top_blockers(summary)),
        "blockers_value": charts.blocker_bars(top_blockers(summary, "value_blocked"), by="value_blocked"),
        "radar": charts.dimension_radar(dims, compare=dims),
        "contributions": charts.contribution_bars(scored.contributions([pilot])),
        "deltas": charts.readiness_delta_histogram(compare_snapshots(table, table).readiness_deltas),
        "trend": charts.verdict_trend_chart(verdict_trend([("a", table), ("b", table)])),
        "heatmap": charts.grid_heatmap(demand_supply_grid(table)),
        "decisions": charts.decision_trend_chart(
            [
                ("a", DecisionSummary(len(table), 2, 1, 3, len(table) - 6, 4)),
                ("b", DecisionSummary(1, 0, 0, 0, 1, 0)),
            ]
        ),
    }


def test_every_chart_is_a_valid_plotly_figure(scored):
    for name, figure in _figures(scored).items():
        validated = go.Figure(figure.to_dict())  # raises on any invalid property
        assert validated.data, name


def test_verdict_colours_are_the_palette_everywhere(scored):
    figures = _figures(scored)
    expected = {verdict_label(v): colour for v, colour in VERDICT_COLOURS.items()}
    for name in ("grid", "triangle", "trend"):
        for trace in figures[name].data:
            assert trace.marker.color == expected[trace.name], (name, trace.name)
    bars = figures["verdicts"].data[0]
    assert list(bars.marker.color) == [expected[label] for label in bars.y]


def test_the_placement_grid_samples_above_the_limit():
    table = score(generate_portfolio(2500)).table
    placement = placement_points(table)
    assert placement.sampled and len(placement.points) == POINT_LIMIT < 2500
    figure = charts.placement_grid(placement, demand_supply_grid(table))
    assert sum(len(t.x) for t in figure.data) == POINT_LIMIT
    # the cell annotations still count every pilot
    counted = sum(
        int(a.text.split("</b>")[0].removeprefix("<b>").replace(",", "")) for a in figure.layout.annotations
    )
    assert counted == 2500
