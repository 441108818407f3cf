"""Column configurations: progress bars for scores, formatted numbers, readable headers."""

from __future__ import annotations

import streamlit as st


def score_column(label: str, help: str | None = None):
    return st.column_config.ProgressColumn(label, min_value=0, max_value=100, format="%.0f", help=help)


def money_column(label: str = "Monthly value"):
    return st.column_config.NumberColumn(label, format="localized", help="Estimated value a month")


PILOT_TABLE_CONFIG = {
    "pilot_id": st.column_config.TextColumn("ID", width="small"),
    "name": st.column_config.TextColumn("Pilot", width="large"),
    "business_unit": st.column_config.TextColumn("Business unit"),
    "owner": st.column_config.TextColumn("Owner"),
    "verdict": st.column_config.TextColumn("Verdict"),
    "current_mode": st.column_config.TextColumn("Runs today as"),
    "recommended": st.column_config.TextColumn("Recommended now"),
    "target": st.column_config.TextColumn("Target"),
    "readiness": score_column("Readiness", "Weighted readiness, 0–100 (absolute)"),
    "completeness": score_column("Completeness", "Share of scoring inputs known"),
    "monthly_value": money_column(),
    "risk_level": st.column_config.TextColumn("Risk"),
    "next_step": st.column_config.TextColumn("Next step", width="large"),
}

CHANGE_CONFIG = {
    "pilot_id": st.column_config.TextColumn("ID", width="small"),
    "name": st.column_config.TextColumn("Pilot", width="medium"),
    "readiness_before": st.column_config.NumberColumn("Readiness before", format="%.0f"),
    "readiness_after": st.column_config.NumberColumn("Readiness after", format="%.0f"),
    "readiness_delta": st.column_config.NumberColumn("Change", format="%+.1f"),
    "monthly_value": money_column(),
}

ISSUE_CONFIG = {
    "sheet": st.column_config.TextColumn("Sheet"),
    "row": st.column_config.NumberColumn("Row", format="%d", help="Row number as Excel shows it"),
    "column": st.column_config.TextColumn("Column"),
    "value": st.column_config.TextColumn("Value as read"),
    "reason": st.column_config.TextColumn("Problem", width="large"),
    "severity": st.column_config.TextColumn("Severity"),
}


def table_height(rows: int, *, limit: int = 420) -> int:
    """Just tall enough for `rows` rows (plus the header), at most `limit` pixels."""
    return min(35 * (rows + 1) + 3, limit)
