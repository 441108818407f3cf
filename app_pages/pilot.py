"""Pilot: its answer in full and why, the scorecard, what drives it, the gates, the promotion
path and a what-if editor (whose state a shared link carries)."""

from __future__ import annotations

import streamlit as st

from kairo_scoring import (
    FIT_COLUMNS,
    OPTIONS,
    VERDICT_BADGES,
    column_label,
    contribution_bars,
    dimension_radar,
    field_label,
    money,
    option_label,
    option_reasons,
    pilot_provenance,
    pilot_questions,
    pilot_sources_table,
    readiness_basis,
    score_text,
    value_label,
    verdict_label,
    what_if,
)
from ui import loaders
from ui.decisions import pilot_decision_section
from ui.onepager import onepager_button
from ui.pilot_widgets import (
    GATE_COLUMNS,
    answer_card,
    answer_form,
    blocking_table,
    gate_table,
    path_step_text,
    reset_what_if,
    styled,
    what_if_inputs,
    what_if_table,
)
from ui.sidebar import current_view
from ui.state import open_pilot, show_what_if_in_url, what_if_from_url
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
currency = scored.profile.currency

details = [
    f"{field_label(f)} {value_label(f, row.get(f))}"
    for f in ("business_unit", "owner", "stage", "risk_level")
]
st.caption(" · ".join(md_escape(d) for d in details))
st.badge(verdict_label(verdict), color=VERDICT_BADGES[verdict], icon=":material/flag:")
st.info(md_escape(row["next_step"]), icon=":material/arrow_forward:")
onepager_button(view, pilot_id)

# The answer in boxes whose text wraps: st.metric would cut "API workflow pipeline" short.
for col, column in zip(st.columns(3), ("current_mode", "recommended", "target"), strict=True):
    with col:
        answer_card(column_label(column), value_label(column, row[column]))
readiness_col, completeness_col = st.columns([2, 1])
with readiness_col:
    answer_card(column_label("readiness"), score_text(row["readiness"]), readiness_basis(row))
with completeness_col:
    answer_card(column_label("completeness"), f"{score_text(row['completeness'])}%")
st.markdown("**Why this option**")
st.markdown("\n".join(f"- {md_escape(s)}" for s in option_reasons(scored, pilot_id).sentences))
st.caption(
    f"{field_label('monthly_value')} {money(row['monthly_value'], currency)} · "
    f"{field_label('monthly_volume')} {value_label('monthly_volume', row['monthly_volume'])} · "
    f"{field_label('users')} {value_label('users', row['users'])}"
)

pilot_decision_section(view, pilot_id)

dimension_scores = {
    d: (None if row[c] != row[c] else float(row[c]))
    for d, c in zip(scored.profile.dimensions, scored.dimension_columns, strict=True)
}
left, right = st.columns(2)
with left:
    st.subheader("Scorecard")
    chart(dimension_radar(dimension_scores))
    fits = st.columns(3)
    for col, option in zip(fits, OPTIONS, strict=True):
        col.metric(column_label(FIT_COLUMNS[option]), score_text(row[FIT_COLUMNS[option]]))
with right:
    st.subheader("What drives readiness")
    chart(contribution_bars(scored.contributions([pilot_id])))

st.subheader("Gates of each option")
checklist = scored.gate_checklist(pilot_id)
for tab, option in zip(st.tabs([option_label(o) for o in OPTIONS]), OPTIONS, strict=True):
    with tab:
        st.dataframe(
            styled(gate_table(checklist, option, scored.profile.gates)),
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
            styled(blocking_table(step, scored.profile.gates)),
            column_config=GATE_COLUMNS,
            hide_index=True,
            width="stretch",
        )

st.subheader("Answers and where they came from")
provenance = loaders.load_provenance(view.store_path, view.snapshot.snapshot_id, view.snapshot.content_hash)
st.dataframe(
    pilot_sources_table(row, pilot_provenance(provenance, pilot_id), anonymised=view.presenting),
    hide_index=True,
    width="stretch",
    key="pilot_sources",
)
answer_form(view, row, pilot_id, pilot_questions(view.questions(), pilot_id))

st.subheader("What if…")
st.caption("Change any input to see the scores, verdict and path move. Nothing stored changes.")
prefix = f"whatif::{pilot_id}::"
ignored = what_if_from_url(pilot_id, prefix)
if ignored:
    st.caption(
        f"Ignored from the link: {md_escape(', '.join(field_label(n) for n in ignored))} (not a value the inputs offer)."
    )
with st.expander("Inputs", expanded=True, icon=":material/edit:"):
    changes = what_if_inputs(row, prefix)
    show_what_if_in_url(changes)
    st.button("Reset the what-if", on_click=reset_what_if, args=(prefix,), icon=":material/restart_alt:")
if changes:
    result = what_if(row, changes, scored.profile)
    after = result.modified.table.iloc[0]
    before_col, after_col = st.columns(2)
    before_col.metric("Verdict as recorded", verdict_label(verdict))
    after_col.metric(
        "Verdict in the what-if",
        verdict_label(after["verdict"]),
        delta="changed" if result.verdict_changed else "unchanged",
        delta_color="normal" if result.verdict_changed else "off",
    )
    compare = {
        d: (None if after[c] != after[c] else float(after[c]))
        for d, c in zip(scored.profile.dimensions, scored.dimension_columns, strict=True)
    }
    left, right = st.columns(2)
    with left:
        chart(dimension_radar(dimension_scores, compare=compare), key="whatif_radar")
    with right:
        st.dataframe(
            what_if_table(result, scored.profile), hide_index=True, width="stretch", key="whatif_diff"
        )
    st.markdown("**Promotion path in the what-if**")
    for number, step in enumerate(result.modified.promotion_path(pilot_id), start=1):
        st.markdown(path_step_text(number, step))
else:
    st.caption("No input changed yet.")
