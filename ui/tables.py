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
    """The Portfolio page's pilot table: what an executive decides on first (name, verdict,
    recommendation, value, next step), then readiness with what it rests on. The range
    columns behind the basis are left out (None, see `shown_columns`): the basis says them."""
    return {
        "name": text_column("name", "medium"),
        "verdict": text_column("verdict"),
        "recommended": text_column("recommended"),
        "monthly_value": money_column(currency),
        "next_step": text_column("next_step", "large"),
        "readiness": score_column(
            "readiness", "Weighted readiness, 0–100 (absolute), from the answers known"
        ),
        "readiness_basis": st.column_config.TextColumn(
            column_label("readiness_basis"),
            width="medium",
            help="How many answers the score rests on, and the range the unknown answers allow",
        ),
        **{
            c: None
            for c in ("readiness_low", "readiness_high", "readiness_answers", "readiness_answers_total")
        },
        **{c: text_column(c) for c in ("target", "current_mode", "business_unit", "owner")},
        "completeness": score_column("completeness", "Share of scoring inputs known"),
        "risk_level": text_column("risk_level"),
        "pilot_id": text_column("pilot_id", "small"),
    }


# A short list on the Portfolio page: name, unit, value as text with its currency
# ("USD 38.3k", formatted by the library's `money`), next step; the pilot_id is left out
# (None, see `shown_columns`): the page opens a pilot by the row's position.
SHORTLIST_CONFIG = {
    "pilot_id": None,
    "name": text_column("name", "medium"),
    "business_unit": text_column("business_unit"),
    "monthly_value": st.column_config.TextColumn(
        column_label("monthly_value"), help="Estimated value a month"
    ),
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


def shown_columns(frame, config: dict):
    """The frame without the columns its config hides (None): a hidden column would still
    reach the page unlabelled, so it is left out of the frame rather than only hidden."""
    return frame.drop(columns=[c for c, v in config.items() if v is None and c in frame.columns])


def headers(columns) -> dict:
    """A plain header for each column: the column_config of a table with no special columns."""
    return {c: column_label(str(c)) for c in columns}


def table_height(rows: int, *, limit: int = 420) -> int:
    """Just tall enough for `rows` rows (plus the header), at most `limit` pixels."""
    return min(35 * (rows + 1) + 3, limit)
