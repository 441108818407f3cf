"""Decisions, Streamlit side: a pilot's decision record, the decision form, sign-off, and the
Portfolio page's bulk accept. The rules (what a decision needs, who may sign it off, what
"to review" means) are the library's: these widgets call `record_decisions` and
`store.sign_off` with the actor of the click and show a refusal as one line.

Who is recorded: the signed-in email, or in open mode (no sign-in configured) the name typed
in the form (`Actor.open_mode`), which the store marks unverified. Presentation mode shows
aliases for the people (`person_aliases`) as it does for pilots; what is stored is the real
name typed.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from kairo_scoring import (
    NOT_READY,
    OPTIONS,
    Action,
    Actor,
    DecisionKind,
    KairoError,
    count_phrase,
    day_text,
    decision_changes_text,
    decision_kind_label,
    decision_state_label,
    decision_status_label,
    option_label,
    person_aliases,
    record_decisions,
    time_text,
)
from ui.auth import allowed, auth_configured, current_actor, denied_notice
from ui.state import flash
from ui.text import md_escape

DECISION_ERROR_KEY = "decision_error"
BULK_ERROR_KEY = "bulk_decision_error"
KINDS: tuple[str, ...] = tuple(kind.value for kind in DecisionKind)  # accept, override, defer, retire
OVERRIDE_OPTIONS: tuple[str, ...] = (NOT_READY, *OPTIONS)
UNVERIFIED_NOTE = (
    "No sign-in is configured: the name you type is recorded as you typed it, marked unverified."
)
STATE_ICONS = {
    "decided": ":material/verified:",
    "proposed": ":material/pending_actions:",
    "to_review": ":material/rule:",
    "undecided": ":material/help:",
}


# --- who ----------------------------------------------------------------------------------
def people(view) -> dict[str, str]:
    """Recorded name → alias ("Person B") of everyone in the portfolio's decisions."""
    decisions = view.decisions
    return person_aliases(pd.concat([decisions["proposed_by"], decisions["signed_by"]], ignore_index=True))


def person_text(view, who: Any, verified: Any = True) -> str:
    """Who as the page shows them: an alias when presenting, else the name, marked when typed."""
    if who is None or pd.isna(who):
        return "someone"
    if view.presenting:
        return people(view).get(str(who), "a participant")
    return str(who) if bool(verified) else f"{who} (typed, unverified)"


def shown_error(view, message: str) -> str:
    """A refusal as the page shows it: in presentation mode, a person it names by their alias."""
    if view.presenting:
        for name, alias in sorted(people(view).items(), key=lambda p: -len(p[0])):
            message = message.replace(name, alias)
    return md_escape(message)


def _actor(name_key: str) -> Actor:
    """The actor of this click: the signed-in user, or in open mode the name typed in the form."""
    if auth_configured():
        return current_actor()
    return Actor.open_mode(st.session_state.get(name_key))


def _name_input(name_key: str) -> None:
    """Open mode only: who is deciding (there is no sign-in to say it)."""
    if auth_configured():
        return
    st.text_input("Your name", key=name_key, max_chars=200, placeholder="Recorded with the decision")
    st.caption(f":material/info: {UNVERIFIED_NOTE}")


def forget_typed_name(view, name_key: str) -> None:
    """After a write in presentation mode, empty the name field: the room reads the screen."""
    if view.presenting:
        st.session_state[name_key] = ""  # set, not removed: the browser's field follows a set value


# --- the decision record ------------------------------------------------------------------
def pilot_state(view, pilot_id: str) -> pd.Series:
    """The `decision_states` row of a pilot in view."""
    states = view.states
    return states[states["pilot_id"] == str(pilot_id)].iloc[0]


def decision_words(kind: Any, option: Any, review_date: Any) -> str:
    words = decision_kind_label(kind)
    if kind in (DecisionKind.ACCEPT.value, DecisionKind.OVERRIDE.value):
        words += f": {option_label(option)}"
    elif kind == DecisionKind.DEFER.value and review_date is not None and not pd.isna(review_date):
        words += f", to review on {day_text(review_date)}"
    return words


def decision_record(view, pilot_id: str) -> None:
    """The pilot's decision: its state, what was decided, by whom, when, why and the sign-off."""
    row = pilot_state(view, pilot_id)
    state = str(row["state"])
    heading = decision_state_label(state)
    if state == "to_review":  # the state alone does not say whether it was signed off
        heading += f" · {decision_status_label(row['status'])}"
    st.markdown(f"{STATE_ICONS.get(state, '')} **{md_escape(heading)}**")
    if state == "undecided":
        st.caption(
            f"No decision yet. The model recommends {md_escape(option_label(row['recommended']))}; "
            "people decide."
        )
    else:
        lines = [
            f"**{md_escape(decision_words(row['kind'], row['option'], row['review_date']))}**",
            f"Proposed by {md_escape(person_text(view, row['proposed_by'], row['proposed_by_verified']))} "
            f"on {md_escape(time_text(row['proposed_at']))}",
        ]
        if isinstance(row["reason"], str) and row["reason"]:
            lines.append(f"Why: {md_escape(row['reason'])}")
        if row["signed_by"] is not None and not pd.isna(row["signed_by"]):
            lines.append(
                f"Signed off by {md_escape(person_text(view, row['signed_by']))} "
                f"on {md_escape(time_text(row['signed_at']))}"
            )
        st.markdown("  \n".join(lines))
        if state == "to_review":
            st.warning(
                f"To review: what it was decided on has changed ({md_escape(decision_changes_text(row))}).",
                icon=":material/rule:",
            )
    pending = row["pending_decision_id"]
    if not pd.isna(pending) and pending != row["decision_id"]:
        newer = view.decisions[view.decisions["decision_id"] == int(pending)].iloc[0]
        st.caption(
            f"A newer proposal awaits sign-off: "
            f"{md_escape(decision_words(newer['kind'], newer['option'], newer['review_date']))}, by "
            f"{md_escape(person_text(view, newer['proposed_by'], newer['proposed_by_verified']))}."
        )


# --- recording a decision -----------------------------------------------------------------
def decision_form(view, pilot_id: str) -> None:
    """For an editor (in presentation mode too: a workshop decides): accept the recommendation,
    choose another option (with a reason), defer (with a review date) or retire. In a form, so
    typing does not rerun the page; the store checks the rules and the role at the click."""
    if error := st.session_state.pop(DECISION_ERROR_KEY, None):  # also when the role was just lowered
        st.error(error, icon=":material/error:")
    if not allowed(Action.PROPOSE_DECISION):
        denied_notice(Action.PROPOSE_DECISION, "Recording a decision")
        return
    recommended = option_label(pilot_state(view, pilot_id)["recommended"])
    prefix = f"decide::{pilot_id}::"
    with st.form(f"decision_form::{pilot_id}", border=True):
        st.radio(
            "Decision",
            KINDS,
            format_func=lambda k: (
                f"{decision_kind_label(k)} ({recommended})"
                if k == DecisionKind.ACCEPT.value
                else decision_kind_label(k)
            ),
            key=prefix + "kind",
            horizontal=True,
        )
        left, right = st.columns(2)
        left.selectbox(
            "Another option",
            OVERRIDE_OPTIONS,
            index=None,
            format_func=option_label,
            key=prefix + "option",
            placeholder="When choosing another option",
        )
        right.date_input("Review date", value=None, key=prefix + "review_date", help="When deferring")
        st.text_area(
            "Reason",
            key=prefix + "reason",
            max_chars=4000,
            help="Needed when choosing another option; welcome for any decision.",
        )
        _name_input(prefix + "name")
        st.form_submit_button(
            "Record the decision",
            type="primary",
            icon=":material/gavel:",
            on_click=_record_decision,
            args=(view, pilot_id, prefix),
        )
    st.caption("A decision counts once someone else with the approver role signs it off.")


def _record_decision(view, pilot_id: str, prefix: str) -> None:
    state = st.session_state
    kind = state.get(prefix + "kind")
    try:
        record_decisions(
            view.store,
            view.scored,
            view.snapshot.snapshot_id,
            [pilot_id],
            kind,
            option=state.get(prefix + "option") if kind == DecisionKind.OVERRIDE.value else None,
            reason=state.get(prefix + "reason") or "",
            review_date=state.get(prefix + "review_date") if kind == DecisionKind.DEFER.value else None,
            actor=_actor(prefix + "name"),
        )
    except KairoError as exc:  # DecisionRefused (a rule), AccessDenied (the role)
        state[DECISION_ERROR_KEY] = shown_error(view, str(exc))
        return
    for field, empty in (("option", None), ("reason", ""), ("review_date", None)):
        state[prefix + field] = empty
    forget_typed_name(view, prefix + "name")
    flash(f"Decision recorded: {decision_kind_label(kind)}. It awaits sign-off.")


# --- sign-off -----------------------------------------------------------------------------
def sign_off_form(view, pilot_id: str) -> None:
    """For an approver: approve or reject the pilot's pending proposal, with a comment. The
    store refuses the proposer's own (and anything no longer pending)."""
    row = pilot_state(view, pilot_id)
    pending = row["pending_decision_id"]
    if pd.isna(pending):
        return
    pending = int(pending)
    if not allowed(Action.SIGN_OFF):
        st.caption(":material/pending_actions: Awaiting sign-off by someone with the approver role.")
        return
    proposal = view.decisions[view.decisions["decision_id"] == pending].iloc[0]
    prefix = f"sign_off::{pending}::"
    with st.form(f"sign_off_form::{pending}", border=True):
        st.markdown(
            f"**Sign off decision #{pending}**: "
            f"{md_escape(decision_words(proposal['kind'], proposal['option'], proposal['review_date']))}, "
            f"proposed by {md_escape(person_text(view, proposal['proposed_by'], proposal['proposed_by_verified']))}"
        )
        st.text_area("Comment", key=prefix + "comment", max_chars=4000)
        _name_input(prefix + "name")
        approve, reject = st.columns(2)
        approve.form_submit_button(
            "Approve",
            type="primary",
            icon=":material/check:",
            on_click=_sign_off,
            args=(view, pending, True, prefix),
        )
        reject.form_submit_button(
            "Reject", icon=":material/close:", on_click=_sign_off, args=(view, pending, False, prefix)
        )


def _sign_off(view, decision_id: int, approve: bool, prefix: str) -> None:
    try:
        view.store.sign_off(
            decision_id,
            approve=approve,
            comment=st.session_state.get(prefix + "comment") or "",
            actor=_actor(prefix + "name"),
        )
    except KairoError as exc:
        st.session_state[DECISION_ERROR_KEY] = shown_error(view, str(exc))
        return
    st.session_state[prefix + "comment"] = ""
    forget_typed_name(view, prefix + "name")
    flash(f"Decision #{decision_id} {'approved' if approve else 'rejected'}.")


def pilot_decision_section(view, pilot_id: str) -> None:
    """The Pilot page's decision: the record, then the form and the sign-off."""
    st.subheader("Decision")
    decision_record(view, pilot_id)
    decision_form(view, pilot_id)
    sign_off_form(view, pilot_id)


# --- the Portfolio page's bulk accept -----------------------------------------------------
def bulk_accept(view, pilot_ids: list[str]) -> None:
    """Accept the recommendation for the selected pilots, in one transaction (all or none): a
    refusal names the pilots that cannot be accepted and nothing is written."""
    if error := st.session_state.pop(BULK_ERROR_KEY, None):
        st.error(error, icon=":material/error:")
    if not allowed(Action.PROPOSE_DECISION):
        denied_notice(Action.PROPOSE_DECISION, "Recording a decision")
        return
    with st.form("bulk_decision", border=True):
        _name_input("bulk::name")
        st.form_submit_button(
            f"Accept the recommendation for these {len(pilot_ids)}",
            type="primary",
            icon=":material/done_all:",
            disabled=not pilot_ids,
            on_click=_accept_all,
            args=(view, tuple(pilot_ids)),
        )


def _accept_all(view, pilot_ids: tuple[str, ...]) -> None:
    try:
        ids = record_decisions(
            view.store,
            view.scored,
            view.snapshot.snapshot_id,
            pilot_ids,
            DecisionKind.ACCEPT.value,
            actor=_actor("bulk::name"),
        )
    except KairoError as exc:
        st.session_state[BULK_ERROR_KEY] = shown_error(view, str(exc))
        return
    forget_typed_name(view, "bulk::name")
    flash(f"Recorded {count_phrase(len(ids), 'decision')} to accept the recommendation; they await sign-off.")
