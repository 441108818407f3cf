"""Pilot: the scorecard, what drives it, the gates, the promotion path and a what-if editor."""

from __future__ import annotations

import streamlit as st

from kairo_scoring import OPTIONS, VERDICT_LABELS, what_if
from ui import charts
from ui.format import money
from ui.palette import option_label
from ui.pilot_widgets import (
    GATE_COLUMNS,
    VERDICT_BADGE,
    blocking_table,
    gate_table,
    path_step_text,
    reset_what_if,
    styled,
    what_if_inputs,
)
from ui.sidebar import current_view
from ui.state import open_pilot
from ui.text import md_escape
from ui.widgets import back_to_portfolio, chart, context_line, empty_notice

view = current_view()
st.title("Pilot")
context_line(view)
back_to_portfolio()
if empty_notice(view):
    st.stop()
scored = view.scored
table = scored.table
ids = table["pilot_id"].astype(str).tolist()
names = dict(zip(ids, table["name"].astype(str), strict=True))

wanted = st.session_state.get("pilot_id")
if wanted not in names:
    if wanted:
        st.caption(f"Pilot {md_escape(wanted)} is not in this view; showing the first pilot instead.")
    wanted = ids[0]
    open_pilot(wanted)
st.session_state["pilot_pick"] = wanted
pilot_id = st.selectbox(
    "Pilot",
    ids,
    key="pilot_pick",
    format_func=lambda i: f"{i} · {names[i]}",
    on_change=lambda: open_pilot(st.session_state["pilot_pick"]),
)
row = scored.pilot(pilot_id)
verdict = str(row["verdict"])

st.header(md_escape(row["name"]), anchor=False)
details = [row.get("business_unit"), row.get("owner"), row.get("stage"), f"risk {row.get('risk_level')}"]
st.caption(" · ".join(md_escape(d) for d in details if isinstance(d, str)))
st.badge(VERDICT_LABELS[verdict], color=VERDICT_BADGE[verdict], icon=":material/flag:")
st.info(md_escape(row["next_step"]), icon=":material/arrow_forward:")

cols = st.columns(5)
cols[0].metric("Readiness", f"{row['readiness']:.0f}" if row["readiness"] == row["readiness"] else "—")
cols[1].metric("Completeness", f"{row['completeness']:.0f}%")
cols[2].metric(
    "Runs today as", option_label(row["current_mode"] if isinstance(row["current_mode"], str) else "unknown")
)
cols[3].metric(
    "Recommended now", option_label(row["recommended"] if isinstance(row["recommended"], str) else None)
)
cols[4].metric("Target", option_label(row["target"] if isinstance(row["target"], str) else "unknown"))
st.caption(
    f"Monthly value {money(row['monthly_value'])} · volume {money(row['monthly_volume'])} a month · {money(row['users'])} users"
)

dimension_scores = {
    d: (None if row[c] != row[c] else float(row[c]))
    for d, c in zip(scored.profile.dimensions, scored.dimension_columns, strict=True)
}
left, right = st.columns(2)
with left:
    st.subheader("Scorecard")
    chart(charts.dimension_radar(dimension_scores))
    fits = st.columns(3)
    for col, option, column in zip(
        fits, OPTIONS, ("fit_assisted", "fit_workspace", "fit_pipeline"), strict=True
    ):
        col.metric(f"Fit: {option_label(option)}", f"{row[column]:.0f}")
with right:
    st.subheader("What drives readiness")
    chart(charts.contribution_bars(scored.contributions([pilot_id])))

st.subheader("Gates of each option")
checklist = scored.gate_checklist(pilot_id)
for tab, option in zip(st.tabs([option_label(o) for o in OPTIONS]), OPTIONS, strict=True):
    with tab:
        st.dataframe(
            styled(gate_table(checklist, option)),
            column_config=GATE_COLUMNS,
            hide_index=True,
            width="stretch",
        )

st.subheader("Promotion path")
steps = scored.promotion_path(pilot_id)
if not steps:
    st.write("Already where it should be: no step needed.")
for number, step in enumerate(steps, start=1):
    st.markdown(path_step_text(number, step))
    if step.blocking:
        st.dataframe(
            styled(blocking_table(step)), column_config=GATE_COLUMNS, hide_index=True, width="stretch"
        )

st.subheader("What if…")
st.caption("Change any input to see the scores, verdict and path move. Nothing stored changes.")
prefix = f"whatif::{pilot_id}::"
with st.expander("Inputs", expanded=True, icon=":material/edit:"):
    changes = what_if_inputs(row, prefix)
    st.button("Reset the what-if", on_click=reset_what_if, args=(prefix,), icon=":material/restart_alt:")
if changes:
    result = what_if(row, changes, scored.profile)
    after = result.modified.table.iloc[0]
    before_col, after_col = st.columns(2)
    before_col.metric("Verdict as recorded", VERDICT_LABELS[verdict])
    after_col.metric(
        "Verdict in the what-if",
        VERDICT_LABELS[str(after["verdict"])],
        delta="changed" if result.verdict_changed else "unchanged",
        delta_color="normal" if result.verdict_changed else "off",
    )
    compare = {
        d: (None if after[c] != after[c] else float(after[c]))
        for d, c in zip(scored.profile.dimensions, scored.dimension_columns, strict=True)
    }
    left, right = st.columns(2)
    with left:
        chart(charts.dimension_radar(dimension_scores, compare=compare), key="whatif_radar")
    with right:
        diff = result.diff.copy()
        diff["original"] = diff["original"].map(
            lambda v: "unknown" if v is None else str(round(v, 1)) if isinstance(v, float) else str(v)
        )
        diff["what_if"] = diff["what_if"].map(
            lambda v: "unknown" if v is None else str(round(v, 1)) if isinstance(v, float) else str(v)
        )
        st.dataframe(
            diff[diff["changed"]].drop(columns="changed"),
            hide_index=True,
            width="stretch",
            column_config={"what": "Changed", "original": "As recorded", "what_if": "What-if"},
            key="whatif_diff",
        )
    st.markdown("**Promotion path in the what-if**")
    for number, step in enumerate(result.modified.promotion_path(pilot_id), start=1):
        st.markdown(path_step_text(number, step))
else:
    st.caption("No input changed yet.")
