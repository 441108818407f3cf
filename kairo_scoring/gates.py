"""Gates and supply: whether each pilot meets each gate of the profile, and what it can govern.

A gate (profile.py's `Gate`: field, comparison, value, optional risk condition) is MET,
FAILED or UNKNOWN for every pilot (`gate_status`, `gate_statuses`), and earns partial credit
towards fit when failed (`gate_credit`). Whole 1-5 values read the gate from a 30-entry lookup
table instead of comparing each pilot. `supply_bounds` turns the statuses into the heaviest
option the pilot can govern, with unknown gates failing and with them passing. `GateCheck` /
`gate_check` state one gate for one pilot as the checklist and the promotion path show it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kairo_scoring.inputs import FAILED, LEVELS, MET, UNKNOWN, Inputs
from kairo_scoring.profile import OP_SYMBOLS, Gate, Profile
from kairo_scoring.schema import RISK_LEVELS, SCORE_FIELDS, SCORE_MIN

FAILED_CREDIT_CAP = 0.75  # a failed gate earns at most this much partial credit towards fit
GATE_STATUS_TEXT = {MET: "met", FAILED: "not met", UNKNOWN: "unknown"}


@dataclass(frozen=True)
class GateCheck:
    """One gate as it stands for one pilot."""

    option: str
    rule: str
    field: str
    current: float | str | None
    required: str
    status: str  # met, not met, unknown, not applicable


def gate_check(gate: Gate, row: pd.Series, status: int) -> GateCheck:
    """One gate as it stands for one pilot: `status` from `gate_status`, "not applicable" where
    its risk condition does not apply."""
    current = row[gate.field]
    current = None if pd.isna(current) else current
    text = GATE_STATUS_TEXT[status]
    risk = None if pd.isna(row["risk_level"]) else row["risk_level"]
    if gate.min_risk and risk in RISK_LEVELS and RISK_LEVELS.index(risk) < RISK_LEVELS.index(gate.min_risk):
        text = "not applicable"
    value = gate.value if isinstance(gate.value, str) else f"{gate.value:g}"
    required = f"{OP_SYMBOLS[gate.op]} {value}" + (f" (risk ≥ {gate.min_risk})" if gate.min_risk else "")
    return GateCheck(gate.option, gate.describe(), gate.field, current, required, text)


# Every (value, risk) pair a gate can see when values are whole: value code 0..5 (0 unknown)
# times risk code 0..4 (4 unknown). A gate evaluated on these 30 pairs is a lookup table.
_PAIR_VALUES = np.repeat(np.array([np.nan, 1, 2, 3, 4, 5]), len(RISK_LEVELS) + 1)
_PAIR_RISKS = np.tile(np.array([0.0, 1, 2, 3, np.nan]), 6)


def _pairs_inputs(gate: Gate) -> Inputs:
    risk = _PAIR_RISKS
    scores = {f: np.full(risk.size, np.nan) for f in SCORE_FIELDS}
    if gate.field != "risk_level":
        scores[gate.field] = _PAIR_VALUES
    empty = np.full(risk.size, np.nan)
    return Inputs(scores, risk, empty, empty, empty, np.zeros(risk.size), {}, np.zeros(risk.size, np.intp))


def _gate_values(gate: Gate, inputs: Inputs) -> np.ndarray:
    return inputs.risk if gate.field == "risk_level" else inputs.scores[gate.field]


def _passes(gate: Gate, values: np.ndarray) -> np.ndarray:
    t = gate.threshold
    with np.errstate(invalid="ignore"):
        return {">=": values >= t, ">": values > t, "<=": values <= t, "<": values < t}[gate.op]


def _applies(gate: Gate, inputs: Inputs) -> tuple[np.ndarray, np.ndarray]:
    """(risk known, gate applies) for a gate with a risk condition."""
    rank = float(RISK_LEVELS.index(gate.min_risk))
    known = ~np.isnan(inputs.risk)
    with np.errstate(invalid="ignore"):
        return known, known & (inputs.risk >= rank)


def _lookup(gate: Gate, inputs: Inputs, table: np.ndarray) -> np.ndarray | None:
    """Read a gate's 30-pair table for every pilot; None when the gate's values are fractional.

    A gate without a risk condition ignores the risk, so its field's codes index the
    table's risk-0 column directly, with no per-pilot arithmetic.
    """
    pairs_per_value = len(RISK_LEVELS) + 1
    if gate.field == "risk_level":
        return table[pairs_per_value:][inputs.risk_code]  # value code 1: "known"; the risk decides
    codes = inputs.codes.get(gate.field)
    if codes is None:
        return None
    if gate.min_risk is None:
        return table[::pairs_per_value][codes]
    if gate.field not in inputs.pair_index:
        inputs.pair_index[gate.field] = codes * pairs_per_value + inputs.risk_code
    return table[inputs.pair_index[gate.field]]


def gate_status(gate: Gate, inputs: Inputs) -> np.ndarray:
    """MET / FAILED / UNKNOWN for every pilot. A gate whose risk condition does not apply is MET."""
    looked_up = _lookup(gate, inputs, _exact_status(gate, _pairs_inputs(gate)))
    return looked_up if looked_up is not None else _exact_status(gate, inputs)


def gate_statuses(inputs: Inputs, profile: Profile) -> np.ndarray:
    """MET / FAILED / UNKNOWN of every gate of `profile` for every pilot, gate-major: (gates, pilots)."""
    status = np.empty((len(profile.gates), inputs.size), np.int8)  # gate-major: each gate's row is contiguous
    for j, gate in enumerate(profile.gates):
        status[j] = gate_status(gate, inputs)
    return status


def gate_credit(gate: Gate, inputs: Inputs, status: np.ndarray) -> np.ndarray:
    """Credit 0..1 towards fit: 1 when met; partial, growing with the value, when failed; 0 when unknown."""
    pairs = _pairs_inputs(gate)
    looked_up = _lookup(gate, inputs, _exact_credit(gate, pairs, _exact_status(gate, pairs)))
    return looked_up if looked_up is not None else _exact_credit(gate, inputs, status)


def _exact_status(gate: Gate, inputs: Inputs) -> np.ndarray:
    values = _gate_values(gate, inputs)
    passes = _passes(gate, values)
    status = np.where(np.isnan(values), UNKNOWN, np.where(passes, MET, FAILED)).astype(np.int8)
    if gate.min_risk is None:
        return status
    risk_known, applies = _applies(gate, inputs)
    # Risk unknown: a gate met anyway stays met, otherwise it hinges on the risk.
    return np.where(risk_known, np.where(applies, status, MET), np.where(status == MET, MET, UNKNOWN)).astype(
        np.int8
    )


def _exact_credit(gate: Gate, inputs: Inputs, status: np.ndarray) -> np.ndarray:
    values = _gate_values(gate, inputs)
    t = gate.threshold
    if gate.field == "risk_level":
        worst = float(len(RISK_LEVELS) - 1)
        span = max(worst - t, 1.0)
        partial = (worst - values) / span
    else:
        span = max(t - SCORE_MIN, 1.0)
        partial = (values - SCORE_MIN) / span
    np.clip(partial, 0.0, 1.0, out=partial)
    partial *= FAILED_CREDIT_CAP
    return np.where(status == MET, 1.0, np.where(status == FAILED, partial, 0.0))


def supply_bounds(statuses: np.ndarray, gate_levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(supply with unknown gates failing, supply with unknown gates passing), levels 0..3.

    `statuses` is gate-major (gates, pilots). An option is governable when its gates and
    every lighter option's gates pass.
    """
    n = statuses.shape[1]
    low, high = np.zeros(n, np.int8), np.zeros(n, np.int8)
    still_low, still_high = np.ones(n, bool), np.ones(n, bool)
    for level in LEVELS:
        rows = statuses[gate_levels == level]
        still_low &= (rows == MET).all(axis=0)
        still_high &= (rows != FAILED).all(axis=0)
        low += still_low
        high += still_high
    return low, high
