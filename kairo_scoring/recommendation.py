"""Verdict and recommendation: what the model advises, and whether the unknowns leave it open.

`DecisionBounds` holds the lowest and highest demand, supply and current mode the unknown
answers allow. From them, `verdict_table` / `decide_verdicts` give the verdict in the
profile's priority (needs_data where fillings of the unknowns disagree), and `decide` the
decision columns of the scored table: demand, supply_level, recommended (min(demand,
supply), undecided when its range is open), target, verdict, next_step and missing_fields.
`open_decisions`, `decision_bounds` and `open_boxes` give that same needs_data / undecided
rule to the deciding questions, for filled-in variants of pilots.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kairo_scoring.demand import demand_bounds
from kairo_scoring.gates import gate_statuses, supply_bounds
from kairo_scoring.inputs import LEVELS, UNKNOWN, Inputs
from kairo_scoring.profile import Profile
from kairo_scoring.schema import CANONICAL_COLUMNS, NOT_READY, OPTIONS, UNDECIDED, VERDICTS
from kairo_scoring.text import (
    categorical_from_keys,
    fields_text,
    next_step_text,
    option_names,
    pack_next_step,
)

# `recommended` takes these values: not_ready or an option when every filling of the
# unknowns agrees, undecided when they do not. Code = level 0..3, then undecided.
RECOMMENDATIONS: tuple[str, ...] = (NOT_READY, *OPTIONS, UNDECIDED)

_CONDITIONS = {
    "at_risk": lambda c, d, s: c > s,
    "not_ready": lambda c, d, s: s == 0,
    "simplify": lambda c, d, s: c > d,
    "promote": lambda c, d, s: min(d, s) > c,
    "build_readiness": lambda c, d, s: d > min(d, s),
    "hold": lambda c, d, s: True,
}
NEEDS_DATA = VERDICTS.index("needs_data")


def verdict_table(profile: Profile) -> np.ndarray:
    """V[current 0..3, demand 0..3, supply 0..3] → verdict index into VERDICTS (demand 0 unused)."""
    table = np.full((4, 4, 4), VERDICTS.index("hold"), np.int8)
    for c in range(4):
        for d in LEVELS:
            for s in range(4):
                first = next(v for v in profile.verdict_priority if _CONDITIONS[v](c, d, s))
                table[c, d, s] = VERDICTS.index(first)
    return table


def decide_verdicts(
    table: np.ndarray,
    bounds: tuple[tuple[np.ndarray, np.ndarray], ...],
) -> np.ndarray:
    """The verdict index per pilot, NEEDS_DATA where completions of the unknowns disagree.

    `bounds` holds (low, high) arrays for current, demand and supply.
    """
    (c_lo, c_hi), (d_lo, d_hi), (s_lo, s_hi) = bounds
    verdict = table[c_lo, d_lo, s_lo].astype(np.int8)
    open_rows = np.flatnonzero((c_lo != c_hi) | (d_lo != d_hi) | (s_lo != s_hi))
    if open_rows.size == 0:
        return verdict
    cl, ch, dl, dh, sl, sh = (a[open_rows] for a in (c_lo, c_hi, d_lo, d_hi, s_lo, s_hi))
    first = table[cl, dl, sl].astype(np.int8)
    agree = np.ones(open_rows.size, bool)
    for c in range(4):
        c_in = (cl <= c) & (c <= ch)
        for d in LEVELS:
            cd_in = c_in & (dl <= d) & (d <= dh)
            for s in range(4):
                inside = cd_in & (sl <= s) & (s <= sh)
                agree &= ~inside | (first == table[c, d, s])
    verdict[open_rows] = np.where(agree, first, NEEDS_DATA)
    return verdict


@dataclass(frozen=True)
class DecisionBounds:
    """Lowest and highest demand, supply and current mode that the unknowns allow."""

    d_lo: np.ndarray
    d_hi: np.ndarray
    s_lo: np.ndarray
    s_hi: np.ndarray
    current_known: np.ndarray
    current: np.ndarray  # 0 where unknown
    c_hi: np.ndarray

    @classmethod
    def of(cls, inputs: Inputs, profile: Profile, status: np.ndarray, levels: np.ndarray) -> DecisionBounds:
        d_lo, d_hi = demand_bounds(inputs, profile)
        s_lo, s_hi = supply_bounds(status, levels)
        known = ~np.isnan(inputs.current)
        current = np.where(known, inputs.current, 0).astype(np.int8)
        return cls(d_lo, d_hi, s_lo, s_hi, known, current, np.where(known, current, 3).astype(np.int8))


def decide(
    inputs: Inputs,
    profile: Profile,
    status: np.ndarray,
    levels: np.ndarray,
    b: DecisionBounds,
    blocking: np.ndarray,
) -> dict:
    """Demand, supply, recommended, target, verdict, the next step and the missing fields."""
    n, gates = inputs.size, profile.gates
    verdict, r_lo, r_hi = _verdict_and_recommendation(profile, b)
    demand = np.where(b.d_lo == b.d_hi, b.d_lo, -1)
    undecided = r_lo != r_hi
    recommended = np.where(undecided, RECOMMENDATIONS.index(UNDECIDED), r_lo).astype(np.int8)
    open_rows = np.flatnonzero((verdict == NEEDS_DATA) | undecided)
    missing = np.zeros(n, np.int64)
    if open_rows.size:
        missing[open_rows] = _missing_fields(
            inputs, gates, status, levels, (b.current_known, b.d_lo, b.d_hi, b.s_lo, b.s_hi), open_rows
        )
    order = np.argsort(levels, kind="stable")
    by_level = blocking if (order == np.arange(len(gates))).all() else blocking[order]
    first = order[np.argmax(by_level, axis=0)] + 1 if gates else np.zeros(n, int)
    step_keys = pack_next_step(
        verdict=verdict,
        current=np.where(b.current_known, b.current + 1, 0),
        target=np.where(demand > 0, demand, b.d_hi),
        supply=b.s_lo,
        recommended=r_lo + 1,
        open=undecided,
        gate=np.where(blocking.any(axis=0), first, 0),
        more=np.clip(blocking.sum(axis=0) - 1, 0, 63),
        missing=missing,
    )
    return {
        "demand": option_names(demand, zero=None),
        "supply_level": b.s_lo,
        "recommended": pd.Categorical.from_codes(recommended, categories=list(RECOMMENDATIONS)),
        "recommended_lightest": option_names(r_lo, zero=NOT_READY),
        "recommended_heaviest": option_names(r_hi, zero=NOT_READY),
        "target": option_names(demand, zero=None),
        "verdict": pd.Categorical.from_codes(verdict, categories=list(VERDICTS)),
        "next_step": categorical_from_keys(step_keys, lambda k: next_step_text(k, profile)),
        "missing_fields": categorical_from_keys(missing, fields_text),
    }


def _verdict_and_recommendation(
    profile: Profile, b: DecisionBounds
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The verdict (NEEDS_DATA where the unknowns leave it open) and the recommendation's range."""
    verdict = decide_verdicts(
        verdict_table(profile), ((b.current, b.c_hi), (b.d_lo, b.d_hi), (b.s_lo, b.s_hi))
    )
    # Every filling of the unknowns recommends between these two. Demand and supply hang on
    # disjoint fields, so some filling gives each of them (gates that can fail and pass within
    # 1-5, as the default's do): tests/scoring/test_scoring_undecided.py.
    return verdict, np.minimum(b.d_lo, b.s_lo), np.minimum(b.d_hi, b.s_hi)


def open_decisions(
    inputs: Inputs, profile: Profile, status: np.ndarray | None = None, *, with_missing: bool = False
) -> tuple[np.ndarray, np.ndarray | None]:
    """(open, missing): score()'s own needs_data / undecided rule, for any `Inputs`.

    `open[i]` is True where some filling of pilot i's unknowns changes its verdict or its
    recommendation. With `with_missing`, `missing[i]` is the bit mask (over CANONICAL_COLUMNS)
    of the unknown fields that leave it open, as in the `missing_fields` column; otherwise
    None. `status` (gate-major) may be passed when already computed. For scoring filled-in
    variants of pilots (the deciding questions) without a frame or any text.
    """
    levels = np.array([g.level for g in profile.gates], dtype=np.int8)
    status = gate_statuses(inputs, profile) if status is None else status
    b = DecisionBounds.of(inputs, profile, status, levels)
    is_open = _open(profile, b)
    if not with_missing:
        return is_open, None
    missing = np.zeros(inputs.size, np.int64)
    rows = np.flatnonzero(is_open)
    if rows.size:
        missing[rows] = _missing_fields(
            inputs, profile.gates, status, levels, (b.current_known, b.d_lo, b.d_hi, b.s_lo, b.s_hi), rows
        )
    return is_open, missing


def _open(profile: Profile, b: DecisionBounds) -> np.ndarray:
    verdict, r_lo, r_hi = _verdict_and_recommendation(profile, b)
    return (verdict == NEEDS_DATA) | (r_lo != r_hi)


def decision_bounds(inputs: Inputs, profile: Profile) -> tuple[np.ndarray, ...]:
    """(current low, current high, demand low, demand high, supply low, supply high) per
    pilot: the ranges score() decides within; `open_boxes` tells which ranges leave it open."""
    levels = np.array([g.level for g in profile.gates], dtype=np.int8)
    b = DecisionBounds.of(inputs, profile, gate_statuses(inputs, profile), levels)
    return b.current, b.c_hi, b.d_lo, b.d_hi, b.s_lo, b.s_hi


def open_boxes(profile: Profile, *bounds: np.ndarray) -> np.ndarray:
    """True where ranges as `decision_bounds` gives them leave the verdict or the
    recommendation open: score()'s needs_data / undecided rule, on the ranges alone."""
    c_lo, c_hi, d_lo, d_hi, s_lo, s_hi = (np.asarray(a, np.int8) for a in bounds)
    return _open(profile, DecisionBounds(d_lo, d_hi, s_lo, s_hi, c_lo == c_hi, c_lo, c_hi))


def _missing_fields(inputs: Inputs, gates, status, levels, bounds, rows: np.ndarray) -> np.ndarray:
    """Bit mask (over CANONICAL_COLUMNS) of the unknown fields that leave the decision open, for `rows`."""
    current_known, d_lo, d_hi, s_lo, s_hi = (b[rows] for b in bounds)
    bit = {name: np.int64(1) << CANONICAL_COLUMNS.index(name) for name in CANONICAL_COLUMNS}
    mask = np.where(current_known, 0, bit["current_mode"]).astype(np.int64)
    demand_open = d_lo != d_hi
    mask |= np.where(demand_open & np.isnan(inputs.volume[rows]), bit["monthly_volume"], 0)
    mask |= np.where(demand_open & np.isnan(inputs.users[rows]), bit["users"], 0)
    risk_unknown = np.isnan(inputs.risk[rows])
    for j, gate in enumerate(gates):
        open_gate = (status[j, rows] == UNKNOWN) & (levels[j] > s_lo) & (levels[j] <= s_hi)
        values = (inputs.risk if gate.field == "risk_level" else inputs.scores[gate.field])[rows]
        mask |= np.where(open_gate & np.isnan(values), bit[gate.field], 0)
        if gate.min_risk:
            mask |= np.where(open_gate & risk_unknown, bit["risk_level"], 0)
    return mask
