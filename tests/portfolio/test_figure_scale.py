"""Presentation mode's figures: `scale_for_room` makes every font of a finished figure room-sized."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from kairo_scoring import (
    ROOM_FONT_SIZE,
    blocker_bars,
    blocker_summary,
    compare_snapshots,
    completeness_trend_chart,
    contribution_bars,
    demand_supply_grid,
    dimension_radar,
    fit_triangle,
    flow_sankey,
    grid_heatmap,
    mode_flows,
    placement_grid,
    placement_points,
    readiness_delta_histogram,
    sample_portfolio,
    scale_for_room,
    score,
    top_blockers,
    verdict_bars,
    verdict_counts,
    verdict_trend,
    verdict_trend_chart,
)


@pytest.fixture(scope="module")
def figures() -> dict[str, go.Figure]:
    scored = score(sample_portfolio())
    table = scored.table
    placement = placement_points(table)
    dims = {d: 50.0 for d in scored.profile.dimensions}
    trend = {
        "snapshot_id": [1],
        "completeness": [50.0],
        "known_inputs": [10],
        "register": [6],
        "derived": [1],
        "assessment": [2],
        "app": [1],
    }
    return {
        "grid": placement_grid(placement, demand_supply_grid(table), currency="USD"),
        "triangle": fit_triangle(placement),
        "sankey": flow_sankey(mode_flows(table)),
        "verdicts": verdict_bars(verdict_counts(table)),
        "blockers": blocker_bars(top_blockers(blocker_summary(scored))),
        "radar": dimension_radar(dims, compare=dims),
        "contributions": contribution_bars(scored.contributions([table["pilot_id"].iloc[0]])),
        "deltas": readiness_delta_histogram(compare_snapshots(table, table).readiness_deltas),
        "trend": verdict_trend_chart(verdict_trend([("a", table), ("b", table)])),
        "completeness": completeness_trend_chart(pd.DataFrame(trend)),
        "heatmap": grid_heatmap(demand_supply_grid(table)),
    }


def _font_sizes(node, path="") -> list[tuple[str, float | None]]:
    """(where, size) of every font in a plotly spec; size None where the font sets none."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("font") and isinstance(value, dict):
                sizes = value.get("size")
                for size in sizes if isinstance(sizes, list) else [sizes]:
                    found.append((f"{path}.{key}", size))
            found += _font_sizes(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _font_sizes(value, f"{path}[{i}]")
    return found


def test_the_figures_as_drawn_have_fonts_below_room_size(figures):
    # What presentation mode has to fix: the body text and the cell counts are smaller than a room reads.
    sizes = [size for fig in figures.values() for _, size in _font_sizes(fig.to_plotly_json())]
    assert min(s for s in sizes if s is not None) < ROOM_FONT_SIZE


def test_every_font_of_a_room_figure_is_at_least_room_size(figures):
    for name, fig in figures.items():
        room = scale_for_room(fig)
        spec = room.to_plotly_json()
        small = [(where, size) for where, size in _font_sizes(spec) if size is None or size < ROOM_FONT_SIZE]
        assert small == [], name
        assert spec["layout"]["font"]["size"] == ROOM_FONT_SIZE, name
        assert spec["layout"]["hoverlabel"]["font"]["size"] >= ROOM_FONT_SIZE, name
        go.Figure(room.to_dict())  # still a figure plotly accepts (the builders skip validation)


def test_fonts_grow_in_proportion_and_the_original_is_unchanged():
    fig = go.Figure(
        data=[dict(type="bar", x=[1], y=[2], textfont=dict(size=11))],
        layout=dict(
            font=dict(size=13),
            height=400,
            margin=dict(l=10, r=110, t=40, b=10),
            annotations=[dict(text="big", font=dict(size=26)), dict(text="plain")],
            xaxis=dict(title=dict(text="x", standoff=12)),
        ),
    )
    room = scale_for_room(fig).to_plotly_json()
    factor = 18 / 13
    assert room["layout"]["font"]["size"] == 18
    assert room["layout"]["annotations"][0]["font"]["size"] == round(26 * factor, 1)  # 36: stays larger
    assert "font" not in room["layout"]["annotations"][1]  # inherits the 18 px body text
    assert room["data"][0]["textfont"]["size"] == 18  # 11 × 18/13 would be 15: never below 18
    # The room for text grows alike: outside labels, axis-title gap; the figure is taller by half.
    assert room["layout"]["margin"] == {
        k: round(v * factor, 1) for k, v in dict(l=10, r=110, t=40, b=10).items()
    }
    assert room["layout"]["xaxis"]["title"]["standoff"] == round(12 * factor, 1)
    assert room["layout"]["height"] == round(400 * (1 + (factor - 1) / 2))
    assert (
        fig.layout.font.size == 13 and fig.layout.annotations[0].font.size == 26 and fig.layout.height == 400
    )


def test_body_text_already_room_sized_is_left_as_it_is():
    fig = go.Figure(
        layout=dict(font=dict(size=20), height=300, annotations=[dict(text="a", font=dict(size=12))])
    )
    room = scale_for_room(fig).to_plotly_json()
    assert room["layout"]["font"]["size"] == 20 and room["layout"]["height"] == 300
    assert room["layout"]["annotations"][0]["font"]["size"] == ROOM_FONT_SIZE


def test_sankey_nodes_move_apart_as_their_labels_grow(figures):
    # Adjacent nodes' labels overlap when the gap between the nodes is less than a line of text.
    node = scale_for_room(figures["sankey"]).data[0].node
    assert node.pad >= ROOM_FONT_SIZE
