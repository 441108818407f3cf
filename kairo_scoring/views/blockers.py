"""Which gates block the portfolio: pilots and value behind each gate, read from the masks
`score()` decided (the same ones that wrote each pilot's `blockers` text)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kairo_scoring.scoring import ScoredPortfolio


def blocking_matrix(scored: ScoredPortfolio) -> tuple[np.ndarray, np.ndarray]:
    """(blocked, unknown) as (pilots, gates) booleans: gate j stands between pilot i and where
    it should be, failed or unknown / unknown only. Read from the masks `score()` decided,
    which also wrote the `blockers` column (see `ScoredPortfolio`)."""
    return scored.blocking, scored.blocking_unknown


def blocker_summary(scored: ScoredPortfolio) -> pd.DataFrame:
    """Per gate: how many pilots it blocks (and how many only because a value is unknown)
    and how much monthly value those pilots carry, most pilots first. `rule` is the gate's
    compact rule, `phrase` the gate in words (`Gate.phrase`)."""
    blocked, unknown = blocking_matrix(scored)
    value = scored.table["monthly_value"].astype("float64").fillna(0.0).to_numpy()
    pilots_blocked = blocked.sum(axis=0)
    pilots_unknown = unknown.sum(axis=0)
    rows = []
    for j, gate in enumerate(scored.profile.gates):
        rows.append(
            {
                "gate": j,
                "option": gate.option,
                "rule": gate.describe(),
                "phrase": gate.phrase(),
                "pilots_blocked": int(pilots_blocked[j]),
                "pilots_unknown": int(pilots_unknown[j]),
                "value_blocked": float(value[blocked[:, j]].sum()),
            }
        )
    out = pd.DataFrame(
        rows,
        columns=["gate", "option", "rule", "phrase", "pilots_blocked", "pilots_unknown", "value_blocked"],
    )
    return out.sort_values(
        ["pilots_blocked", "value_blocked", "gate"], ascending=[False, False, True]
    ).reset_index(drop=True)


def top_blockers(summary: pd.DataFrame, by: str = "pilots_blocked", n: int = 8) -> pd.DataFrame:
    """The `n` gates that block most (by pilots or by value), gates that block nothing left out."""
    kept = summary[summary[by] > 0]
    return kept.sort_values([by, "gate"], ascending=[False, True]).head(n).reset_index(drop=True)
