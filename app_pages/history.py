"""History: compare two snapshots of a portfolio, and follow verdicts across every snapshot."""

from __future__ import annotations

import streamlit as st

from kairo_scoring import VERDICT_LABELS, compare_snapshots, verdict_trend
from ui import charts
from ui.palette import option_label
from ui.sidebar import current_view
from ui.tables import CHANGE_CONFIG
from ui.text import md_escape
from ui.widgets import chart, context_line

view = current_view()
st.title("History")
context_line(view)
snapshots = view.snapshots  # newest first
if len(snapshots) < 2:
    st.info(
        "This portfolio has one snapshot. Import the next quarter's register on the Intake page to compare.",
        icon=":material/history:",
    )
    st.stop()

by_id = {s.snapshot_id: s for s in snapshots}
ids = [s.snapshot_id for s in snapshots]
cols = st.columns(2)
before_id = cols[0].selectbox(
    "Earlier snapshot", ids, index=1, format_func=lambda i: by_id[i].label, key="history_before"
)
after_id = cols[1].selectbox(
    "Later snapshot", ids, index=0, format_func=lambda i: by_id[i].label, key="history_after"
)
if before_id == after_id:
    st.warning("Pick two different snapshots.", icon=":material/warning:")
    st.stop()
if by_id[before_id].created_at > by_id[after_id].created_at:
    before_id, after_id = after_id, before_id
    st.caption("The earlier of the two is compared with the later one.")

before = view.score_snapshot(by_id[before_id]).table
after = view.score_snapshot(by_id[after_id]).table
comparison = compare_snapshots(before, after)
counts = comparison.counts()
st.caption(
    f"Both snapshots scored with profile {md_escape(view.profile.label)}, so only the pilots' answers differ."
)
metrics = st.columns(4)
for col, movement, help_text in zip(
    metrics,
    ("promoted", "slipped", "added", "removed"),
    (
        "The recommended option is heavier than before",
        "The recommended option is lighter than before (or not ready any more)",
        "Only in the later snapshot",
        "Only in the earlier snapshot",
    ),
    strict=True,
):
    col.metric(movement.capitalize(), f"{counts[movement]:,}", help=help_text)

display = comparison.pilots.copy()
for column in ("recommended_before", "recommended_after"):
    display[column] = display[column].map(lambda v: option_label(v) if isinstance(v, str) else "—")
for column in ("verdict_before", "verdict_after"):
    display[column] = display[column].map(lambda v: VERDICT_LABELS.get(v, "—") if isinstance(v, str) else "—")
config = {
    **CHANGE_CONFIG,
    "movement": "Movement",
    "recommended_before": "Recommended before",
    "recommended_after": "Recommended after",
    "verdict_before": "Verdict before",
    "verdict_after": "Verdict after",
}
tabs = st.tabs(["Promoted", "Slipped", "Added", "Removed", "All pilots"])
for tab, movement in zip(tabs, ("promoted", "slipped", "added", "removed", None), strict=True):
    with tab:
        rows = display if movement is None else display[display["movement"] == movement]
        if rows.empty:
            st.caption("None.")
        else:
            st.dataframe(rows, hide_index=True, width="stretch", height=300, column_config=config)

left, right = st.columns(2)
with left:
    st.subheader("How readiness moved")
    chart(charts.readiness_delta_histogram(comparison.readiness_deltas))
    if summary := comparison.readiness_summary():
        st.caption(summary)
with right:
    st.subheader("Verdicts across every snapshot")
    ordered = list(reversed(snapshots))
    trend = verdict_trend(
        [(f"#{s.snapshot_id} {s.created_at:%Y-%m-%d}", view.score_snapshot(s).table) for s in ordered]
    )
    chart(charts.verdict_trend_chart(trend))
