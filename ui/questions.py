"""The Portfolio page's "Decide the undecided" panel: which answers to collect, from whom.

Its sentences and tables hold labels, counts and money only (no text from a register but
names in cells), so they are shown as they are."""

from __future__ import annotations

import functools

import streamlit as st

from kairo_scoring import (
    export_questions_csv,
    more_phrase,
    pilot_questions_frame,
    question_fields_table,
    questions_detail,
    questions_sentence,
    waiting_table,
)

FIELD_LIMIT = 8  # questions listed in the fields table
WAITING_LIMIT = 10  # owners (or units) listed before "and N more"


def decide_the_undecided(view) -> None:
    """The panel, only when some pilot in view is undecided (names aliased when presenting)."""
    questions = view.questions()
    if not questions.undecided:
        return
    currency = view.profile.currency
    headline = questions.headline()
    st.subheader("Decide the undecided")
    st.markdown(f"**{questions_sentence(headline)}**")
    st.caption(questions_detail(headline, currency))
    left, right = st.columns([2, 3])
    with left:
        st.dataframe(
            question_fields_table(questions, currency, limit=FIELD_LIMIT),
            hide_index=True,
            width="stretch",
            key="questions_fields",
        )
        if more := more_phrase(FIELD_LIMIT, len(questions.fields), "question"):
            st.caption(more)
    with right:
        by_owner, by_unit = st.tabs(["Per owner", "Per business unit"])
        for tab, waiting, by, noun in (
            (by_owner, questions.owners, "owner", "owner"),
            (by_unit, questions.business_units, "business_unit", "business unit"),
        ):
            with tab:
                st.dataframe(
                    waiting_table(waiting, by, currency, limit=WAITING_LIMIT),
                    hide_index=True,
                    width="stretch",
                    key=f"questions_{by}",
                )
                if more := more_phrase(WAITING_LIMIT, len(waiting), noun):
                    st.caption(more)
    st.download_button(
        "Download the questions per pilot (csv)",
        data=functools.partial(export_questions_csv, pilot_questions_frame(questions)),
        file_name="kairo_questions.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
        key="download_questions",
    )
