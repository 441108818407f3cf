"""History: compare two snapshots of a portfolio (verdicts and the answers that arrived), and
follow verdicts, completeness and decisions across every snapshot; the decisions to review now."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kairo_scoring import (
    DECISION_STATE_LABELS,
    MOVEMENT_LABELS,
    MOVEMENT_MEANINGS,
    answers_arrived,
    arrived_tables,
    as_of_text,
    compare_snapshots,
    completeness_trend,
    completeness_trend_chart,
    count,
    count_phrase,
    decision_changes_text,
    decision_status_label,
    decision_summary,
    decision_trend_chart,
    imported_text,
    label_values,
    readiness_change_summary,
    readiness_delta_histogram,
    snapshot_short_label,
    verdict_trend,
    verdict_trend_chart,
)
from ui import loaders
from ui.decisions import decision_words, person_text
from ui.sidebar import current_view
from ui.tables import change_config
from ui.text import md_escape
from ui.widgets import chart, context_line


def decisions_over_time() -> None:
    """Pilots decided / awaiting sign-off / to review / undecided in each snapshot, with the
    decisions as they stood while it was the latest import (the newest: now), then the
    pilots whose decision needs review now."""
    st.subheader("Decisions across every snapshot")
    by_import = sorted(snapshots, key=lambda s: (s.created_at, s.snapshot_id))
    until = {s.snapshot_id: later.created_at for s, later in zip(by_import, by_import[1:], strict=False)}
    summaries = [
        (
            snapshot_short_label(s.snapshot_id, s.as_of),
            decision_summary(view.snapshot_states(s, as_of=until.get(s.snapshot_id))),
        )
        for s in snapshots
    ]
    chart(decision_trend_chart(summaries), key="decision_trend")
    counts = pd.DataFrame(
        {
            "Snapshot": [label for label, _ in summaries],
            **{
                label: [count(getattr(summary, state)) for _, summary in summaries]
                for state, label in DECISION_STATE_LABELS.items()
            },
        }
    )
    st.dataframe(counts, hide_index=True, width="stretch", key="decision_counts")
    st.caption(
        "Each snapshot's pilots against the decisions as they stood until the next import "
        f"(the newest: now). {DECISION_STATE_LABELS['proposed']}: proposed, not yet signed off."
    )

    st.subheader("Decisions to review now")
    review = view.states[view.states["state"] == "to_review"]
    if review.empty:
        st.caption(
            "No decision needs review: none rests on a verdict or recommendation that has changed since."
        )
        return
    names = dict(
        zip(view.scored.table["pilot_id"].astype(str), view.scored.table["name"].astype(str), strict=False)
    )
    st.dataframe(
        pd.DataFrame(
            {
                "Pilot": [names.get(p, p) for p in review["pilot_id"]],
                "Decision": [
                    decision_words(k, o, d)
                    for k, o, d in zip(review["kind"], review["option"], review["review_date"], strict=True)
                ],
                "Status": [decision_status_label(s) for s in review["status"]],
                "What changed": [decision_changes_text(row) for _, row in review.iterrows()],
                "Proposed by": [
                    person_text(view, w, v)
                    for w, v in zip(review["proposed_by"], review["proposed_by_verified"], strict=True)
                ],
            }
        ),
        hide_index=True,
        width="stretch",
        key="decisions_to_review",
    )
    st.caption(f"{count_phrase(len(review), 'pilot')}: open each on the Pilot page to decide again.")


view = current_view()
st.title("History")
context_line(view)
snapshots = view.by_as_of  # oldest first by the date each describes, then by import time
if len(snapshots) < 2:
    st.info(
        "This portfolio has one snapshot. Import the next quarter's register on the Intake page to compare.",
        icon=":material/history:",
    )
    decisions_over_time()
    st.stop()

by_id = {s.snapshot_id: s for s in snapshots}
ids = [s.snapshot_id for s in reversed(snapshots)]  # the latest as-of date first
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
if ids.index(before_id) < ids.index(after_id):  # later in as-of order (then import time)
    before_id, after_id = after_id, before_id
    st.caption("The earlier of the two is compared with the later one.")
st.caption(
    " · ".join(
        f"{side} #{s.snapshot_id}: {as_of_text(s.as_of)}, {imported_text(s.created_at)}"
        for side, s in (("Earlier", by_id[before_id]), ("Later", by_id[after_id]))
    )
)

before = view.score_snapshot(by_id[before_id]).table
after = view.score_snapshot(by_id[after_id]).table
comparison = compare_snapshots(before, after)
counts = comparison.counts()
st.caption(
    f"Both snapshots scored with profile {md_escape(view.profile.label)}, so only the pilots' answers differ."
)
MOVES = ("promoted", "slipped", "added", "removed")
metrics = st.columns(4)
for col, movement in zip(metrics, MOVES, strict=True):
    col.metric(MOVEMENT_LABELS[movement], count(counts[movement]), help=MOVEMENT_MEANINGS[movement])

codes = comparison.pilots
display = label_values(codes)
config = change_config(view.profile.currency)
tabs = st.tabs([*(MOVEMENT_LABELS[m] for m in MOVES), "All pilots"])
for tab, movement in zip(tabs, (*MOVES, None), strict=True):
    with tab:
        rows = display if movement is None else display[(codes["movement"] == movement).to_numpy()]
        if rows.empty:
            st.caption("None.")
        else:
            st.dataframe(rows, hide_index=True, width="stretch", height=300, column_config=config)

left, right = st.columns(2)
with left:
    st.subheader("How readiness moved")
    chart(readiness_delta_histogram(comparison.readiness_deltas))
    if summary := readiness_change_summary(comparison.readiness_deltas):
        st.caption(summary)
with right:
    st.subheader("Verdicts across every snapshot")
    ordered = list(snapshots)
    trend = verdict_trend(
        [(snapshot_short_label(s.snapshot_id, s.as_of), view.score_snapshot(s).table) for s in ordered]
    )
    chart(verdict_trend_chart(trend))


def provenance_in_view(snapshot) -> object:
    """A snapshot's provenance, restricted to the pilots the sidebar's filters keep."""
    shown = view.score_snapshot(snapshot).table["pilot_id"].astype("string")
    provenance = loaders.load_provenance(view.store_path, snapshot.snapshot_id, snapshot.content_hash)
    return provenance[provenance["pilot_id"].isin(shown).to_numpy()]


st.subheader(f"Answers arrived since snapshot #{before_id}")
arrived = answers_arrived(
    provenance_in_view(by_id[before_id]), provenance_in_view(by_id[after_id]), after_pilots=after
)
if not arrived.total:
    st.caption("No answer arrived between the two snapshots: answer questions on the Pilot page.")
else:
    per_field, per_owner = arrived_tables(arrived)
    st.caption(
        f"{count_phrase(arrived.total, 'answer')} for {count_phrase(arrived.answers['pilot_id'].nunique(), 'pilot')}."
    )
    left, right = st.columns(2)
    left.dataframe(per_field, hide_index=True, width="stretch", key="arrived_fields")
    right.dataframe(per_owner, hide_index=True, width="stretch", key="arrived_owners")

st.subheader("Completeness across every snapshot")
chart(
    completeness_trend_chart(
        completeness_trend({s.snapshot_id: provenance_in_view(s) for s in ordered}),
        labels=[snapshot_short_label(s.snapshot_id, s.as_of) for s in ordered],
    )
)
st.caption("The share of scoring inputs known in each snapshot, by where the known values came from.")

decisions_over_time()
