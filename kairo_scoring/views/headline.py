"""The headline figures an executive reads first (pilots, ready to promote, at risk, value
at stake, option shares) and pilots and value per verdict."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from kairo_scoring.schema import NOT_READY, OPTIONS, UNDECIDED, VERDICTS

# Verdicts whose pilots hold value that is exposed (run ungoverned) or held back (blocked,
# not ready, undecided): the "value at stake" an executive should act on.
VALUE_AT_STAKE_VERDICTS: tuple[str, ...] = ("at_risk", "build_readiness", "not_ready", "needs_data")


@dataclass(frozen=True)
class Headline:
    """The figures an executive reads first."""

    pilots: int
    ready_to_promote: int
    at_risk: int
    value_at_stake: float
    total_value: float
    value_unknown: int  # pilots whose monthly_value is unknown (counted as 0)
    option_share: dict[str, float] = field(default_factory=dict)  # recommended → share of pilots (0..1)


def headline(table: pd.DataFrame) -> Headline:
    """Pilot counts, value at stake (monthly value of pilots at risk, blocked, not ready or
    undecided: `VALUE_AT_STAKE_VERDICTS`) and the share of pilots per recommended option."""
    n = len(table)
    verdict = table["verdict"].astype(object)
    value = table["monthly_value"].astype("float64")
    stake = verdict.isin(VALUE_AT_STAKE_VERDICTS).to_numpy()
    recommended = table["recommended"].astype(object).where(table["recommended"].notna(), UNDECIDED)
    counts = recommended.value_counts()
    share = {k: (float(counts.get(k, 0)) / n if n else 0.0) for k in (NOT_READY, *OPTIONS, UNDECIDED)}
    return Headline(
        pilots=n,
        ready_to_promote=int((verdict == "promote").sum()),
        at_risk=int((verdict == "at_risk").sum()),
        value_at_stake=float(value[stake].sum()),
        total_value=float(value.sum()),
        value_unknown=int(value.isna().sum()),
        option_share=share,
    )


def verdict_counts(table: pd.DataFrame) -> pd.DataFrame:
    """Pilots and monthly value per verdict, every verdict listed in canonical order."""
    verdict = table["verdict"].astype(object)
    value = table["monthly_value"].astype("float64").fillna(0.0)
    pilots = verdict.value_counts()
    values = value.groupby(verdict).sum()
    return pd.DataFrame(
        {
            "verdict": list(VERDICTS),
            "pilots": [int(pilots.get(v, 0)) for v in VERDICTS],
            "monthly_value": [float(values.get(v, 0.0)) for v in VERDICTS],
        }
    )
