"""The scoring inputs a deciding question can ask, and the values each can take.

`FIELDS` are the scoring inputs in schema order, split into the three parts the decision's
ranges hang on (current mode, demand, supply); `answer_classes` groups each field's values
into the classes the profile's gates and thresholds treat alike (see the package docstring);
`_situations` groups pilots by the class of every field and by their candidate fields, so that
each distinct situation is searched once. Sets of fields travel as bit masks over `FIELDS`.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from kairo_scoring import engine
from kairo_scoring.profile import Profile
from kairo_scoring.schema import (
    CANONICAL_COLUMNS,
    CURRENT_MODES,
    RISK_LEVELS,
    SCORE_FIELDS,
    SCORE_MAX,
    SCORE_MIN,
    SCORING_INPUTS,
    conform,
)

FIELDS: tuple[str, ...] = SCORING_INPUTS
_INDEX = {f: i for i, f in enumerate(FIELDS)}
# The three parts the decision's ranges hang on, each on its own fields.
_CURRENT = _INDEX["current_mode"]
_DEMAND: tuple[int, ...] = (_INDEX["monthly_volume"], _INDEX["users"])
_SUPPLY: tuple[int, ...] = tuple(i for i in range(len(FIELDS)) if i != _CURRENT and i not in _DEMAND)


def answer_classes(profile: Profile) -> dict[str, np.ndarray]:
    """Per scoring input, one representative value per class of values the decision treats
    alike (risk and current mode as their rank / level): see the module docstring."""
    probe = _probe()
    risks = np.array([*range(len(RISK_LEVELS)), np.nan])
    values = np.array([np.nan, *range(SCORE_MIN, SCORE_MAX + 1)], dtype=float)
    grid_v, grid_r = (a.ravel() for a in np.meshgrid(values, risks, indexing="ij"))
    grid = engine.filled_in(
        probe, np.zeros(grid_v.size, np.intp), {**dict.fromkeys(SCORE_FIELDS, grid_v), "risk_level": grid_r}
    )
    status = np.array([engine.gate_status(g, grid) for g in profile.gates]).reshape(
        len(profile.gates), values.size, risks.size
    )
    out: dict[str, np.ndarray] = {}
    for f in SCORE_FIELDS:
        on_field = status[[j for j, g in enumerate(profile.gates) if g.field == f]]
        out[f] = _representatives(values[1:], [on_field[:, i + 1].tobytes() for i in range(values.size - 1)])
    out["risk_level"] = _representatives(
        risks[:-1], [status[:, :, r].tobytes() for r in range(risks.size - 1)]
    )
    out["monthly_volume"] = _interval_starts(
        0.0, (profile.shared_workspace_min_volume, profile.api_pipeline_min_volume)
    )
    out["users"] = _interval_starts(1.0, (profile.shared_workspace_min_users,))
    out["current_mode"] = np.arange(len(CURRENT_MODES), dtype=float)
    return out


def _representatives(values: np.ndarray, signatures: list[bytes]) -> np.ndarray:
    first: dict[bytes, float] = {}
    for value, signature in zip(values, signatures, strict=True):
        first.setdefault(signature, float(value))
    return np.array(list(first.values()))


def _interval_starts(lowest: float, thresholds: tuple[float, ...]) -> np.ndarray:
    """The start of each interval the thresholds cut [lowest, ∞) into (a value ≥ t is past t)."""
    return np.unique(np.array([lowest, *(t for t in thresholds if t > lowest)], dtype=float))


@functools.cache
def _probe() -> engine.Inputs:
    """One pilot with every input unknown (only ever read: variants are filled-in copies)."""
    return engine.read_inputs(conform(pd.DataFrame({"pilot_id": ["probe"], "name": ["probe"]})))


def _values_of(inputs: engine.Inputs, field: str) -> np.ndarray:
    """A scoring input's values (risk and current mode as their rank / level)."""
    if field in SCORE_FIELDS:
        return inputs.scores[field]
    return {
        "risk_level": inputs.risk,
        "current_mode": inputs.current,
        "monthly_volume": inputs.volume,
        "users": inputs.users,
    }[field]


def _situations(inputs: engine.Inputs, classes: dict[str, np.ndarray], candidates: np.ndarray):
    """(first row of each distinct situation, situation per row): same class of every field."""
    columns = [candidates]
    for f in FIELDS:
        reps = classes[f]
        if f in SCORE_FIELDS:
            own = inputs.scores[f]
            codes = inputs.codes.get(f)
            if codes is None:  # fractional values: each distinct value is its own class
                columns.append(np.unique(np.nan_to_num(own, nan=-1.0), return_inverse=True)[1].ravel())
                continue
            columns.append(_class_of_score(codes, reps))
        else:
            columns.append(_class_of_value(_values_of(inputs, f), reps))
    stacked = np.stack([np.asarray(c, np.int64) for c in columns], axis=1)
    first, inverse = _distinct_rows(stacked)
    # The supply part of each situation: its supply candidates and the classes of supply fields.
    supply = stacked[first][:, [0, *(1 + i for i in _SUPPLY)]]
    supply[:, 0] &= _bits(_SUPPLY)
    g_first, g_of = _distinct_rows(supply)
    return first, inverse, (g_first, g_of)


def _distinct_rows(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first row of each distinct row, distinct row per row) of a small non-negative int matrix."""
    radix = matrix.max(axis=0) + 1 if len(matrix) else np.ones(matrix.shape[1], np.int64)
    if np.log2(radix.astype(float)).sum() < 62:  # one int64 per row: a 1-d unique is much faster
        weights = np.concatenate([np.cumprod(radix[::-1])[::-1][1:], [1]]).astype(np.int64)
        _, first, inverse = np.unique(matrix @ weights, return_index=True, return_inverse=True)
    else:
        _, first, inverse = np.unique(matrix, axis=0, return_index=True, return_inverse=True)
    return first, inverse.ravel()


def _class_of_score(codes: np.ndarray, reps: np.ndarray) -> np.ndarray:
    """The class of each whole 1-5 value (len(reps) = unknown): the representative it shares a class with."""
    lut = np.full(SCORE_MAX + 1, -1)
    lut[0] = reps.size
    # A value's class is the largest representative not above it: representatives are the
    # first value of each class in 1..5, and classes of gate thresholds are intervals.
    lut[1:] = np.searchsorted(reps, np.arange(1, SCORE_MAX + 1), side="right") - 1
    return lut[codes]


def _class_of_value(values: np.ndarray, reps: np.ndarray) -> np.ndarray:
    """The class of each risk, mode, volume or users value (len(reps) = unknown): the largest
    representative not above it (representatives start their intervals)."""
    cls = np.searchsorted(reps, np.nan_to_num(values, nan=np.inf), side="right") - 1
    return np.where(np.isnan(values), reps.size, cls)


def _local(subset: tuple[int, ...], part: tuple[int, ...]) -> int:
    """A subset of a part's fields as a bit mask over that part's own order."""
    return sum(1 << part.index(i) for i in subset)


def _bits(fields) -> np.int64:
    out = 0
    for i in fields:
        out |= 1 << int(i)
    return np.int64(out)


def _popcount(masks: np.ndarray) -> np.ndarray:
    return sum((masks >> i) & 1 for i in range(len(FIELDS))).astype(np.int64)


def _to_field_bits(missing: np.ndarray) -> np.ndarray:
    """A mask over CANONICAL_COLUMNS → a mask over FIELDS."""
    out = np.zeros(missing.size, np.int64)
    for i, f in enumerate(FIELDS):
        out |= ((missing >> CANONICAL_COLUMNS.index(f)) & 1) << i
    return out


def _unknown_bits(inputs: engine.Inputs) -> np.ndarray:
    own = {**inputs.scores, "risk_level": inputs.risk, "current_mode": inputs.current}
    own.update(monthly_volume=inputs.volume, users=inputs.users)
    return sum(np.isnan(own[f]).astype(np.int64) << i for i, f in enumerate(FIELDS))
