"""Widgets of the Pilot page: the headline answers, the gate checklist table, the promotion
path, the what-if inputs and table, and the answer form (which lands a new snapshot)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from kairo_scoring import (
    CURRENT_MODES,
    EDITABLE_FIELDS,
    RISK_LEVELS,
    SCORE_FIELDS,
    STAGES,
    STATUS_COLOURS,
    STATUS_LABELS,
    UNKNOWN,
    Action,
    KairoError,
    PathStep,
    Profile,
    blockers_in_words,
    column_label,
    count_phrase,
    field_help,
    field_label,
    gate_checklist_table,
    path_step_sentence,
    plain,
    readiness_phrase,
    score_text,
    unanswered_fields,
    value_label,
)
from ui.auth import allowed, current_actor, denied_notice
from ui.state import flash
from ui.tables import text_column
from ui.text import md_escape

GATE_CHECK_FIELDS = ["option", "rule", "field", "current", "required", "status"]  # scoring.GateCheck

ANSWER_ERROR_KEY = "answer_error"
NOT_ANSWERED = "not answered"

GATE_COLUMNS = {
    "rule": text_column("rule", "medium"),
    "current": text_column("current", "small"),
    "required": text_column("required", "medium"),
    "status": text_column("status", "small"),
}


def answer_card(label: str, value: str, note: str = "") -> None:
    """One headline answer in a bordered box whose text wraps, so it is never cut: st.metric
    cuts a long value ("Assisted …") to the width of its column."""
    with st.container(border=True):
        st.caption(md_escape(label))
        st.markdown(f"**{md_escape(value)}**")
        if note:
            st.caption(md_escape(note))


def styled(frame: pd.DataFrame):
    """Colour the status column with the status palette (text stays readable without colour)."""
    colours = {STATUS_LABELS[k]: v for k, v in STATUS_COLOURS.items()}

    def cell(value: str) -> str:
        colour = colours.get(value)
        return f"color: white; background-color: {colour}; font-weight: 600" if colour else ""

    return frame.style.map(cell, subset=["status"])


def gate_table(checklist: pd.DataFrame, option: str, gates) -> pd.DataFrame:
    """One option's gates for display, in words: gate, current value, required value, status
    (`gates` are the profile's, which name each checklist rule)."""
    return _in_words(checklist[checklist["option"] == option], gates)


def _in_words(checks: pd.DataFrame, gates) -> pd.DataFrame:
    """Gate checks (a gate checklist's rows) in words, as the one-pager words them, without
    its option column."""
    worded = gate_checklist_table(checks, tuple(gates)).iloc[:, 1:]
    worded.columns = ["rule", "current", "required", "status"]
    return worded


def path_step_text(number: int, step: PathStep) -> str:
    """'1. Promote: Assisted desktop → Shared workspace — ready now' (the library's sentence, escaped)."""
    return md_escape(path_step_sentence(number, step))


def blocking_table(step: PathStep, gates) -> pd.DataFrame:
    """The gates blocking one step of the promotion path, in words."""
    return _in_words(pd.DataFrame([vars(check) for check in step.blocking], columns=GATE_CHECK_FIELDS), gates)


def what_if_inputs(pilot: pd.Series, key_prefix: str) -> dict[str, Any]:
    """Inputs for every scoring field, preset to the pilot's values (or to a value already in
    the session, from an earlier run or a shared link); returns the changed ones."""
    changes: dict[str, Any] = {}
    columns = st.columns(4)
    for i, name in enumerate(EDITABLE_FIELDS):
        original = plain(pilot.get(name))
        key = f"{key_prefix}{name}"
        preset = key in st.session_state  # then the session's value is the widget's, not the default
        with columns[i % 4]:
            if name in SCORE_FIELDS or name in ("stage", "current_mode", "risk_level"):
                if name in SCORE_FIELDS:
                    options: list[Any] = [None, 1, 2, 3, 4, 5]
                    current = None if original is None else int(original)
                    shown = lambda v: UNKNOWN if v is None else str(v)  # noqa: E731
                else:
                    allowed = {"stage": STAGES, "current_mode": CURRENT_MODES, "risk_level": RISK_LEVELS}[
                        name
                    ]
                    options = [None, *allowed]
                    current = original
                    shown = lambda v, field=name: value_label(field, v)  # noqa: E731
                default = {} if preset else {"index": options.index(current) if current in options else 0}
                value = st.selectbox(
                    field_label(name), options, format_func=shown, key=key, help=field_help(name), **default
                )
            else:
                default = {} if preset else {"value": None if original is None else float(original)}
                value = st.number_input(
                    field_label(name),
                    min_value=0.0,
                    step=1.0 if name != "monthly_value" else 100.0,
                    format="%.0f",
                    key=key,
                    help=field_help(name),
                    placeholder=UNKNOWN,
                    **default,
                )
        if plain(value) != original:
            changes[name] = value
    return changes


# Rows of the what-if table read as one: readiness with its basis and range.
_READINESS_PARTS = ("readiness_low", "readiness_high", "readiness_answers", "readiness_answers_total")


def what_if_table(result, profile: Profile) -> pd.DataFrame:
    """What a `what_if()` result changed, in words, headed by labels ("Changed", "As recorded",
    "What-if"): inputs, scores and decisions by their labels, readiness with its basis and
    range in one row, scores as whole numbers, blockers as gate phrases."""
    rows = result.diff
    before, after = result.original.table.iloc[0], result.modified.table.iloc[0]
    readiness_moved = bool(rows.loc[rows["what"].isin(["readiness", *_READINESS_PARTS]), "changed"].any())
    shown = []
    for what, original, what_if, changed in rows.itertuples(index=False):
        if what in _READINESS_PARTS:
            continue
        if what == "readiness":
            if readiness_moved:
                shown.append((what, readiness_phrase(before), readiness_phrase(after)))
        elif changed:
            shown.append(
                (what, _what_if_words(what, original, profile), _what_if_words(what, what_if, profile))
            )
    return pd.DataFrame(
        [(column_label(w), o, n) for w, o, n in shown],
        columns=[column_label("what"), column_label("original"), column_label("what_if")],
    )


def _what_if_words(what: str, value: Any, profile: Profile) -> str:
    if what == "blockers":
        return blockers_in_words(value, profile)
    if what == "completeness":
        return f"{score_text(value)}%"
    if what.startswith(("score_", "fit_")):
        return score_text(value)
    return value_label(what, value)


def reset_what_if(key_prefix: str) -> None:
    for name in EDITABLE_FIELDS:
        st.session_state.pop(f"{key_prefix}{name}", None)


def answer_form(view, pilot: pd.Series, pilot_id: str, deciding: tuple[str, ...]) -> None:
    """For an editor (never when presenting): the pilot's unknown answers, deciding questions
    first and highlighted, each with the rubric's choices or its unit. "Save answers" lands
    them as a new snapshot (the latest) in one callback; st.form keeps edits from rerunning."""
    if view.presenting:
        return
    if not allowed(Action.SAVE_ANSWERS):
        denied_notice(Action.SAVE_ANSWERS, "Answering questions")
        return
    if error := st.session_state.pop(ANSWER_ERROR_KEY, None):
        st.error(md_escape(error), icon=":material/error:")
    fields = unanswered_fields(pilot, deciding)
    if not fields:
        st.caption("Every question of this pilot is answered.")
        return
    rubric = view.profile.rubric
    prefix = f"answer::{view.snapshot.snapshot_id}::{pilot_id}::"
    if deciding:
        st.caption(
            f"The {count_phrase(len(deciding), 'question')} marked deciding, answered together, "
            "decide this pilot whatever the answers are."
        )
    with st.form(f"answers::{view.snapshot.snapshot_id}::{pilot_id}", border=True):
        columns = st.columns(2)
        for i, name in enumerate(fields):
            label = field_label(name)
            shown = f":orange[**{label}** · deciding]" if name in deciding else label
            with columns[i % 2]:
                if rubric.choices_for(name):
                    st.selectbox(
                        shown,
                        [None, *(value for value, _ in rubric.choices_for(name))],
                        format_func=lambda v, field=name: (
                            NOT_ANSWERED if v is None else rubric.display(field, v, value_label)
                        ),
                        key=prefix + name,
                        help=rubric.question(name),
                    )
                else:
                    st.number_input(
                        f"{shown} ({rubric.unit(name)})",
                        min_value=0.0,
                        value=None,
                        step=1.0,
                        format="%.0f",
                        key=prefix + name,
                        help=rubric.question(name),
                        placeholder=NOT_ANSWERED,
                    )
        st.form_submit_button(
            "Save answers",
            type="primary",
            icon=":material/save:",
            on_click=_save_answers,
            args=(view, pilot_id, prefix, tuple(fields)),
        )


def _save_answers(view, pilot_id: str, prefix: str, fields: tuple[str, ...]) -> None:
    given = {name: st.session_state.get(prefix + name) for name in fields}
    given = {name: value for name, value in given.items() if value is not None}
    if not given:
        st.session_state[ANSWER_ERROR_KEY] = (
            "No answer given: choose a value for at least one question, then save."
        )
        return
    answers = pd.DataFrame(
        {
            "pilot_id": pilot_id,
            "field": list(given),
            "value": pd.Series(list(given.values()), dtype=object),
            "kind": "app",
        }
    )
    try:
        saved = view.store.save_answers(
            view.snapshot.snapshot_id,
            answers,
            source_name="app",
            profile_name=view.profile.name,
            profile_version=view.profile.version,
            profile_hash=view.profile.content_hash,
            actor=current_actor(),  # the store checks this user's role as it is now
        )
    except KairoError as exc:
        st.session_state[ANSWER_ERROR_KEY] = str(exc)
        return
    for name in fields:
        st.session_state.pop(prefix + name, None)
    if not saved.snapshot.is_new:
        flash("Nothing changed: those answers are already in the snapshot.")
        return
    st.session_state["snapshot_id"] = None  # the new snapshot is the latest: show it
    flash(f"Saved snapshot #{saved.snapshot.snapshot_id}: {count_phrase(len(given), 'answer')}")
