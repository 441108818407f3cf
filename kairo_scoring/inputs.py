"""The model's inputs as arrays: a portfolio frame read once into float arrays (NaN = unknown).

`Inputs` is the layout every part of the vectorised model works on: readiness.py, gates.py,
demand.py, fit.py and recommendation.py take it and return arrays, with no per-pilot Python
loop. `read_inputs` builds it from a conformed frame (invalid values count as unknown) and
`filled_in` from another `Inputs`, with some answers filled in (the deciding questions).
MET / FAILED / UNKNOWN are the three states of a check on the inputs (a gate, a demand rule):
unknown is not zero, so a check that needs an unknown field is UNKNOWN, not FAILED.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kairo_scoring.schema import (
    CURRENT_MODES,
    RISK_LEVELS,
    SCORE_FIELDS,
    SCORE_MAX,
    SCORE_MIN,
    SCORING_INPUTS,
)

MET, FAILED, UNKNOWN = 1, 0, -1
LEVELS = (1, 2, 3)


@dataclass(frozen=True)
class Inputs:
    """A portfolio's inputs as float arrays (NaN = unknown); invalid values count as unknown."""

    scores: dict[str, np.ndarray]
    risk: np.ndarray  # rank 0..3
    current: np.ndarray  # level 0..3
    volume: np.ndarray
    users: np.ndarray
    known_inputs: np.ndarray  # how many SCORING_INPUTS are known, per pilot
    # Whole 1-5 fields as index codes (0 = unknown, else the value); None if any value is fractional.
    # Stored as intp so that table lookups do not convert the index on every use.
    codes: dict[str, np.ndarray | None]
    risk_code: np.ndarray  # intp: rank 0..3, 4 = unknown
    pair_index: dict[str, np.ndarray] = field(default_factory=dict)  # field → value code × 5 + risk code

    @property
    def size(self) -> int:
        return len(self.risk)


def _codes(series: pd.Series, allowed: tuple[str, ...]) -> np.ndarray:
    """Enum text → its position in `allowed` as float; NaN when unknown or not allowed."""
    # Arrow's hash lookup is ~10x faster than building a pandas Categorical here.
    values = (
        pa.array(series.array)
        if isinstance(series.dtype, pd.StringDtype)
        else pa.array(series, from_pandas=True)
    )
    if not pa.types.is_string(values.type) and not pa.types.is_large_string(values.type):
        values = values.cast(pa.string())
    positions = pc.index_in(values, value_set=pa.array(allowed, type=values.type))
    return positions.to_numpy(zero_copy_only=False).astype("float64")


def _bounded(values: np.ndarray, low: float, high: float = np.inf) -> np.ndarray:
    out = values.astype("float64", copy=True)
    out[(out < low) | (out > high)] = np.nan
    return out


def read_inputs(frame: pd.DataFrame) -> Inputs:
    """Extract the scoring inputs from a conformed portfolio frame."""
    scores = {f: _bounded(frame[f].to_numpy("float64"), SCORE_MIN, SCORE_MAX) for f in SCORE_FIELDS}
    risk = _codes(frame["risk_level"], RISK_LEVELS)
    current = _codes(frame["current_mode"], CURRENT_MODES)
    volume = _bounded(frame["monthly_volume"].to_numpy("float64"), 0)
    users = _bounded(frame["users"].to_numpy("float64"), 1)
    columns = {
        **scores,
        "risk_level": risk,
        "current_mode": current,
        "monthly_volume": volume,
        "users": users,
    }
    codes = {f: _small_codes(values) for f, values in scores.items()}
    known = sum(
        (codes[name] > 0) if codes.get(name) is not None else ~np.isnan(columns[name])
        for name in SCORING_INPUTS
    ).astype(np.int8)
    risk_code = np.nan_to_num(risk, nan=float(len(RISK_LEVELS))).astype(np.intp)
    return Inputs(scores, risk, current, volume, users, np.asarray(known), codes, risk_code)


def filled_in(inputs: Inputs, rows: np.ndarray, values: dict[str, np.ndarray]) -> Inputs:
    """The pilots at positions `rows` (repeats allowed), with some inputs filled in.

    `values[name]` has one entry per returned row: the value to use, or NaN to keep the
    pilot's own. Names are SCORING_INPUTS; risk_level and current_mode as their rank /
    level (positions in RISK_LEVELS / CURRENT_MODES). Used to score variants of pilots
    (the deciding questions) without building a frame for each.
    """

    def pick(name: str, own: np.ndarray) -> np.ndarray:
        taken = own[rows]
        fill = values.get(name)
        return taken if fill is None else np.where(np.isnan(fill), taken, fill)

    def small_codes(name: str) -> np.ndarray | None:
        own = inputs.codes.get(name)
        if own is None:
            return None
        return own[rows] if name not in values else _small_codes(scores[name])

    scores = {f: pick(f, inputs.scores[f]) for f in SCORE_FIELDS}
    risk, current = pick("risk_level", inputs.risk), pick("current_mode", inputs.current)
    volume, users = pick("monthly_volume", inputs.volume), pick("users", inputs.users)
    codes = {f: small_codes(f) for f in SCORE_FIELDS}
    known = sum(~np.isnan(a) for a in (*scores.values(), risk, current, volume, users)).astype(np.int8)
    risk_code = np.nan_to_num(risk, nan=float(len(RISK_LEVELS))).astype(np.intp)
    return Inputs(scores, risk, current, volume, users, np.asarray(known), codes, risk_code)


def _small_codes(values: np.ndarray) -> np.ndarray | None:
    """1-5 values → uint8 codes (0 = unknown); None when a value is not a whole number."""
    with np.errstate(invalid="ignore"):
        codes = values.astype(np.intp)  # NaN casts to an arbitrary number: masked just below
    unknown = np.isnan(values)
    codes[unknown] = 0
    whole = codes == values
    return codes if (whole | unknown).all() else None
