"""Small helpers for building and comparing scored pilots in tests."""

from __future__ import annotations

import math

import pandas as pd
from hypothesis import strategies as st

from kairo_scoring.schema import CURRENT_MODES, OPTION_LEVEL, RISK_LEVELS, SCORE_FIELDS
from kairo_scoring.scoring import score

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


score_value = st.one_of(st.none(), st.integers(1, 5), st.floats(1, 5, allow_nan=False))


@st.composite
def pilots(draw, pilot_id: str = "p"):
    """One pilot as a dict, any input unknown (None), 1-5 answers whole or fractional."""
    row = {"pilot_id": pilot_id, "name": f"Pilot {pilot_id}"}
    for field in SCORE_FIELDS:
        row[field] = draw(score_value)
    row["risk_level"] = draw(st.one_of(st.none(), st.sampled_from(RISK_LEVELS)))
    row["current_mode"] = draw(st.one_of(st.none(), st.sampled_from(CURRENT_MODES)))
    row["monthly_volume"] = draw(st.one_of(st.none(), st.integers(0, 50_000)))
    row["users"] = draw(st.one_of(st.none(), st.integers(1, 500)))
    row["monthly_value"] = draw(st.one_of(st.none(), st.floats(0, 1e6)))
    return row


@st.composite
def portfolios(draw, max_size: int = 25) -> pd.DataFrame:
    """Several generated pilots with distinct ids, as a frame."""
    rows = draw(st.lists(pilots(), min_size=1, max_size=max_size))
    for i, row in enumerate(rows):
        row["pilot_id"] = f"p{i}"
    return pd.DataFrame(rows)


def score_one(row: dict) -> pd.Series:
    return score(pd.DataFrame([row])).table.iloc[0]


def level(name) -> int:
    """The level of an option (0 for not_ready)."""
    return 0 if name == "not_ready" else OPTION_LEVEL[name]
