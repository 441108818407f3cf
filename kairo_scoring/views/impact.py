"""What changes when a portfolio is rescored with another profile: the pilots whose
recommendation or verdict moves, the verdict transitions, and how readiness moves (its
distribution before and after, and the pilots whose readiness moves most)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kairo_scoring.schema import UNDECIDED

# Readiness bands of the before/after distribution: 0–9, 10–19, …, 90–100 (100 in the last).
READINESS_BAND = 10
# Below this a readiness change is floating-point noise (weights scaled alike give the same
# weighted mean, to the last digit or so), not a move.
READINESS_MOVE_TOLERANCE = 1e-6
MOVER_COLUMNS: tuple[str, ...] = (
    "pilot_id",
    "name",
    "readiness_before",
    "readiness_after",
    "readiness_delta",
    "verdict_before",
    "verdict_after",
)


@dataclass(frozen=True)
class ProfileImpact:
    """What changes when a portfolio is rescored with another profile."""

    changes: pd.DataFrame  # only the pilots whose recommendation or verdict changes
    pilots: int
    recommendation_changed: int
    verdict_changed: int
    transitions: pd.DataFrame  # verdict_before, verdict_after, pilots (changed verdicts only)
    readiness_moved: int  # pilots whose readiness changes (known before and after)
    # band_low, band_high (NaN for the pilots whose readiness is unknown), pilots_before, pilots_after
    distribution: pd.DataFrame
    movers: pd.DataFrame  # the pilots whose readiness moves most, largest change first (MOVER_COLUMNS)

    @property
    def any_change(self) -> bool:
        return not self.changes.empty


def profile_impact(before: pd.DataFrame, after: pd.DataFrame, *, movers: int = 10) -> ProfileImpact:
    """Compare the same pilots scored with two profiles (joined on pilot_id).

    Names come from `before`: pass the presented (anonymised) tables when presenting.
    `movers` is how many of the pilots whose readiness moves most are listed.
    """
    cols = ["pilot_id", "name", "recommended", "verdict", "readiness"]
    left = before[cols].astype({"recommended": object, "verdict": object, "name": object})
    right = after[["pilot_id", "recommended", "verdict", "readiness"]].astype(
        {"recommended": object, "verdict": object}
    )
    merged = left.merge(right, on="pilot_id", suffixes=("_before", "_after"))
    merged = merged.astype({"readiness_before": "float64", "readiness_after": "float64"})
    merged["readiness_delta"] = merged["readiness_after"] - merged["readiness_before"]
    rec_b = merged["recommended_before"].fillna(UNDECIDED)
    rec_a = merged["recommended_after"].fillna(UNDECIDED)
    rec_changed = (rec_b != rec_a).to_numpy()
    verdict_changed = (merged["verdict_before"] != merged["verdict_after"]).to_numpy()
    changed = merged[rec_changed | verdict_changed].copy()
    changed["recommended_before"] = rec_b[rec_changed | verdict_changed]
    changed["recommended_after"] = rec_a[rec_changed | verdict_changed]
    changes = changed[
        [
            "pilot_id",
            "name",
            "recommended_before",
            "recommended_after",
            "verdict_before",
            "verdict_after",
            "readiness_before",
            "readiness_after",
            "readiness_delta",
        ]
    ].reset_index(drop=True)
    moved = merged[verdict_changed]
    transitions = (
        moved.groupby(["verdict_before", "verdict_after"]).size().rename("pilots").reset_index()
        if len(moved)
        else pd.DataFrame(columns=["verdict_before", "verdict_after", "pilots"])
    )
    transitions = transitions.sort_values("pilots", ascending=False, kind="stable").reset_index(drop=True)
    shift = merged["readiness_delta"].abs()
    readiness_moved = shift > READINESS_MOVE_TOLERANCE  # False where either side is unknown
    top = (
        merged.assign(shift=shift)[readiness_moved]
        .sort_values("shift", ascending=False, kind="stable")  # ties keep the table's order
        .head(max(int(movers), 0))
    )
    return ProfileImpact(
        changes=changes,
        pilots=len(merged),
        recommendation_changed=int(rec_changed.sum()),
        verdict_changed=int(verdict_changed.sum()),
        transitions=transitions,
        readiness_moved=int(readiness_moved.sum()),
        distribution=readiness_distribution(merged["readiness_before"], merged["readiness_after"]),
        movers=top[list(MOVER_COLUMNS)].reset_index(drop=True),
    )


def _band_counts(readiness: pd.Series) -> np.ndarray:
    """Pilots per readiness band, then the pilots whose readiness is unknown. Readiness is
    banded as it reads (a whole number: 9.6 reads 10, in 10–19)."""
    values = readiness.to_numpy(dtype=float)
    known = ~np.isnan(values)
    shown = np.round(values[known])
    bands = np.minimum(shown // READINESS_BAND, 100 // READINESS_BAND - 1).astype(int)
    counts = np.bincount(bands, minlength=100 // READINESS_BAND)
    return np.append(counts, int((~known).sum()))


def readiness_distribution(before: pd.Series, after: pd.Series) -> pd.DataFrame:
    """Pilots per readiness band (0–9, 10–19, …, 90–100) before and after, one row a band,
    every band listed; a last row (band_low and band_high NaN) counts the pilots whose
    readiness is unknown, present only when there are any."""
    lows = np.arange(0, 100, READINESS_BAND, dtype=float)
    highs = np.append(lows[1:] - 1, 100.0)
    out = pd.DataFrame(
        {
            "band_low": np.append(lows, np.nan),
            "band_high": np.append(highs, np.nan),
            "pilots_before": _band_counts(before),
            "pilots_after": _band_counts(after),
        }
    )
    unknown = out.iloc[-1]
    if unknown["pilots_before"] == 0 and unknown["pilots_after"] == 0:
        out = out.iloc[:-1]
    return out.reset_index(drop=True)
