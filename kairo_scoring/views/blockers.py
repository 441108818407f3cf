"""Which gates block the portfolio, and which only wait on an answer: pilots and value
behind each gate, read from the masks `score()` decided (the same ones that wrote each
pilot's `blockers` text).

A gate known to fail blocks the pilot; a gate that cannot be checked because an answer is
missing is a question to ask, not a blocker (issue 11). The two are counted apart: for one
pilot and one gate only one of them can hold.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kairo_scoring.scoring import ScoredPortfolio

# The summary's measures: a gate that fails (blocks) and a gate whose answer is missing.
BLOCKER_MEASURES: tuple[str, ...] = ("pilots_blocked", "value_blocked", "pilots_unknown", "value_unknown")


def blocking_matrix(scored: ScoredPortfolio) -> tuple[np.ndarray, np.ndarray]:
    """(failed, unknown) as (pilots, gates) booleans: gate j stands between pilot i and where
    it should be and is known to fail / cannot be checked because an answer is missing.
    Never both for one cell. Read from the masks `score()` decided, which also wrote the
    `blockers` column (see `ScoredPortfolio`)."""
    return scored.blocking_failed, scored.blocking_unknown


def blocker_summary(scored: ScoredPortfolio) -> pd.DataFrame:
    """Per gate: how many pilots it blocks (the gate fails) and how many only wait on an
    answer to it (unknown), and the monthly value of each group, most pilots blocked first.
    `rule` is the gate's compact rule, `phrase` the gate in words (`Gate.phrase`)."""
    failed, unknown = blocking_matrix(scored)
    value = scored.table["monthly_value"].astype("float64").fillna(0.0).to_numpy()
    out = pd.DataFrame(
        {
            "gate": np.arange(len(scored.profile.gates)),
            "option": [g.option for g in scored.profile.gates],
            "rule": [g.describe() for g in scored.profile.gates],
            "phrase": [g.phrase() for g in scored.profile.gates],
            "pilots_blocked": failed.sum(axis=0).astype(int),
            "value_blocked": (value @ failed).astype(float),
            "pilots_unknown": unknown.sum(axis=0).astype(int),
            "value_unknown": (value @ unknown).astype(float),
        }
    )
    return out.sort_values(
        ["pilots_blocked", "value_blocked", "pilots_unknown", "gate"], ascending=[False, False, False, True]
    ).reset_index(drop=True)


def top_blockers(summary: pd.DataFrame, by: str = "pilots_blocked", n: int = 8) -> pd.DataFrame:
    """The `n` gates highest on `by` (one of `BLOCKER_MEASURES`: pilots or value blocked,
    pilots or value waiting on an answer), gates at zero left out."""
    if by not in BLOCKER_MEASURES:
        raise ValueError(f"rank blockers by one of {', '.join(BLOCKER_MEASURES)}, not {by!r}")
    kept = summary[summary[by] > 0]
    return kept.sort_values([by, "gate"], ascending=[False, True]).head(n).reset_index(drop=True)
