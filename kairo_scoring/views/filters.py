"""The sidebar filters as data: which pilots a filter keeps, the values each filter offers,
and a scored portfolio restricted to (or relabelled over) the same rows.

The decision filter is not a column of the scored table: a pilot's decision state comes from
the store's decisions (`kairo_scoring.decisions.decision_states`), so `PortfolioFilter.mask`
takes the states beside the table."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kairo_scoring.decisions import DecisionState
from kairo_scoring.schema import RISK_LEVELS, STAGES, VERDICTS
from kairo_scoring.scoring import ScoredPortfolio

FILTER_FIELDS: tuple[str, ...] = ("business_unit", "owner", "stage", "verdict", "risk_level")
# The decision states the decision filter offers, in the order people read them.
DECISION_FILTER_STATES: tuple[str, ...] = tuple(
    s.value
    for s in (DecisionState.UNDECIDED, DecisionState.PROPOSED, DecisionState.DECIDED, DecisionState.TO_REVIEW)
)


@dataclass(frozen=True)
class PortfolioFilter:
    """The sidebar filters: an empty tuple means "any value"."""

    business_unit: tuple[str, ...] = ()
    owner: tuple[str, ...] = ()
    stage: tuple[str, ...] = ()
    verdict: tuple[str, ...] = ()
    risk_level: tuple[str, ...] = ()
    decision: tuple[str, ...] = ()  # decision states (`DECISION_FILTER_STATES`)

    @property
    def active(self) -> bool:
        return bool(self.decision) or any(getattr(self, name) for name in FILTER_FIELDS)

    def mask(self, table: pd.DataFrame, decision_states: pd.Series | None = None) -> np.ndarray:
        """True for the rows every active filter keeps (a pilot with an unknown value is dropped).

        ``decision_states``: each row's decision state (the ``state`` column of
        `decision_states` over the same rows, in the same order), needed when the decision
        filter is active; a ValueError without it, rather than a filter silently ignored."""
        keep = np.ones(len(table), dtype=bool)
        for name in FILTER_FIELDS:
            chosen = getattr(self, name)
            if chosen:
                keep &= table[name].astype(object).isin(chosen).to_numpy()
        if self.decision:
            if decision_states is None or len(decision_states) != len(table):
                raise ValueError("the decision filter needs the decision state of every row")
            keep &= pd.Series(decision_states).astype(object).isin(self.decision).to_numpy()
        return keep

    def describe(self) -> str:
        """Plain text such as 'stage: pilot, production; verdict: promote' ('' when inactive)."""
        parts = [f"{name}: {', '.join(getattr(self, name))}" for name in FILTER_FIELDS if getattr(self, name)]
        if self.decision:
            parts.append(f"decision: {', '.join(self.decision)}")
        return "; ".join(parts)


def filter_choices(table: pd.DataFrame) -> dict[str, list[str]]:
    """The values each filter can take in this table (enums in their canonical order)."""
    ordered = {"stage": STAGES, "verdict": VERDICTS, "risk_level": RISK_LEVELS}
    out: dict[str, list[str]] = {}
    for name in FILTER_FIELDS:
        present = {str(v) for v in pd.unique(table[name].dropna().to_numpy(dtype=object))}
        if name in ordered:
            out[name] = [v for v in ordered[name] if v in present]
        else:
            out[name] = sorted(present, key=str.casefold)
    return out


def subset(scored: ScoredPortfolio, keep: np.ndarray) -> ScoredPortfolio:
    """The scored portfolio restricted to the rows where `keep` is True (gate statuses and
    blocker masks follow the rows)."""
    keep = np.asarray(keep, dtype=bool)
    if keep.all():
        return scored
    return ScoredPortfolio(
        scored.table[keep],
        scored.gate_status[keep],
        scored.profile,
        scored.blocking_failed[keep],
        scored.blocking_unknown[keep],
    )


def with_table(scored: ScoredPortfolio, table: pd.DataFrame) -> ScoredPortfolio:
    """The same scores over a relabelled table (same rows, same order), e.g. anonymised."""
    if len(table) != len(scored.table):
        raise ValueError("the relabelled table must keep every row")
    return ScoredPortfolio(
        table, scored.gate_status, scored.profile, scored.blocking_failed, scored.blocking_unknown
    )
