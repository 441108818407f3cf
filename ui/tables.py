"""Column configurations: progress bars for scores, formatted numbers, headers from the
library's labels (`column_label`), so a table says what the charts and exports say."""

from __future__ import annotations

import streamlit as st

from kairo_scoring import column_label


def score_column(column: str, help: str | None = None):
    return st.column_config.ProgressColumn(
        column_label(column), min_value=0, max_value=100, format="%.0f", help=help
    )


def money_column(currency: str):
    return st.column_config.NumberColumn(
        f"{column_label('monthly_value')} ({currency})", format="localized", help="Estimated value a month"
    )


def text_column(column: str, width: str | None = None):
    return st.column_config.TextColumn(column_label(column), width=width)


def pilot_table_config(currency: str) -> dict:
    """The Portfolio page's pilot table."""
    return {
        "pilot_id": text_column("pilot_id", "small"),
        "name": text_column("name", "large"),
        **{c: text_column(c) for c in ("business_unit", "owner", "verdict", "current_mode", "recommended")},
        "target": text_column("target"),
        "readiness": score_column("readiness", "Weighted readiness, 0–100 (absolute)"),
        "completeness": score_column("completeness", "Share of scoring inputs known"),
        "monthly_value": money_column(currency),
        "risk_level": text_column("risk_level"),
        "next_step": text_column("next_step", "large"),
    }


def change_config(currency: str) -> dict:
    """Tables of pilots whose recommendation or verdict changed (History, Scoring model)."""
    return {
        "pilot_id": text_column("pilot_id", "small"),
        "name": text_column("name", "medium"),
        **{
            c: text_column(c)
            for c in (
                "movement",
                "recommended_before",
                "recommended_after",
                "verdict_before",
                "verdict_after",
            )
        },
        "readiness_before": st.column_config.NumberColumn(column_label("readiness_before"), format="%.0f"),
        "readiness_after": st.column_config.NumberColumn(column_label("readiness_after"), format="%.0f"),
        "readiness_delta": st.column_config.NumberColumn(column_label("readiness_delta"), format="%+.1f"),
        "monthly_value": money_column(currency),
    }


ISSUE_CONFIG = {
    "sheet": text_column("sheet"),
    "row": st.column_config.NumberColumn(
        column_label("row"), format="%d", help="Row number as Excel shows it"
    ),
    "column": text_column("column"),
    "value": text_column("value"),
    "reason": text_column("reason", "large"),
    "severity": text_column("severity"),
    "code": text_column("code"),
}


def headers(columns) -> dict:
    """A plain header for each column: the column_config of a table with no special columns."""
    return {c: column_label(str(c)) for c in columns}


def table_height(rows: int, *, limit: int = 420) -> int:
    """Just tall enough for `rows` rows (plus the header), at most `limit` pixels."""
    return min(35 * (rows + 1) + 3, limit)
