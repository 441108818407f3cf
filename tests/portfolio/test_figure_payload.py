"""What the Portfolio page's charts send to the browser (issue 15): at 10,000 pilots the grid's
figure JSON stays small, because it draws a stable sample of points and sends no digits
nobody sees."""

from __future__ import annotations

import json

import pytest

from kairo_scoring import (
    POINT_LIMIT,
    demand_supply_grid,
    generate_portfolio,
    placement_grid,
    placement_points,
    score,
)

# The grid at 10,000 pilots was 190 kB of JSON (2,000 points, positions to 1/10,000 of a cell,
# sizes to tenths of a pixel): the page's largest chart, and the slowest to draw.
GRID_BYTES_AT_10K = 110_000


@pytest.fixture(scope="module")
def grid_figure() -> dict:
    table = score(generate_portfolio(10_000, seed=11)).table
    placement = placement_points(table)
    return json.loads(placement_grid(placement, demand_supply_grid(table), currency="USD").to_json())


def test_the_grid_at_10000_pilots_draws_a_sample_of_at_most_1000_points(grid_figure):
    assert POINT_LIMIT <= 1_000
    points = sum(len(trace["x"]) for trace in grid_figure["data"])
    assert points == POINT_LIMIT


def test_the_grid_at_10000_pilots_sends_at_most_110_kb(grid_figure):
    assert len(json.dumps(grid_figure, separators=(",", ":"))) <= GRID_BYTES_AT_10K


def test_grid_points_carry_no_digits_nobody_sees(grid_figure):
    for trace in grid_figure["data"]:
        for value in trace["x"] + trace["y"]:
            assert round(value, 3) == value  # 1/1000 of a cell: well under a pixel
        assert all(isinstance(size, int) for size in trace["marker"]["size"])  # whole pixels
        assert 7 <= min(trace["marker"]["size"]) <= max(trace["marker"]["size"]) <= 18
