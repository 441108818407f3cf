"""Widgets of the Pilot page: the gate checklist table, the promotion path and the what-if inputs."""

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
    PathStep,
    field_help,
    field_label,
    is_missing,
    plain,
)
from ui.palette import STATUS_COLOUR, option_label
from ui.text import md_escape

STATUS_MARK = {"met": "met", "not met": "not met", "unknown": "unknown", "not applicable": "n/a"}
VERDICT_BADGE = {
    "at_risk": "red",
    "not_ready": "gray",
    "simplify": "violet",
    "promote": "green",
    "build_readiness": "orange",
    "hold": "blue",
    "needs_data": "gray",
}
GATE_COLUMNS = {
    "rule": st.column_config.TextColumn("Gate", width="medium"),
    "current": st.column_config.TextColumn("Current", width="small"),
    "required": st.column_config.TextColumn("Required", width="small"),
    "status": st.column_config.TextColumn("Status", width="small"),
}


def _shown(value: Any) -> str:
    if is_missing(value):
        return "unknown"
    if isinstance(value, float) and value.is_integer():
        return f"{value:.0f}"
    return str(value)


def styled(frame: pd.DataFrame):
    """Colour the status column with the status palette (text stays readable without colour)."""
    colours = {STATUS_MARK[k]: v for k, v in STATUS_COLOUR.items()}

    def cell(value: str) -> str:
        colour = colours.get(value)
        return f"color: white; background-color: {colour}; font-weight: 600" if colour else ""

    return frame.style.map(cell, subset=["status"])


def gate_table(checklist: pd.DataFrame, option: str) -> pd.DataFrame:
    """One option's gates for display: rule, current value, required value, status mark."""
    rows = checklist[checklist["option"] == option]
    return pd.DataFrame(
        {
            "rule": rows["rule"].to_numpy(),
            "current": [_shown(v) for v in rows["current"]],
            "required": rows["required"].to_numpy(),
            "status": [STATUS_MARK.get(s, s) for s in rows["status"]],
        }
    )


def path_step_text(number: int, step: PathStep) -> str:
    """'**1. Promote** Assisted desktop → Shared workspace: ready' (library values, escaped)."""
    kinds = {"promote": "Promote", "fix": "Fix controls", "simplify": "Simplify"}
    move = (
        f"keep running as {option_label(step.from_mode)} and meet its gates"
        if step.kind == "fix"
        else f"{option_label(step.from_mode)} → {option_label(step.to_mode)}"
    )
    state = (
        "ready now"
        if step.ready
        else f"blocked by {len(step.blocking)} gate{'s' if len(step.blocking) != 1 else ''}"
    )
    return f"**{number}. {kinds.get(step.kind, step.kind)}**: {md_escape(move)} — {state}"


def blocking_table(step: PathStep) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "rule": [g.rule for g in step.blocking],
            "current": [_shown(g.current) for g in step.blocking],
            "required": [g.required for g in step.blocking],
            "status": [STATUS_MARK.get(g.status, g.status) for g in step.blocking],
        }
    )


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
                    format_func=lambda v: "unknown" if v is None else str(v),
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
                    format_func=lambda v: (
                        "unknown" if v is None else option_label(v) if v in CURRENT_MODES else str(v)
                    ),
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
                    placeholder="unknown",
                )
        if plain(value) != original:
            changes[name] = value
    return changes


def reset_what_if(key_prefix: str) -> None:
    for name in EDITABLE_FIELDS:
        st.session_state.pop(f"{key_prefix}{name}", None)
