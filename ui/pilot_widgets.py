"""Widgets of the Pilot page: the gate checklist table, the promotion path and the what-if inputs."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from kairo_scoring import (
    CURRENT_MODES,
    EDITABLE_FIELDS,
    PATH_STEP_LABELS,
    RISK_LEVELS,
    SCORE_FIELDS,
    STAGES,
    STATUS_COLOURS,
    STATUS_LABELS,
    UNKNOWN,
    PathStep,
    count_phrase,
    field_help,
    field_label,
    gate_label,
    plain,
    value_label,
)
from ui.tables import text_column
from ui.text import md_escape

GATE_COLUMNS = {
    "rule": text_column("rule", "medium"),
    "current": text_column("current", "small"),
    "required": text_column("required", "small"),
    "status": text_column("status", "small"),
}


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
    rows = checklist[checklist["option"] == option]
    return _in_words(list(rows.itertuples(index=False)), gates)


def _in_words(checks: list, gates) -> pd.DataFrame:
    by_rule = {(g.option, g.describe()): g for g in gates}
    named = [by_rule.get((c.option, c.rule)) for c in checks]
    return pd.DataFrame(
        {
            "rule": [gate_label(g) if g else c.rule for g, c in zip(named, checks, strict=True)],
            "current": [value_label(c.field, c.current) for c in checks],
            "required": [_required(c.required) for c in checks],
            "status": [STATUS_LABELS.get(c.status, c.status) for c in checks],
        },
        columns=["rule", "current", "required", "status"],
    )


def _required(text: Any) -> str:
    """'≥ 4' → 'at least 4' (the checklist's compact form in words)."""
    text = str(text)
    for symbol, word in (("≥", "at least"), ("≤", "at most"), (">", "above"), ("<", "below")):
        text = text.replace(symbol, word)
    return text.replace("(risk ", "(when risk is ")


def path_step_text(number: int, step: PathStep) -> str:
    """'**1. Promote** Assisted desktop → Shared workspace: ready' (library values, escaped)."""
    move = (
        f"keep running as {value_label('current_mode', step.from_mode)} and meet its gates"
        if step.kind == "fix"
        else f"{value_label('current_mode', step.from_mode)} → {value_label('target', step.to_mode)}"
    )
    state = "ready now" if step.ready else f"blocked by {count_phrase(len(step.blocking), 'gate')}"
    return f"**{number}. {PATH_STEP_LABELS.get(step.kind, step.kind)}**: {md_escape(move)} — {state}"


def blocking_table(step: PathStep, gates) -> pd.DataFrame:
    """The gates blocking one step of the promotion path, in words."""
    return _in_words(list(step.blocking), gates)


def what_if_inputs(pilot: pd.Series, key_prefix: str) -> dict[str, Any]:
    """Inputs for every scoring field, preset to the pilot's values; returns the changed ones."""
    changes: dict[str, Any] = {}
    columns = st.columns(4)
    for i, name in enumerate(EDITABLE_FIELDS):
        original = plain(pilot.get(name))
        key = f"{key_prefix}{name}"
        with columns[i % 4]:
            if name in SCORE_FIELDS:
                options: list[Any] = [None, 1, 2, 3, 4, 5]
                current = None if original is None else int(original)
                value = st.selectbox(
                    field_label(name),
                    options,
                    index=options.index(current) if current in options else 0,
                    format_func=lambda v: UNKNOWN if v is None else str(v),
                    key=key,
                    help=field_help(name),
                )
            elif name in ("stage", "current_mode", "risk_level"):
                allowed = {"stage": STAGES, "current_mode": CURRENT_MODES, "risk_level": RISK_LEVELS}[name]
                options = [None, *allowed]
                value = st.selectbox(
                    field_label(name),
                    options,
                    index=options.index(original) if original in options else 0,
                    format_func=lambda v, field=name: value_label(field, v),
                    key=key,
                    help=field_help(name),
                )
            else:
                value = st.number_input(
                    field_label(name),
                    min_value=0.0,
                    value=None if original is None else float(original),
                    step=1.0 if name != "monthly_value" else 100.0,
                    format="%.0f",
                    key=key,
                    help=field_help(name),
                    placeholder=UNKNOWN,
                )
        if plain(value) != original:
            changes[name] = value
    return changes


def reset_what_if(key_prefix: str) -> None:
    for name in EDITABLE_FIELDS:
        st.session_state.pop(f"{key_prefix}{name}", None)
