"""The Portfolio page's charts set their own margins (`fixed_margins`) instead of plotly's axis
automargin, which measures every label in the page and draws the chart again (its four charts
draw a third sooner without it: docs/benchmarks.md). The margins must still hold every label:
the estimate is checked here against widths Chromium measured, and in the browser by
tests/e2e/test_e2e_layouts.py::test_no_chart_axis_text_is_cut_or_overlaps_at_any_size."""

from __future__ import annotations

import pytest

from kairo_scoring import (
    blocker_bars,
    blocker_summary,
    demand_supply_grid,
    generate_portfolio,
    placement_grid,
    placement_points,
    scale_for_room,
    score,
    top_blockers,
    verdict_bars,
    verdict_counts,
)
from kairo_scoring.present.figures.style import FONT, _width, fixed_margins

# Widths in px at 13 px that Chromium's canvas measured (2026-12-01) in Liberation Sans (Arial's
# metrics, what FONT resolves to on a machine without Inter or Segoe UI) and DejaVu Sans (wider).
MEASURED = {
    "Assisted desktop workflow: Value evidence at least 3": (304, 344),
    "API workflow pipeline: Exception governance at least 4": (316, 357),
    "Build readiness": (89, 99),
    "Needs data": (66, 74),
    "Shared AI workspace: Ownership at least 3": (249, 279),
    "Nothing governable yet": (134, 153),
    "MMMMmmmm": (87, 96),
    "iiiiiiii": (23, 29),
}


@pytest.fixture(scope="module")
def scored_sample():
    return score(generate_portfolio(300, seed=5))


@pytest.mark.parametrize("text", list(MEASURED))
def test_the_width_estimate_holds_the_text_as_chromium_draws_it(text):
    arial, dejavu = MEASURED[text]
    estimate = _width([text], 13)
    assert estimate >= arial  # never cut in the faces FONT names (Arial's metrics)
    assert estimate + 16 >= dejavu  # and within the tick gaps in a wider fallback face


def test_a_margin_grows_with_its_labels_lines_and_title():
    short = fixed_margins(left_ticks=["Hold"])
    long = fixed_margins(left_ticks=["Hold", "A much longer label for a bar"])
    assert long["l"] > short["l"]
    titled = fixed_margins(left_ticks=["Hold"], left_title="Pilots")
    assert titled["l"] > short["l"]
    one = fixed_margins(bottom_ticks=["Shared"], bottom_title="Supply")
    two = fixed_margins(bottom_ticks=["Shared<br>AI"], bottom_title="Supply")
    assert two["b"] > one["b"]
    assert _width(["A &amp; B"], 13) == _width(["A & B"], 13)  # an entity is one character


def test_the_portfolio_charts_set_their_margins_and_room_mode_grows_them(scored_sample):
    table = scored_sample.table
    figures = [
        placement_grid(placement_points(table), demand_supply_grid(table)),
        verdict_bars(verdict_counts(table)),
        blocker_bars(top_blockers(blocker_summary(scored_sample), "pilots_blocked")),
    ]
    for figure in figures:
        layout = figure.to_plotly_json()["layout"]
        assert layout["xaxis"]["automargin"] is False and layout["yaxis"]["automargin"] is False
        labels = figure.data[0].y if figure.data[0].type == "bar" else layout["yaxis"]["ticktext"]
        assert layout["margin"]["l"] >= _width(labels, FONT["size"])
        room = scale_for_room(figure).to_plotly_json()["layout"]
        assert room["margin"]["l"] > layout["margin"]["l"]


def test_blocker_labels_read_on_two_lines_and_the_chart_grows_for_them(scored_sample):
    top = top_blockers(blocker_summary(scored_sample), "pilots_blocked")
    figure = blocker_bars(top)
    labels = list(figure.layout.yaxis.categoryarray)
    assert labels and all(
        label.count("<br>") == 1 and label.split("<br>")[0].endswith(":") for label in labels
    )
    assert figure.layout.height >= 50 * len(labels)
