"""Fit: how well a pilot fits each option (fit_assisted, fit_workspace, fit_pipeline, 0-100).

A fit combines the pilot's progress on that option's gates and the lighter options' gates
(partial credit for a failed gate's distance, gates.py's `gate_credit`) with how close the
option is to its demand (`demand_credit`, capped for an option it cannot govern yet). Both
parts grow with every answer, so fits are monotone, and the recommended option fits best.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from kairo_scoring.gates import gate_credit
from kairo_scoring.inputs import LEVELS, Inputs
from kairo_scoring.profile import Profile
from kairo_scoring.schema import OPTION_LEVEL

if TYPE_CHECKING:
    from kairo_scoring.recommendation import DecisionBounds

FIT_COLUMNS = {
    "assisted_desktop": "fit_assisted",
    "shared_workspace": "fit_workspace",
    "api_pipeline": "fit_pipeline",
}


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


def fits(
    inputs: Inputs, profile: Profile, status: np.ndarray, bounds: DecisionBounds
) -> dict[str, np.ndarray]:
    """fit_* per option: gates_weight x gate progress + demand_weight x demand credit, x 100.

    Gate progress towards an option is the mean credit of its and the lighter options'
    gates (partial credit for a failed gate's distance, none for an unknown one), and never
    more than towards a lighter option: an option builds on the lighter ones, as supply
    does. It is 1 exactly when the pilot can surely govern the option. Demand credit is
    `demand_credit`: closeness to demand, capped for an option it cannot govern yet.
    Both parts grow with every answer, so fits are monotone, and together they put the
    highest fit on the recommended option, ties going to the simpler one (README, "Fit").
    """
    out = {}
    gates_scale, demand_scale = 100.0 * profile.fit_gates_weight, 100.0 * profile.fit_demand_weight
    credit_sum, credit_count = np.zeros(inputs.size), 0
    progress = None
    index = demand_credit_index(bounds.d_lo, bounds.d_hi, bounds.s_lo)
    for option, column in FIT_COLUMNS.items():
        level = OPTION_LEVEL[option]
        for j, gate in enumerate(profile.gates):
            if gate.level == level:
                credit_sum += gate_credit(gate, inputs, status[j])
                credit_count += 1
        if credit_count:
            share = credit_sum / credit_count
            progress = share if progress is None else np.minimum(progress, share, out=share)
        elif progress is None:  # no gate so far: nothing to make progress on
            progress = np.ones(inputs.size)
        fit = progress * gates_scale
        fit += demand_credit(index, level, demand_scale)
        out[column] = fit
    return out
