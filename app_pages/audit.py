"""Audit: every write the store recorded (imports, answers, profiles, mappings, decisions and
sign-offs), newest first, filtered by date, action, person and portfolio; a csv download.
For approvers and admins: the store refuses anyone else (`Action.READ_AUDIT`)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kairo_scoring import (
    AUDIT_ACTION_LABELS,
    Action,
    KairoError,
    audit_action_label,
    count_phrase,
    export_audit_csv,
    person_aliases,
    time_text,
)
from ui.auth import allowed, current_actor, denied_notice
from ui.decisions import people
from ui.sidebar import current_view
from ui.text import md_escape

view = current_view()
st.title("Audit")
st.caption("Every write to the store, who made it and when. Nothing here can be changed or removed.")
if not allowed(Action.READ_AUDIT):
    denied_notice(Action.READ_AUDIT, "Reading the audit trail")
    st.stop()

portfolios = sorted(view.store.portfolios()["portfolio"].astype(str), key=str.casefold)
since_col, action_col, who_col, portfolio_col = st.columns(4)
since = since_col.date_input("Since", value=None, key="audit_since", help="Whole days, UTC")
action = action_col.selectbox(
    "Action",
    list(AUDIT_ACTION_LABELS),
    index=None,
    format_func=audit_action_label,
    key="audit_action",
    placeholder="All",
)
who = who_col.text_input("Who", key="audit_who", placeholder="All", help="The name or email recorded")
portfolio = portfolio_col.selectbox(
    "Portfolio", portfolios, index=None, key="audit_portfolio", placeholder="All"
)
try:
    audit = view.store.audit(
        since, portfolio=portfolio, action=action, who=who.strip() or None, actor=current_actor()
    )
except KairoError as exc:  # AccessDenied: the role was lowered since the page was drawn
    st.error(md_escape(exc), icon=":material/error:")
    st.stop()

audit = audit.iloc[::-1].reset_index(drop=True)  # newest first
st.caption(f"{count_phrase(len(audit), 'write')}, newest first.")
if view.presenting:  # people by alias, as the decision record shows them
    aliases = person_aliases(audit["who"], known=people(view))  # the decision record's aliases kept
    who_shown = audit["who"].map(lambda w: aliases.get(str(w), w))
else:
    who_shown = audit["who"]
shown = pd.DataFrame(
    {
        "When": [time_text(t) for t in audit["recorded_at"]],
        "Who": who_shown,
        "Identity": ["verified" if v else "typed, unverified" for v in audit["verified"]],
        "Role": audit["role"],
        "Action": [audit_action_label(a) for a in audit["action"]],
        "Portfolio": audit["portfolio"],
        "Object": audit["object_id"],
        "Detail": audit["detail"],
        "Content hash": audit["content_hash"],
    }
)
if view.presenting:  # the detail holds file names and comments, which may name people or clients
    shown = shown.drop(columns=["Detail"])
st.dataframe(shown, hide_index=True, width="stretch", height=480, key="audit_table")
if view.presenting:
    st.caption("The details and the download are off in presentation mode: they may name people.")
else:
    st.download_button(
        "Download as csv",
        export_audit_csv(audit),
        file_name="kairo_audit.csv",
        mime="text/csv",
        icon=":material/download:",
        key="audit_download",
    )
