"""Scoring model: how scoring works, and the weights, thresholds and gates a consultant can change."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kairo_scoring import (
    OPTIONS,
    RISK_LEVELS,
    Action,
    KairoError,
    ProfileError,
    count,
    count_phrase,
    default_profile,
    field_label,
    gate_fields,
    gate_ops,
    gates_frame,
    how_scoring_works,
    label_values,
    next_profile_version,
    option_label,
    profile_impact,
    readiness_shift_chart,
    revise_profile,
    store_profile_version,
    value_label,
    weights_note,
)
from ui import loaders
from ui.auth import allowed, current_actor, denied_notice
from ui.sidebar import current_view
from ui.state import PROFILE_KEY, flash
from ui.tables import change_config
from ui.text import md_escape
from ui.widgets import context_line

NOT_SAVED_WHILE_PRESENTING = (
    "Not saved in presentation mode: leave presentation mode in the sidebar to save this version."
)

view = current_view()
st.title("Scoring model")
context_line(view)
profile = view.profile

# The rubric tab comes before the editor: the editor may st.stop() (a role that cannot edit).
explain, rubric_tab, edit = st.tabs(["How scoring works", "Rubric", "Edit the model"])
with explain:
    st.caption(f"Generated from profile {md_escape(profile.label)} (hash {profile.content_hash}).")
    for section in how_scoring_works(profile):
        st.markdown(f"#### {md_escape(section.title)}")
        for paragraph in section.paragraphs:
            st.markdown(md_escape(paragraph))

with rubric_tab:
    rubric = profile.rubric
    kinds = {kind: [e.field for e in rubric.entries if e.kind == kind] for kind in ("score", "enum")}
    st.caption(
        f"What each answer means in profile {md_escape(profile.label)}, so that two owners mean the same "
        "thing by a 3. Workbooks and answer forms ask these questions and offer these answers. The rubric "
        "is saved with each profile version and never changes a score. It is read only here for now; "
        "editing it on this page comes later."
    )
    st.markdown("##### Scores from 1 to 5")
    levels = pd.DataFrame(
        [
            {
                "Field": field_label(f),
                "Question": rubric.question(f),
                **{str(v): text for v, text in rubric.choices_for(f)},
            }
            for f in kinds["score"]
        ]
    )
    st.dataframe(levels, hide_index=True, width="stretch", key="rubric_levels")
    for f in kinds["enum"]:
        st.markdown(f"##### {md_escape(field_label(f))}: {md_escape(rubric.question(f))}")
        choices = pd.DataFrame(
            [{"Answer": value_label(f, v), "Meaning": text} for v, text in rubric.choices_for(f)]
        )
        st.dataframe(choices, hide_index=True, width="stretch", key=f"rubric_{f}")
    st.markdown("##### Numbers")
    numbers = pd.DataFrame(
        [
            {"Field": field_label(f), "Question": rubric.question(f), "Unit": rubric.unit(f)}
            for f in rubric.fields
            if rubric.unit(f)
        ]
    )
    st.dataframe(numbers, hide_index=True, width="stretch", key="rubric_numbers")

with edit:
    if view.presenting:
        st.info(
            "Presentation mode: changes here are a preview for the room, shown with pilot aliases, "
            "and nothing is saved. Leave presentation mode in the sidebar to save a version.",
            icon=":material/slideshow:",
        )
    error = st.session_state.pop("profile_error", None)
    if error:  # shown before the role check: a save refused for a changed role says why
        st.error(md_escape(error), icon=":material/error:")
    if not allowed(Action.EDIT_PROFILE):
        denied_notice(Action.EDIT_PROFILE, "Changing the scoring model")
        st.stop()
    # The editor starts from the chosen profile, or from the shipped default after a reset.
    base = default_profile() if st.session_state.get("editor_base") == "default" else profile
    key = f"editor::{base.label}::{base.content_hash}::"

    def reset_to_default() -> None:
        for k in [k for k in st.session_state if str(k).startswith("editor::")]:
            del st.session_state[k]
        st.session_state["editor_base"] = "default"

    st.caption(
        f"Editing from {md_escape(base.label)}. Changes are previewed here and saved as a new version."
    )
    st.markdown("##### Dimension weights")
    cols = st.columns(len(base.weights))
    weights = {
        dim: col.number_input(
            dim.capitalize(), min_value=0.0, max_value=10.0, value=float(w), step=0.05, key=f"{key}w::{dim}"
        )
        for col, (dim, w) in zip(cols, base.weights.items(), strict=True)
    }
    st.caption(md_escape(weights_note(weights)))
    st.markdown("##### Demand thresholds")
    cols = st.columns(3)
    volume, users = field_label("monthly_volume").lower(), field_label("users").lower()
    demand = {
        "api_pipeline_min_volume": cols[0].number_input(
            f"{option_label('api_pipeline')} from {volume}",
            min_value=0.0,
            value=base.api_pipeline_min_volume,
            step=100.0,
            key=f"{key}d::api",
        ),
        "shared_workspace_min_volume": cols[1].number_input(
            f"{option_label('shared_workspace')} from {volume}",
            min_value=0.0,
            value=base.shared_workspace_min_volume,
            step=50.0,
            key=f"{key}d::wsv",
        ),
        "shared_workspace_min_users": cols[2].number_input(
            f"{option_label('shared_workspace')} from {users}",
            min_value=1.0,
            value=base.shared_workspace_min_users,
            step=1.0,
            key=f"{key}d::wsu",
        ),
    }
    st.markdown("##### Gates")
    gates = st.data_editor(
        gates_frame(base),
        key=f"{key}gates",
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={
            "option": st.column_config.SelectboxColumn(
                "Option", options=list(OPTIONS), required=True, format_func=option_label
            ),
            "field": st.column_config.SelectboxColumn(
                "Field", options=list(gate_fields()), required=True, format_func=field_label
            ),
            "op": st.column_config.SelectboxColumn("Comparison", options=list(gate_ops()), required=True),
            "value": st.column_config.TextColumn(
                "Value",
                help=f"1–5 for a score; low, medium, high or critical for {field_label('risk_level').lower()}",
            ),
            "min_risk": st.column_config.SelectboxColumn(
                "Only from risk",
                options=["", *RISK_LEVELS],
                format_func=lambda v: value_label("risk_level", v) if v else "",
            ),
        },
    )
    name = st.text_input(
        "Save as profile", value=base.name, max_chars=60, key=f"{key}name", disabled=view.presenting
    )
    version = next_profile_version(view.store.profiles(), name.strip() or base.name)
    try:
        candidate = revise_profile(
            base, name=name.strip(), version=version, weights=weights, demand=demand, gates=gates
        )
    except ProfileError as exc:
        st.error(f"This model cannot be used yet: {md_escape(exc)}", icon=":material/error:")
        candidate = None

    if candidate is not None:
        st.markdown("##### Impact on the current portfolio")
        if candidate.content_hash == profile.content_hash:
            st.caption(f"Same decisions as {md_escape(profile.label)}: nothing would change.")
        else:
            after = loaders.presented_snapshot(
                view.store_path,
                view.snapshot.snapshot_id,
                view.snapshot.content_hash,
                candidate.to_toml(),
                anonymised=view.presenting,
            )
            # Both tables are the presented ones: aliases in presentation mode, never the names.
            impact = profile_impact(view.everything.table, after.table)
            cols = st.columns(4)
            cols[0].metric("Pilots rescored", count(impact.pilots))
            cols[1].metric("Change recommendation", count(impact.recommendation_changed))
            cols[2].metric("Change verdict", count(impact.verdict_changed))
            cols[3].metric("Readiness moves", count(impact.readiness_moved))
            if impact.readiness_moved:
                st.markdown("##### How readiness moves")
                st.plotly_chart(
                    readiness_shift_chart(
                        impact.distribution, before=f"Now ({profile.label})", after="With these changes"
                    ),
                    key="readiness_shift",
                )
                st.caption(f"The {count_phrase(len(impact.movers), 'pilot')} whose readiness moves most:")
                st.dataframe(
                    label_values(impact.movers),
                    hide_index=True,
                    width="stretch",
                    key="readiness_movers",
                    column_config=change_config(profile.currency),
                )
            else:
                st.caption(
                    "No pilot's readiness moves: only the weights change readiness, and only through "
                    "their proportions."
                )
            if impact.any_change:
                st.markdown("##### Recommendations and verdicts that change")
                changes = label_values(impact.changes)
                st.dataframe(
                    changes,
                    hide_index=True,
                    width="stretch",
                    height=300,
                    key="impact_table",
                    column_config=change_config(profile.currency),
                )

        def save_profile(new_profile=candidate) -> None:
            try:
                store_profile_version(
                    view.store,
                    new_profile,
                    actor=current_actor(),  # the store checks this user's role as it is now
                )
            except KairoError as exc:
                st.session_state["profile_error"] = str(exc)
                return
            st.session_state[PROFILE_KEY] = new_profile.label
            st.session_state.pop("editor_base", None)
            flash(f"Saved profile {md_escape(new_profile.label)}; the portfolio is now scored with it.")

        unchanged = candidate.content_hash == profile.content_hash and candidate.name == profile.name
        # Presenting previews only: the button is off and its callback is not even attached.
        st.button(
            f"Save as {md_escape(candidate.label)}",
            type="primary",
            icon=":material/save:",
            on_click=None if view.presenting else save_profile,
            disabled=view.presenting or unchanged,
            help=NOT_SAVED_WHILE_PRESENTING if view.presenting else None,
        )
        if view.presenting:
            st.caption(NOT_SAVED_WHILE_PRESENTING)
    st.button(
        "Reset the editor to the default model", on_click=reset_to_default, icon=":material/restart_alt:"
    )
