"""The sortable pilot table: the columns a PMO scans, labels instead of codes, the most
valuable pilots first."""

from __future__ import annotations

import pandas as pd

from kairo_scoring.schema import NOT_READY, OPTION_LABELS, UNDECIDED, VERDICT_LABELS

TABLE_COLUMNS: tuple[str, ...] = (
    "pilot_id",
    "name",
    "business_unit",
    "owner",
    "verdict",
    "current_mode",
    "recommended",
    "target",
    "readiness",
    "completeness",
    "monthly_value",
    "risk_level",
    "next_step",
)


def pilot_table(table: pd.DataFrame, limit: int | None = None) -> tuple[pd.DataFrame, bool]:
    """The sortable pilot table: labels instead of codes, highest monthly value first;
    at most `limit` rows (the most valuable), and whether rows were left out."""
    frame = table[list(TABLE_COLUMNS)].copy()
    frame["verdict"] = frame["verdict"].astype(object).map(VERDICT_LABELS)
    labels = {**OPTION_LABELS, NOT_READY: "Not ready", UNDECIDED: "Undecided", "none": "None (pilot)"}
    for column in ("current_mode", "recommended", "target"):
        frame[column] = frame[column].astype(object).map(labels)
    frame["next_step"] = frame["next_step"].astype(object)
    frame = frame.sort_values(["monthly_value", "pilot_id"], ascending=[False, True], na_position="last")
    truncated = limit is not None and len(frame) > limit
    if truncated:
        frame = frame.head(limit)
    return frame.reset_index(drop=True), truncated
