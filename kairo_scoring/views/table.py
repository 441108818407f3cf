"""The sortable pilot table: the columns a PMO scans, the most valuable pilots first
(codes as computed: `present.labels.label_values` names them for people).

It leads with what an executive decides on (name, verdict, recommendation, monthly value,
next step), so the value the rows are sorted by is on screen without scrolling sideways;
readiness keeps its range and basis beside it (issue 11)."""

from __future__ import annotations

import pandas as pd

TABLE_COLUMNS: tuple[str, ...] = (
    "name",
    "verdict",
    "recommended",
    "monthly_value",
    "next_step",
    "readiness",
    "readiness_low",
    "readiness_high",
    "readiness_answers",
    "readiness_answers_total",
    "target",
    "current_mode",
    "business_unit",
    "owner",
    "completeness",
    "risk_level",
    "pilot_id",
)


def by_value(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows, highest monthly value first (unknown value last, then by pilot_id)."""
    return frame.sort_values(["monthly_value", "pilot_id"], ascending=[False, True], na_position="last")


def pilot_table(table: pd.DataFrame, limit: int | None = None) -> tuple[pd.DataFrame, bool]:
    """The sortable pilot table, highest monthly value first; at most `limit` rows (the
    most valuable), and whether rows were left out."""
    frame = by_value(table[list(TABLE_COLUMNS)].copy())
    truncated = limit is not None and len(frame) > limit
    if truncated:
        frame = frame.head(limit)
    return frame.reset_index(drop=True), truncated
