"""The sortable pilot table: the columns a PMO scans, the most valuable pilots first
(codes as computed: `present.labels.label_values` names them for people)."""

from __future__ import annotations

import pandas as pd

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
    """The sortable pilot table, highest monthly value first; at most `limit` rows (the
    most valuable), and whether rows were left out."""
    frame = table[list(TABLE_COLUMNS)].copy()
    frame = frame.sort_values(["monthly_value", "pilot_id"], ascending=[False, True], na_position="last")
    truncated = limit is not None and len(frame) > limit
    if truncated:
        frame = frame.head(limit)
    return frame.reset_index(drop=True), truncated
