"""Small helpers for building and comparing scored pilots in tests."""

from __future__ import annotations

import math

import pandas as pd

ALL_THREES = dict(
    process_maturity=3,
    io_stability=3,
    exception_governance=3,
    ownership=3,
    controls=3,
    shared_assets=3,
    integration_readiness=3,
    value_evidence=3,
)
ALL_FIVES = {field: 5 for field in ALL_THREES}


def pilot(pilot_id: str, **fields) -> dict:
    return {"pilot_id": pilot_id, "name": pilot_id.replace("_", " ").title(), **fields}


def comparable(row: pd.Series) -> dict:
    """A scored row as plain values: categoricals as text, every missing value as None."""
    out = {}
    for key, value in row.items():
        if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
            out[key] = None
        elif isinstance(value, float):
            out[key] = round(value, 9)
        else:
            out[key] = value.item() if hasattr(value, "item") else value
    return out
