"""The Intake page's "Assessment returns" section: filled workbooks back in, as one new snapshot."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from kairo_scoring import (
    CODE_MEANINGS,
    Action,
    AssessmentReturns,
    KairoError,
    as_of_text,
    count,
    count_phrase,
    read_returns,
    rejected_csv,
    rejected_xlsx,
    save_returns,
)
from ui.auth import allowed, current_actor, denied_notice
from ui.sidebar import View
from ui.state import flash
from ui.text import md_escape, upload_basename


def _save(view: View, returns: AssessmentReturns) -> None:
    """Land the checked answers as one new snapshot (the store checks the role at the click)."""
    try:
        saved = save_returns(
            view.store,
            returns,
            profile=view.profile,
            as_of=st.session_state.get("returns_as_of"),  # None: the store dates it today
            actor=current_actor(),
        )
    except KairoError as exc:  # a newer snapshot meanwhile, or a role too low at this moment
        st.session_state["returns_error"] = str(exc)
        return
    if saved is None:
        flash("Nothing new to save: every answer is already in the latest snapshot.")
        return
    st.session_state["snapshot_id"] = None  # show the new latest snapshot
    flash(
        f"Saved snapshot #{saved.snapshot.snapshot_id} of {md_escape(returns.portfolio)}: "
        f"{count_phrase(returns.summary.answers_applied, 'answer')} applied, "
        f"{count_phrase(returns.summary.pilots_newly_decided, 'pilot')} newly decided "
        f"({as_of_text(saved.snapshot.as_of)})."
    )


def render_returns(view: View) -> None:
    """Upload filled assessment workbooks, see what each answer does, and save them (editors)."""
    with st.expander(
        "Assessment returns: upload filled assessment workbooks",
        icon=":material/assignment_return:",
        expanded=bool(st.session_state.get("returns_upload")),
    ):
        st.caption(
            f"Workbooks made on the Export page for {md_escape(view.portfolio)}. Every answer is checked on "
            "its own; saving lands one new snapshot: the latest plus the answers."
        )
        returned = st.file_uploader(
            "Filled assessment workbooks (.xlsx)", accept_multiple_files=True, key="returns_upload"
        )
        if returned:
            returns = read_returns(
                view.store,
                view.portfolio,
                [(upload_basename(f.name), f.getvalue()) for f in returned],
                view.profile,
            )
            summary = returns.summary
            cols = st.columns(6)
            cols[0].metric("Answers applied", count(summary.answers_applied))
            cols[1].metric("Corrections", count(summary.corrections))
            cols[2].metric("Rejected", count(summary.rejected + summary.rows_refused))
            cols[3].metric("Conflicts", count(summary.conflicts))
            cols[4].metric("Pilots newly decided", count(summary.pilots_newly_decided))
            cols[5].metric(
                "Completeness",
                f"{summary.completeness_after:.0f}%",
                delta=f"{summary.completeness_after - summary.completeness_before:+.0f} points",
                help=f"{summary.completeness_before:.0f}% before these answers",
            )
            st.caption(md_escape(" ".join(summary.lines()[:2])))
            st.dataframe(returns.report, hide_index=True, width="stretch", height=260, key="returns_report")
            with st.popover("What the codes mean", icon=":material/help:"):
                st.dataframe(
                    pd.DataFrame({"code": list(CODE_MEANINGS), "meaning": list(CODE_MEANINGS.values())}),
                    hide_index=True,
                )
            refused = returns.rejected()
            if len(refused):
                down = st.columns(2)
                down[0].download_button(
                    f"Download the {count_phrase(len(refused), 'answer or row')} not applied (csv)",
                    data=rejected_csv(returns),
                    file_name="assessment_rejected.csv",
                    mime="text/csv",
                    icon=":material/download:",
                    on_click="ignore",
                )
                down[1].download_button(
                    "… as xlsx",
                    data=rejected_xlsx(returns),
                    file_name="assessment_rejected.xlsx",
                    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    icon=":material/download:",
                    on_click="ignore",
                )
            returns_error = st.session_state.pop("returns_error", None)
            if returns_error:
                st.error(md_escape(returns_error), icon=":material/error:")
            if allowed(Action.SAVE_ANSWERS):
                as_of_col, save_col = st.columns(2, vertical_alignment="bottom")
                as_of_col.date_input(
                    "Answers as of",
                    value=date.today(),
                    key="returns_as_of",
                    format="YYYY-MM-DD",
                    help="The date the answers describe: History names and orders snapshots by it.",
                )
                save_col.button(
                    "Save answers",
                    type="primary",
                    icon=":material/save:",
                    on_click=_save,
                    args=(view, returns),
                    disabled=not returns.changed,
                    key="save_assessment_answers",
                )
            else:
                denied_notice(Action.SAVE_ANSWERS, "Saving answers")
