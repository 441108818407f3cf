"""The promotion path: the ordered steps from a pilot's current mode to its target.

Each `PathStep` goes from one mode to the next (promote), fixes a mode the pilot runs but
cannot govern (fix) or steps down to what it needs (simplify), with the gates that block it.
The blocking gates are the result's blocker masks (`ScoredPortfolio.blocking`), the same ones
the `blockers` column and the blocker summary read, so the path cannot disagree with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from kairo_scoring.demand import demand_bounds
from kairo_scoring.gates import GateCheck, gate_check
from kairo_scoring.inputs import read_inputs
from kairo_scoring.schema import CURRENT_MODES, OPTION_LEVEL, OPTIONS

if TYPE_CHECKING:
    from kairo_scoring.scored import ScoredPortfolio


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


def promotion_path(scored: ScoredPortfolio, pilot_id: str) -> tuple[PathStep, ...]:
    """The ordered steps from the current mode to the target, each with the gates that block it.

    When the target is unknown the path runs to the heaviest target its unknowns allow.
    A step's blocking gates are the pilot's blocker masks, as in the `blockers` column.
    """
    i = scored.position(pilot_id)
    row = scored.table.iloc[i]
    gates = scored.profile.gates
    checks = [gate_check(g, row, int(scored.gate_status[i, j])) for j, g in enumerate(gates)]
    mode = None if pd.isna(row["current_mode"]) else row["current_mode"]
    current = CURRENT_MODES.index(mode) if mode in CURRENT_MODES else 0
    if pd.notna(row["target"]):
        target = OPTION_LEVEL[row["target"]]
    else:
        _, d_hi = demand_bounds(read_inputs(scored.table.iloc[[i]]), scored.profile)
        target = int(d_hi[0])
    supply = int(row["supply_level"])
    blocked = scored.blocking[i]

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
