"""Pilot: the scorecard, what drives it, the gates, the promotion path and a what-if editor."""

from __future__ import annotations

import streamlit as st

from kairo_scoring import (
    FIT_COLUMNS,
    OPTIONS,
    VERDICT_BADGES,
    blockers_in_words,
    column_label,
    contribution_bars,
    dimension_radar,
    field_label,
    money,
    option_label,
    pilot_provenance,
    pilot_questions,
    pilot_sources_table,
    score_text,
    value_label,
    verdict_label,
    what_if,
)
from ui import loaders
from ui.pilot_widgets import (
    GATE_COLUMNS,
    answer_form,
    blocking_table,
    gate_table,
    path_step_text,
    reset_what_if,
    styled,
    what_if_inputs,
)
from ui.sidebar import current_view
from ui.state import open_pilot
from ui.tables import headers
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


def _shown(what: str, value) -> str:
    """A what-if value in words (the blockers text too)."""
    return blockers_in_words(value, scored.profile) if what == "blockers" else value_label(what, value)


details = [
    f"{field_label(f)} {value_label(f, row.get(f))}"
    for f in ("business_unit", "owner", "stage", "risk_level")
]
st.caption(" · ".join(md_escape(d) for d in details))
st.badge(verdict_label(verdict), color=VERDICT_BADGES[verdict], icon=":material/flag:")
st.info(md_escape(row["next_step"]), icon=":material/arrow_forward:")

cols = st.columns(5)
cols[0].metric(column_label("readiness"), score_text(row["readiness"]))
cols[1].metric(column_label("completeness"), f"{score_text(row['completeness'])}%")
for col, column in zip(cols[2:], ("current_mode", "recommended", "target"), strict=True):
    col.metric(column_label(column), value_label(column, row[column]))
st.caption(
    f"{field_label('monthly_value')} {money(row['monthly_value'], currency)} · "
    f"{field_label('monthly_volume')} {value_label('monthly_volume', row['monthly_volume'])} · "
    f"{field_label('users')} {value_label('users', row['users'])}"
)

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
with st.expander("Inputs", expanded=True, icon=":material/edit:"):
    changes = what_if_inputs(row, prefix)
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
        diff = result.diff[result.diff["changed"]].drop(columns="changed")
        shown = diff.assign(
            what=[column_label(w) for w in diff["what"]],
            original=[_shown(w, v) for w, v in zip(diff["what"], diff["original"], strict=True)],
            what_if=[_shown(w, v) for w, v in zip(diff["what"], diff["what_if"], strict=True)],
        )
        st.dataframe(
            shown,
            hide_index=True,
            width="stretch",
            column_config=headers(shown.columns),
            key="whatif_diff",
        )
    st.markdown("**Promotion path in the what-if**")
    for number, step in enumerate(result.modified.promotion_path(pilot_id), start=1):
        st.markdown(path_step_text(number, step))
else:
    st.caption("No input changed yet.")
