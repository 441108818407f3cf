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

The figures share one template, one palette and one escaping rule (`style`); they are kept
by what they show: where the pilots sit (`placement`), the portfolio in totals (`totals`),
one pilot (`pilot`), change across snapshots and profiles (`trends`), and presentation
mode's scaling of any finished figure (`room`). `figure_text`, `FONT`, `AXIS` and
`DECISION_TREND_COLOURS` stay importable from here, outside the public face.
"""

from kairo_scoring.present.figures.pilot import contribution_bars, dimension_radar
from kairo_scoring.present.figures.placement import fit_triangle, grid_heatmap, placement_grid
from kairo_scoring.present.figures.room import ROOM_FONT_SIZE, scale_for_room
from kairo_scoring.present.figures.style import AXIS, FONT, figure_text  # noqa: F401
from kairo_scoring.present.figures.totals import blocker_bars, flow_sankey, verdict_bars
from kairo_scoring.present.figures.trends import (  # noqa: F401
    DECISION_TREND_COLOURS,
    PROVENANCE_KIND_NAMES,
    completeness_trend_chart,
    decision_trend_chart,
    readiness_delta_histogram,
    readiness_shift_chart,
    verdict_trend_chart,
)

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
