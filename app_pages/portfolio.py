"""Portfolio: how many pilots are ready for what, where the value is, and what blocks the rest."""

from __future__ import annotations

import streamlit as st

from kairo_scoring import (
    NOT_READY,
    POINT_LIMIT,
    blocker_bars,
    blocker_summary,
    count,
    count_phrase,
    demand_supply_grid,
    field_label,
    fit_triangle,
    flow_sankey,
    headline,
    label_values,
    mode_flows,
    money,
    option_label,
    percent,
    pilot_table,
    placement_grid,
    placement_points,
    top_blockers,
    verdict_bars,
    verdict_counts,
    verdict_label,
)
from ui.questions import decide_the_undecided
from ui.sidebar import current_view
from ui.tables import pilot_table_config
from ui.widgets import chart, context_line, empty_notice, go_to_pilot, selected_point_id

TABLE_LIMIT = 2_000

view = current_view()
st.title("Portfolio")
context_line(view)
if empty_notice(view):
    st.stop()
table = view.scored.table
currency = view.profile.currency

figures = headline(table)
cols = st.columns(4)
cols[0].metric("Pilots", count(figures.pilots), help="Pilots in view (after the sidebar filters)")
cols[1].metric(
    "Ready to promote",
    count(figures.ready_to_promote),
    help=f"Verdict {verdict_label('promote')}: can move up now",
)
cols[2].metric(
    verdict_label("at_risk"),
    count(figures.at_risk),
    help="Run heavier than they can govern: fix controls first",
)
cols[3].metric(
    "Value at stake a month",
    money(figures.value_at_stake, currency),
    help="Monthly value of pilots at risk, blocked (build readiness), not ready or needing data, "
    f"out of {money(figures.total_value, currency)} in view.",
)
st.caption(
    "Recommended option now, share of pilots. "
    f"{option_label(NOT_READY)}: no option is governable yet — a recommendation, not the verdict "
    f"{verdict_label('not_ready')} of the Verdicts chart, which counts only the pilots no earlier "
    "verdict (such as at risk) took."
)
shares = st.columns(5)
for col, option in zip(shares, figures.option_share, strict=True):  # keep piloting, the options, undecided
    col.metric(option_label(option), percent(figures.option_share[option]))

st.subheader("Where the portfolio sits")
placement = placement_points(table)
grid = demand_supply_grid(table)
if placement.sampled:
    st.caption(
        f":material/info: Showing a stable sample of {count(POINT_LIMIT)} of "
        f"{count_phrase(placement.total, 'pilot')} as points; "
        "the counts and values in each cell cover every pilot."
    )
picture = st.segmented_control(
    "Picture", ["Needs vs can govern", "Fit triangle"], default="Needs vs can govern", key="placement_picture"
)
if picture == "Fit triangle":
    event = chart(fit_triangle(placement), key="triangle_chart", selectable=True)
    st.caption(
        "The three fit scores (0–100) of each pilot, normalised to a triangle: a pilot near a corner fits "
        "that option best. Fits are often close to each other, which crowds the middle: the grid view "
        "is usually easier to read. Click a dot to open the pilot."
    )
else:
    event = chart(placement_grid(placement, grid, currency=currency), key="placement_chart", selectable=True)
    st.caption(
        "Each dot is a pilot, placed by what its workflow needs (rows) and what the organisation can govern "
        "for it today (columns); dot size follows monthly value. The recommendation is the lighter of the two. "
        "Green cells are right-sized, orange cells need readiness built first, blue cells have headroom. "
        "We lead with this grid rather than the fit triangle because it shows the two facts the decision "
        "rests on. Click a dot to open the pilot."
    )
clicked = selected_point_id(event)
if clicked:
    go_to_pilot(clicked)

st.subheader("From where pilots run today to where they should go")
measure = st.segmented_control(
    "Width of the flows", ["Pilots", field_label("monthly_value")], default="Pilots", key="flow_measure"
)
flows = mode_flows(table)
chart(
    flow_sankey(
        flows,
        measure="monthly_value" if measure == field_label("monthly_value") else "pilots",
        currency=currency,
    )
)

left, right = st.columns([2, 3])
with left:
    st.subheader("Verdicts")
    chart(verdict_bars(verdict_counts(table), currency=currency))
with right:
    st.subheader("What blocks the most")
    summary = blocker_summary(view.scored)
    by_pilots, by_value = st.tabs(["Most pilots", "Most value"])
    with by_pilots:
        chart(blocker_bars(top_blockers(summary, "pilots_blocked"), by="pilots_blocked", currency=currency))
    with by_value:
        chart(blocker_bars(top_blockers(summary, "value_blocked"), by="value_blocked", currency=currency))

decide_the_undecided(view)

st.subheader("Pilots")
rows, truncated = pilot_table(table, limit=TABLE_LIMIT)
if truncated:
    st.caption(
        f":material/info: Showing the {count(TABLE_LIMIT)} most valuable of {count_phrase(len(table), 'pilot')}; "
        "narrow the filters or use the Export page for all of them."
    )
selection = st.dataframe(
    label_values(rows),
    column_config=pilot_table_config(currency),
    hide_index=True,
    width="stretch",
    height=420,
    on_select="rerun",
    selection_mode="single-row",
    key="pilot_table",
)
st.caption("Select a row to open the pilot. Click a column header to sort.")
if selection.selection.rows:
    go_to_pilot(str(rows.iloc[selection.selection.rows[0]]["pilot_id"]))
