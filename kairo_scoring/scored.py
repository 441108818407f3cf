"""`ScoredPortfolio`: the one result of scoring, which pages, exports and the CLI all read.

It holds the scored table (the input columns, the dimension scores and `DECISION_COLUMNS`),
every gate's status per pilot, the blocker masks and the profile that produced them, and
answers per pilot from those alone: factor contributions, the gate checklist, the demand
checks, the promotion path (promotion.py) and the summary counts. `score()` (scoring.py)
builds it; nothing here computes a rule of the model a second time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kairo_scoring.demand import DemandCheck, demand_bounds, demand_rules
from kairo_scoring.fit import FIT_COLUMNS
from kairo_scoring.gates import GATE_STATUS_TEXT, GateCheck, gate_check
from kairo_scoring.inputs import read_inputs
from kairo_scoring.profile import Profile
from kairo_scoring.promotion import PathStep, promotion_path
from kairo_scoring.recommendation import RECOMMENDATIONS
from kairo_scoring.schema import OPTIONS

# Readiness's range over every filling of the unknown answers, and its basis: how many of
# the answers readiness is made of are known (`readiness.ReadinessScores`).
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


def dimension_column(dimension: str) -> str:
    return f"score_{dimension}"


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
            gate_check(g, self.table.iloc[i], int(self.gate_status[i, j]))
            for j, g in enumerate(self.profile.gates)
        ]
        return pd.DataFrame([c.__dict__ for c in checks], columns=list(GateCheck.__dataclass_fields__))

    def demand_checks(self, pilot_id: str) -> tuple[DemandCheck, ...]:
        """The demand rules for one pilot, heaviest first, each with its status: the target is
        the heaviest option whose rule is met (a workflow that meets none needs the lightest)."""
        inputs = read_inputs(self.table.iloc[[self.position(pilot_id)]])
        values = {"monthly_volume": inputs.volume[0], "users": inputs.users[0]}  # NaN: unknown or invalid
        return tuple(
            DemandCheck(
                OPTIONS[level - 1],
                field,
                None if np.isnan(values[field]) else float(values[field]),
                minimum,
                GATE_STATUS_TEXT[int(status[0])],
            )
            for level, field, minimum, status in demand_rules(inputs, self.profile)
        )

    def demand_range(self, pilot_id: str) -> tuple[str, str]:
        """(lightest, heaviest) target the pilot's unknown answers allow; the same option twice
        when the target is known."""
        i = self.position(pilot_id)
        low, high = demand_bounds(read_inputs(self.table.iloc[[i]]), self.profile)
        return OPTIONS[int(low[0]) - 1], OPTIONS[int(high[0]) - 1]

    def promotion_path(self, pilot_id: str) -> tuple[PathStep, ...]:
        """The ordered steps from the current mode to the target, each with the gates that block
        it: `promotion.promotion_path`."""
        return promotion_path(self, pilot_id)

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
