"""The vectorised decision model: arrays in, arrays out, no per-pilot Python loop.

Unknown is not zero. A gate that needs an unknown field is *not met* (status UNKNOWN).
To tell whether a decision hinges on unknowns, the engine carries a lower and an upper
bound for demand, supply and the current mode, and checks whether every completion of
the unknowns inside those bounds gives the same verdict.

Over 400 lines because it is the vectorised decision model itself: gates, bounds, readiness and fits
share their array layouts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kairo_scoring.profile import Gate, Profile
from kairo_scoring.schema import (
    CURRENT_MODES,
    RISK_LEVELS,
    SCORE_FIELDS,
    SCORE_MAX,
    SCORE_MIN,
    SCORING_INPUTS,
    VERDICTS,
)

MET, FAILED, UNKNOWN = 1, 0, -1
LEVELS = (1, 2, 3)
FAILED_CREDIT_CAP = 0.75  # a failed gate earns at most this much partial credit towards fit


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


# ---------------------------------------------------------------- scores

_POINTS_ABOVE_ONE = np.array([0.0, 0.0, 1.0, 2.0, 3.0, 4.0])  # code 0 (unknown) adds nothing


def _dimension_points(inputs: Inputs, fields: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """(points, known) of one dimension: the points above 1 summed over its known fields
    (float), and how many of them are known (int8)."""
    total, known = np.zeros(inputs.size), np.zeros(inputs.size, np.int8)
    for f in fields:
        codes = inputs.codes.get(f)
        if codes is not None:  # whole values: a lookup instead of float arithmetic
            total += _POINTS_ABOVE_ONE[codes]
            known += codes > 0
            continue
        values = inputs.scores[f]
        is_known = ~np.isnan(values)
        total += np.where(is_known, values - 1.0, 0.0)
        known += is_known
    return total, known


@dataclass(frozen=True)
class ReadinessScores:
    """Dimension scores and readiness, with the range the unknown answers leave open.

    Each dimension (0-100) is the mean of its known answers rescaled from 1-5, NaN when none
    is known; readiness is the weighted mean of the known dimensions, NaN when no weighted
    one is known. `low` / `high` are the lowest and highest readiness over every filling of
    the unknown 1-5 answers. Once every answer is filled in, readiness is a weighted mean
    with fixed weights that grows with each answer, so the lowest filling is every unknown
    answer at 1 and the highest every unknown answer at 5: both bounds are reached by a
    filling, and a pilot with every answer known has low == readiness == high. With nothing
    known the range is 0-100. `answers_known` of `answers_total` answers are known: the
    distinct 1-5 fields of the dimensions that carry weight, the answers readiness is made of.
    """

    dimensions: dict[str, np.ndarray]
    readiness: np.ndarray
    low: np.ndarray
    high: np.ndarray
    answers_known: np.ndarray
    answers_total: int


def readiness_scores(inputs: Inputs, profile: Profile) -> ReadinessScores:
    """Dimension scores, readiness and its range over the unknown answers, in one pass."""
    n = inputs.size
    weighted = [f for d, fs in profile.dimensions.items() if profile.weights[d] > 0 for f in fs]
    fields = dict.fromkeys(weighted)
    distinct = len(fields) == len(weighted)  # no field in two weighted dimensions
    filled_weight = sum(profile.weights[d] for d, fs in profile.dimensions.items() if fs)
    num, den, low, known_points = np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n)
    answered, scratch = np.zeros(n, np.int8), np.empty(n)
    dims = {}
    for dim, dim_fields in profile.dimensions.items():
        total, known = _dimension_points(inputs, dim_fields)
        with np.errstate(invalid="ignore", divide="ignore"):
            dims[dim] = total * 25.0 / known  # NaN where no field is known (0/0)
        weight = profile.weights[dim]
        if not weight or not dim_fields:
            continue
        has_known = known > 0
        np.add(num, np.multiply(dims[dim], weight, out=scratch), out=num, where=has_known)
        np.add(den, weight, out=den, where=has_known)
        # Filled in, this dimension is (its known answers' points + 4 per unknown answer at
        # 5) x 25 / its size, weighed by weight / filled_weight: every unknown at 1 gives
        # `low`; every unknown at 5 adds what a 5 would give beyond 1, so `high` is 100 less
        # what the known answers fall short of 5 (their full points less their points).
        share = weight / filled_weight / len(dim_fields)
        low += np.multiply(total, 25.0 * share, out=scratch)
        known_points += np.multiply(known, 100.0 * share, out=scratch)
        if distinct:
            answered += known
    if not distinct:
        answered = sum((~np.isnan(inputs.scores[f])).astype(np.int8) for f in fields)
    ready = np.full(n, np.nan)
    np.divide(num, den, out=ready, where=den > 0)
    # Rounding can put a mean of 100s at 100.00000000000001; readiness is 0-100 by definition.
    np.clip(ready, 0.0, 100.0, out=ready)
    if filled_weight > 0:
        high = np.subtract(100.0, known_points, out=known_points)
        high += low
        np.clip(high, 0.0, 100.0, out=high)
        # Computed another way than readiness, the bounds can differ from it in the last
        # digit: keep low <= readiness <= high exact, and a complete pilot's range its readiness.
        np.fmin(low, ready, out=low)
        np.fmax(high, ready, out=high)
        complete = answered == len(fields)
        np.copyto(low, ready, where=complete)
        np.copyto(high, ready, where=complete)
    else:
        low, high = ready.copy(), ready.copy()
    return ReadinessScores(dims, ready, low, high, answered, len(fields))


# ---------------------------------------------------------------- gates


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


# ---------------------------------------------------------------- demand


def demand_rules(inputs: Inputs, profile: Profile) -> tuple[tuple[int, str, float, np.ndarray], ...]:
    """Each demand rule as (level, field, minimum, status): a workflow whose `field` reaches
    `minimum` needs at least the option of `level`. `status` per pilot is MET (reached),
    FAILED (known and below) or UNKNOWN (the field is unknown). Heaviest rule first.
    `demand_bounds` is built from these; the Pilot page's reasons name them."""
    rules = (
        (3, "monthly_volume", profile.api_pipeline_min_volume),
        (2, "users", profile.shared_workspace_min_users),
        (2, "monthly_volume", profile.shared_workspace_min_volume),
    )
    values = {"monthly_volume": inputs.volume, "users": inputs.users}
    out = []
    for level, name, minimum in rules:
        with np.errstate(invalid="ignore"):  # NaN compares False: "known and at least"
            reached = values[name] >= minimum
        status = np.where(np.isnan(values[name]), UNKNOWN, np.where(reached, MET, FAILED)).astype(np.int8)
        out.append((level, name, minimum, status))
    return tuple(out)


def demand_bounds(inputs: Inputs, profile: Profile) -> tuple[np.ndarray, np.ndarray]:
    """(lowest, highest) demand level 1..3 consistent with what is known of volume and users:
    the heaviest level of a rule met, and of a rule that an unknown field could still meet."""
    low, high = np.ones(inputs.size, np.int8), np.ones(inputs.size, np.int8)
    for level, _, _, status in demand_rules(inputs, profile):
        np.maximum(low, np.where(status == MET, level, 1).astype(np.int8), out=low)
        np.maximum(high, np.where(status != FAILED, level, 1).astype(np.int8), out=high)
    return low, high


def _closeness(option_level: int, demand: int) -> float:
    """1 when the option is the demand, 0.5 one level away, 0 two away."""
    return 1.0 - abs(option_level - demand) / 2.0


def _credit_table(option_level: int) -> np.ndarray:
    """Demand credit of one option for every (lowest demand, highest demand, supply) triple,
    flattened as (d_low * 4 + d_high) * 4 + supply; demand 1..3, supply 0..3."""
    table = np.zeros(4 * 4 * 4)
    for d_low in LEVELS:
        for d_high in range(d_low, 4):
            for supply in range(4):
                credits = []
                for demand in range(d_low, d_high + 1):
                    credit = _closeness(option_level, demand)
                    if supply < option_level:  # not governable: no more than the heaviest governable one
                        credit = min(credit, _closeness(supply, demand) if supply else 0.0)
                    credits.append(credit)
                table[(d_low * 4 + d_high) * 4 + supply] = sum(credits) / len(credits)
    return table


_CREDIT_TABLES = {level: _credit_table(level) for level in LEVELS}


def demand_credit_index(d_low: np.ndarray, d_high: np.ndarray, supply: np.ndarray) -> np.ndarray:
    """Each pilot's row in the demand credit tables (see `demand_credit`)."""
    small = (d_low.astype(np.int8) * 4 + d_high) * 4 + supply  # at most 63: int8 arithmetic is cheap
    return small.astype(np.intp)


def demand_credit(index: np.ndarray, option_level: int, scale: float = 1.0) -> np.ndarray:
    """How close an option is to what the workflow needs, 0..1 (times `scale`), as fit counts it.

    Closeness is 1 when the option is the demand, 0.5 one level away and 0 two away,
    averaged over the demands the unknowns allow. An option heavier than what the pilot
    can surely govern (supply with unknown gates failing) earns no more than the heaviest
    option it can govern (nothing when it can govern none): being needed does not make
    an option fit that cannot be run yet. That cap is what keeps the recommended option's
    fit highest; it grows with supply, so fits stay monotone in the answers.
    `index` comes from `demand_credit_index`.
    """
    return (_CREDIT_TABLES[option_level] * scale)[index]


# ---------------------------------------------------------------- verdicts

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
