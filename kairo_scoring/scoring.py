"""`score()`: the portfolio in, one result object out, for pages, exports and the CLI alike.

Over 400 lines because it does one job end to end: `score()` and the `ScoredPortfolio`
every reader shares (table, contributions, gate masks, blockers), kept together so the
result cannot drift from the computation (engine.py holds the per-pilot arithmetic).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kairo_scoring import engine
from kairo_scoring.engine import FAILED, MET, UNKNOWN
from kairo_scoring.profile import OP_SYMBOLS, Gate, Profile, load_profile
from kairo_scoring.schema import (
    CANONICAL_COLUMNS,
    CURRENT_MODES,
    NOT_READY,
    OPTION_LEVEL,
    OPTIONS,
    RISK_LEVELS,
    SCORING_INPUTS,
    UNDECIDED,
    VERDICTS,
    conform,
)
from kairo_scoring.text import (
    blocker_column,
    categorical_from_keys,
    fields_text,
    next_step_text,
    option_names,
    pack_next_step,
)

FIT_COLUMNS = {
    "assisted_desktop": "fit_assisted",
    "shared_workspace": "fit_workspace",
    "api_pipeline": "fit_pipeline",
}
# Readiness's range over every filling of the unknown answers, and its basis: how many of
# the answers readiness is made of are known (`engine.ReadinessScores`).
READINESS_RANGE_COLUMNS: tuple[str, ...] = (
    "readiness_low",
    "readiness_high",
    "readiness_answers",
    "readiness_answers_total",
)
DECISION_COLUMNS: tuple[str, ...] = (
    "readiness",
    *READINESS_RANGE_COLUMNS,
    "completeness",
    *FIT_COLUMNS.values(),
    "demand",
    "supply_level",
    "recommended",
    "recommended_lightest",
    "recommended_heaviest",
    "target",
    "verdict",
    "next_step",
    "blockers",
    "missing_fields",
    "profile",
    "profile_version",
    "profile_hash",
)
GATE_STATUS_TEXT = {MET: "met", FAILED: "not met", UNKNOWN: "unknown"}
# `recommended` takes these values: not_ready or an option when every filling of the
# unknowns agrees, undecided when they do not. Code = level 0..3, then undecided.
RECOMMENDATIONS: tuple[str, ...] = (NOT_READY, *OPTIONS, UNDECIDED)


def dimension_column(dimension: str) -> str:
    return f"score_{dimension}"


@dataclass(frozen=True)
class GateCheck:
    """One gate as it stands for one pilot."""

    option: str
    rule: str
    field: str
    current: float | str | None
    required: str
    status: str  # met, not met, unknown, not applicable


@dataclass(frozen=True)
class DemandCheck:
    """One demand rule as it stands for one pilot: `field` reaching `minimum` calls for `option`."""

    option: str
    field: str  # monthly_volume or users
    value: float | None  # None: unknown
    minimum: float
    status: str  # met, not met, unknown


@dataclass(frozen=True)
class PathStep:
    """One step of a promotion path: from one mode to the next, and what blocks it."""

    from_mode: str
    to_mode: str
    kind: str  # promote, fix, simplify
    blocking: tuple[GateCheck, ...]

    @property
    def ready(self) -> bool:
        return not self.blocking


@dataclass(frozen=True)
class ScoredPortfolio:
    """The result of scoring: the scored table, gate statuses, blocker masks and the profile.

    `table` keeps the input columns and adds the dimension scores and `DECISION_COLUMNS`.
    `gate_status[i, j]` is MET/FAILED/UNKNOWN for row position i and `profile.gates[j]`.
    `blocking_failed[i, j]` / `blocking_unknown[i, j]`: gate j stands between pilot i and
    where it should be (a level above what it can surely govern, up to the heaviest target
    its unknowns allow, or up to its current mode when that is heavier) and is known to
    fail / cannot be checked because an answer is missing. Decided once, in `score()`: the
    `blockers` column, the blocker summary, the promotion path and every view read these.
    """

    table: pd.DataFrame
    gate_status: np.ndarray
    profile: Profile
    blocking_failed: np.ndarray
    blocking_unknown: np.ndarray

    def __post_init__(self) -> None:
        expected = (len(self.table), len(self.profile.gates))
        for name in ("gate_status", "blocking_failed", "blocking_unknown"):
            shape = getattr(self, name).shape
            if shape != expected:
                raise ValueError(
                    f"the {name} mask must have one row per pilot and one column per gate: "
                    f"got {shape}, expected {expected}"
                )

    def __len__(self) -> int:
        return len(self.table)

    @property
    def blocking(self) -> np.ndarray:
        """(pilots, gates): the gate blocks the pilot, failed or unknown."""
        return self.blocking_failed | self.blocking_unknown

    @property
    def dimension_columns(self) -> tuple[str, ...]:
        return tuple(dimension_column(d) for d in self.profile.dimensions)

    def position(self, pilot_id: str) -> int:
        """Row position of a pilot; KeyError when absent."""
        hits = np.flatnonzero(self.table["pilot_id"].to_numpy(dtype=object) == pilot_id)
        if hits.size == 0:
            raise KeyError(f"no pilot with id {pilot_id!r}")
        return int(hits[0])

    def pilot(self, pilot_id: str) -> pd.Series:
        return self.table.iloc[self.position(pilot_id)]

    def contributions(self, pilot_ids: list[str] | None = None) -> pd.DataFrame:
        """Tidy factor contributions: per pilot, score and field, the points each field adds.

        For each dimension the contributions sum to its score; for `readiness` they sum to
        readiness. Unknown fields contribute nothing and are listed with value NaN.
        """
        rows = self.table if pilot_ids is None else self.table[self.table["pilot_id"].isin(pilot_ids)]
        weights = self.profile.weights
        dim_known = {d: rows[dimension_column(d)].notna().to_numpy() for d in self.profile.dimensions}
        weight_known = sum(np.where(dim_known[d], weights[d], 0.0) for d in self.profile.dimensions)
        parts = []
        for dim, fields in self.profile.dimensions.items():
            known_count = sum(rows[f].between(1, 5).to_numpy().astype(int) for f in fields)
            for f in fields:
                value = rows[f].where(rows[f].between(1, 5)).to_numpy()
                points = np.where(np.isnan(value), 0.0, (value - 1) * 25 / np.maximum(known_count, 1))
                share = np.divide(weights[dim], weight_known, out=np.zeros(len(rows)), where=weight_known > 0)
                base = {"pilot_id": rows["pilot_id"].to_numpy(), "dimension": dim, "field": f, "value": value}
                parts.append(pd.DataFrame({**base, "score": dim, "contribution": points}))
                parts.append(pd.DataFrame({**base, "score": "readiness", "contribution": points * share}))
        if not parts:
            return pd.DataFrame(columns=["pilot_id", "score", "dimension", "field", "value", "contribution"])
        tidy = pd.concat(parts, ignore_index=True)
        return tidy[["pilot_id", "score", "dimension", "field", "value", "contribution"]]

    def gate_checklist(self, pilot_id: str) -> pd.DataFrame:
        """Every gate of every option for one pilot: rule, current value, required value, status."""
        i = self.position(pilot_id)
        checks = [
            _check(g, self.table.iloc[i], int(self.gate_status[i, j]))
            for j, g in enumerate(self.profile.gates)
        ]
        return pd.DataFrame([c.__dict__ for c in checks], columns=list(GateCheck.__dataclass_fields__))

    def demand_checks(self, pilot_id: str) -> tuple[DemandCheck, ...]:
        """The demand rules for one pilot, heaviest first, each with its status: the target is
        the heaviest option whose rule is met (a workflow that meets none needs the lightest)."""
        inputs = engine.read_inputs(self.table.iloc[[self.position(pilot_id)]])
        values = {"monthly_volume": inputs.volume[0], "users": inputs.users[0]}  # NaN: unknown or invalid
        return tuple(
            DemandCheck(
                OPTIONS[level - 1],
                field,
                None if np.isnan(values[field]) else float(values[field]),
                minimum,
                GATE_STATUS_TEXT[int(status[0])],
            )
            for level, field, minimum, status in engine.demand_rules(inputs, self.profile)
        )

    def demand_range(self, pilot_id: str) -> tuple[str, str]:
        """(lightest, heaviest) target the pilot's unknown answers allow; the same option twice
        when the target is known."""
        i = self.position(pilot_id)
        low, high = engine.demand_bounds(engine.read_inputs(self.table.iloc[[i]]), self.profile)
        return OPTIONS[int(low[0]) - 1], OPTIONS[int(high[0]) - 1]

    def promotion_path(self, pilot_id: str) -> tuple[PathStep, ...]:
        """The ordered steps from the current mode to the target, each with the gates that block it.

        When the target is unknown the path runs to the heaviest target its unknowns allow.
        A step's blocking gates are the pilot's blocker masks, as in the `blockers` column.
        """
        i = self.position(pilot_id)
        row = self.table.iloc[i]
        gates = self.profile.gates
        checks = [_check(g, row, int(self.gate_status[i, j])) for j, g in enumerate(gates)]
        mode = None if pd.isna(row["current_mode"]) else row["current_mode"]
        current = CURRENT_MODES.index(mode) if mode in CURRENT_MODES else 0
        if pd.notna(row["target"]):
            target = OPTION_LEVEL[row["target"]]
        else:
            _, d_hi = engine.demand_bounds(engine.read_inputs(self.table.iloc[[i]]), self.profile)
            target = int(d_hi[0])
        supply = int(row["supply_level"])
        blocked = self.blocking[i]

        def blocking(levels: range) -> tuple[GateCheck, ...]:
            return tuple(c for j, c in enumerate(checks) if blocked[j] and gates[j].level in levels)

        steps = []
        if current > supply:
            steps.append(
                PathStep(
                    CURRENT_MODES[current],
                    CURRENT_MODES[current],
                    "fix",
                    blocking(range(supply + 1, current + 1)),
                )
            )
        if current > target:
            steps.append(PathStep(CURRENT_MODES[current], OPTIONS[target - 1], "simplify", ()))
        for level in range(current + 1, target + 1):
            steps.append(
                PathStep(
                    CURRENT_MODES[level - 1], OPTIONS[level - 1], "promote", blocking(range(level, level + 1))
                )
            )
        return tuple(steps)

    def summary(self) -> pd.DataFrame:
        """Pilot counts per verdict and per recommended option (every category shown, zeros included)."""
        verdicts = (
            self.table["verdict"].value_counts(sort=False).rename_axis("value").reset_index(name="pilots")
        )
        verdicts.insert(0, "what", "verdict")
        recommended = pd.Categorical(self.table["recommended"].astype(object), categories=RECOMMENDATIONS)
        options = recommended.value_counts().rename_axis("value").reset_index(name="pilots")
        options.insert(0, "what", "recommended")
        out = pd.concat([verdicts, options], ignore_index=True)
        out["value"] = out["value"].astype(str)
        return out


def _check(gate: Gate, row: pd.Series, status: int) -> GateCheck:
    current = row[gate.field]
    current = None if pd.isna(current) else current
    text = GATE_STATUS_TEXT[status]
    risk = None if pd.isna(row["risk_level"]) else row["risk_level"]
    if gate.min_risk and risk in RISK_LEVELS and RISK_LEVELS.index(risk) < RISK_LEVELS.index(gate.min_risk):
        text = "not applicable"
    value = gate.value if isinstance(gate.value, str) else f"{gate.value:g}"
    required = f"{OP_SYMBOLS[gate.op]} {value}" + (f" (risk ≥ {gate.min_risk})" if gate.min_risk else "")
    return GateCheck(gate.option, gate.describe(), gate.field, current, required, text)


# Above this many pilots the numeric scores are computed on a second thread while the
# decisions and their text are built: numpy releases the GIL, so the two overlap.
PARALLEL_FROM = 50_000
_numeric_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kairo-scores")


def score(pilots: pd.DataFrame, profile: Profile | str | None = None) -> ScoredPortfolio:
    """Score every pilot of a portfolio with `profile` (the default profile when None).

    Scores are absolute: a pilot's row depends on its own fields and the profile only.
    The work is vectorised over the whole frame; text columns are built once per
    distinct situation.
    """
    profile = load_profile(profile)
    frame = conform(pilots)
    n = len(frame)
    inputs = engine.read_inputs(frame)
    levels = np.array([g.level for g in profile.gates], dtype=np.int8)
    status = np.empty((len(profile.gates), n), np.int8)  # gate-major: each gate's row is contiguous
    for j, gate in enumerate(profile.gates):
        status[j] = engine.gate_status(gate, inputs)
    bounds = _Bounds.of(inputs, profile, status, levels)
    # What stands between a pilot and where it should be: the gates of the levels above
    # supply, up to the target (or up to the current mode when it runs heavier than that).
    top = np.maximum(bounds.d_hi, bounds.current)
    in_range = (levels[:, None] > bounds.s_lo[None, :]) & (levels[:, None] <= top[None, :])
    failed = (status == FAILED) & in_range
    unknown = (status == UNKNOWN) & in_range

    def numeric_and_blockers() -> dict:
        return {
            **_numeric_scores(inputs, profile, status, bounds),
            "blockers": blocker_column(failed, unknown, profile),
        }

    if n >= PARALLEL_FROM:
        first_half = _numeric_pool.submit(numeric_and_blockers)
        decisions = _decisions(inputs, profile, status, levels, bounds, failed | unknown)
        added = {**first_half.result(), **decisions}
    else:
        added = {
            **numeric_and_blockers(),
            **_decisions(inputs, profile, status, levels, bounds, failed | unknown),
        }
    added["profile"] = pd.Categorical.from_codes(np.zeros(n, np.int8), categories=[profile.name])
    added["profile_version"] = np.full(n, profile.version, np.int32)
    added["profile_hash"] = pd.Categorical.from_codes(np.zeros(n, np.int8), categories=[profile.content_hash])
    ordered = {c: added[c] for c in (*(dimension_column(d) for d in profile.dimensions), *DECISION_COLUMNS)}
    # Scoring an already scored table (a stored or exported one) replaces its old results
    # instead of keeping them beside the new ones as duplicate columns.
    stale = [c for c in ordered if c in frame.columns]
    if stale:
        frame = frame.drop(columns=stale)
    # copy=False: the new arrays are ours; consolidating them into one block would copy ~100 MB per million pilots.
    table = pd.concat([frame, pd.DataFrame(ordered, index=frame.index, copy=False)], axis=1)
    return ScoredPortfolio(table, status.T, profile, failed.T, unknown.T)


@dataclass(frozen=True)
class _Bounds:
    """Lowest and highest demand, supply and current mode that the unknowns allow."""

    d_lo: np.ndarray
    d_hi: np.ndarray
    s_lo: np.ndarray
    s_hi: np.ndarray
    current_known: np.ndarray
    current: np.ndarray  # 0 where unknown
    c_hi: np.ndarray

    @classmethod
    def of(cls, inputs: engine.Inputs, profile: Profile, status: np.ndarray, levels: np.ndarray) -> _Bounds:
        d_lo, d_hi = engine.demand_bounds(inputs, profile)
        s_lo, s_hi = engine.supply_bounds(status, levels)
        known = ~np.isnan(inputs.current)
        current = np.where(known, inputs.current, 0).astype(np.int8)
        return cls(d_lo, d_hi, s_lo, s_hi, known, current, np.where(known, current, 3).astype(np.int8))


def _numeric_scores(inputs: engine.Inputs, profile: Profile, status: np.ndarray, bounds: _Bounds) -> dict:
    """Dimension scores, readiness with its range and basis, completeness and the three fits."""
    scores = engine.readiness_scores(inputs, profile)
    out: dict[str, object] = {dimension_column(dim): values for dim, values in scores.dimensions.items()}
    out["readiness"] = scores.readiness
    out["readiness_low"] = scores.low
    out["readiness_high"] = scores.high
    out["readiness_answers"] = scores.answers_known
    out["readiness_answers_total"] = np.full(inputs.size, scores.answers_total, np.int8)
    out["completeness"] = inputs.known_inputs * (100.0 / len(SCORING_INPUTS))
    out.update(_fits(inputs, profile, status, bounds))
    return out


def _decisions(
    inputs: engine.Inputs,
    profile: Profile,
    status: np.ndarray,
    levels: np.ndarray,
    b: _Bounds,
    blocking: np.ndarray,
) -> dict:
    """Demand, supply, recommended, target, verdict, the next step and the missing fields."""
    n, gates = inputs.size, profile.gates
    verdict, r_lo, r_hi = _verdict_and_recommendation(profile, b)
    demand = np.where(b.d_lo == b.d_hi, b.d_lo, -1)
    undecided = r_lo != r_hi
    recommended = np.where(undecided, RECOMMENDATIONS.index(UNDECIDED), r_lo).astype(np.int8)
    open_rows = np.flatnonzero((verdict == engine.NEEDS_DATA) | undecided)
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


def _verdict_and_recommendation(profile: Profile, b: _Bounds) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The verdict (NEEDS_DATA where the unknowns leave it open) and the recommendation's range."""
    verdict = engine.decide_verdicts(
        engine.verdict_table(profile), ((b.current, b.c_hi), (b.d_lo, b.d_hi), (b.s_lo, b.s_hi))
    )
    # Every filling of the unknowns recommends between these two. Demand and supply hang on
    # disjoint fields, so some filling gives each of them (gates that can fail and pass within
    # 1-5, as the default's do): tests/scoring/test_scoring_undecided.py.
    return verdict, np.minimum(b.d_lo, b.s_lo), np.minimum(b.d_hi, b.s_hi)


def open_decisions(
    inputs: engine.Inputs, profile: Profile, status: np.ndarray | None = None, *, with_missing: bool = False
) -> tuple[np.ndarray, np.ndarray | None]:
    """(open, missing): score()'s own needs_data / undecided rule, for any `Inputs`.

    `open[i]` is True where some filling of pilot i's unknowns changes its verdict or its
    recommendation. With `with_missing`, `missing[i]` is the bit mask (over CANONICAL_COLUMNS)
    of the unknown fields that leave it open, as in the `missing_fields` column; otherwise
    None. `status` (gate-major) may be passed when already computed. For scoring filled-in
    variants of pilots (the deciding questions) without a frame or any text.
    """
    levels = np.array([g.level for g in profile.gates], dtype=np.int8)
    status = _gate_statuses(inputs, profile) if status is None else status
    b = _Bounds.of(inputs, profile, status, levels)
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


def _gate_statuses(inputs: engine.Inputs, profile: Profile) -> np.ndarray:
    status = np.empty((len(profile.gates), inputs.size), np.int8)
    for j, gate in enumerate(profile.gates):
        status[j] = engine.gate_status(gate, inputs)
    return status


def _open(profile: Profile, b: _Bounds) -> np.ndarray:
    verdict, r_lo, r_hi = _verdict_and_recommendation(profile, b)
    return (verdict == engine.NEEDS_DATA) | (r_lo != r_hi)


def decision_bounds(inputs: engine.Inputs, profile: Profile) -> tuple[np.ndarray, ...]:
    """(current low, current high, demand low, demand high, supply low, supply high) per
    pilot: the ranges score() decides within; `open_boxes` tells which ranges leave it open."""
    levels = np.array([g.level for g in profile.gates], dtype=np.int8)
    b = _Bounds.of(inputs, profile, _gate_statuses(inputs, profile), levels)
    return b.current, b.c_hi, b.d_lo, b.d_hi, b.s_lo, b.s_hi


def open_boxes(profile: Profile, *bounds: np.ndarray) -> np.ndarray:
    """True where ranges as `decision_bounds` gives them leave the verdict or the
    recommendation open: score()'s needs_data / undecided rule, on the ranges alone."""
    c_lo, c_hi, d_lo, d_hi, s_lo, s_hi = (np.asarray(a, np.int8) for a in bounds)
    return _open(profile, _Bounds(d_lo, d_hi, s_lo, s_hi, c_lo == c_hi, c_lo, c_hi))


def _fits(
    inputs: engine.Inputs, profile: Profile, status: np.ndarray, bounds: _Bounds
) -> dict[str, np.ndarray]:
    """fit_* per option: gates_weight x gate progress + demand_weight x demand credit, x 100.

    Gate progress towards an option is the mean credit of its and the lighter options'
    gates (partial credit for a failed gate's distance, none for an unknown one), and never
    more than towards a lighter option: an option builds on the lighter ones, as supply
    does. It is 1 exactly when the pilot can surely govern the option. Demand credit is
    `engine.demand_credit`: closeness to demand, capped for an option it cannot govern yet.
    Both parts grow with every answer, so fits are monotone, and together they put the
    highest fit on the recommended option, ties going to the simpler one (README, "Fit").
    """
    out = {}
    gates_scale, demand_scale = 100.0 * profile.fit_gates_weight, 100.0 * profile.fit_demand_weight
    credit_sum, credit_count = np.zeros(inputs.size), 0
    progress = None
    index = engine.demand_credit_index(bounds.d_lo, bounds.d_hi, bounds.s_lo)
    for option, column in FIT_COLUMNS.items():
        level = OPTION_LEVEL[option]
        for j, gate in enumerate(profile.gates):
            if gate.level == level:
                credit_sum += engine.gate_credit(gate, inputs, status[j])
                credit_count += 1
        if credit_count:
            share = credit_sum / credit_count
            progress = share if progress is None else np.minimum(progress, share, out=share)
        elif progress is None:  # no gate so far: nothing to make progress on
            progress = np.ones(inputs.size)
        fit = progress * gates_scale
        fit += engine.demand_credit(index, level, demand_scale)
        out[column] = fit
    return out


def _missing_fields(inputs: engine.Inputs, gates, status, levels, bounds, rows: np.ndarray) -> np.ndarray:
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


__all__ = [
    "DECISION_COLUMNS",
    "FIT_COLUMNS",
    "PathStep",
    "ScoredPortfolio",
    "score",
]
