"""What changes when a portfolio is rescored with another profile: the pilots whose
recommendation or verdict moves, and the verdict transitions."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kairo_scoring.schema import UNDECIDED


@dataclass(frozen=True)
class ProfileImpact:
    """What changes when a portfolio is rescored with another profile."""

    changes: pd.DataFrame  # only the pilots whose recommendation or verdict changes
    pilots: int
    recommendation_changed: int
    verdict_changed: int
    transitions: pd.DataFrame  # verdict_before, verdict_after, pilots (changed verdicts only)

    @property
    def any_change(self) -> bool:
        return not self.changes.empty


def profile_impact(before: pd.DataFrame, after: pd.DataFrame) -> ProfileImpact:
    """Compare the same pilots scored with two profiles (joined on pilot_id)."""
    cols = ["pilot_id", "name", "recommended", "verdict", "readiness"]
    left = before[cols].astype({"recommended": object, "verdict": object, "name": object})
    right = after[["pilot_id", "recommended", "verdict", "readiness"]].astype(
        {"recommended": object, "verdict": object}
    )
    merged = left.merge(right, on="pilot_id", suffixes=("_before", "_after"))
    rec_b = merged["recommended_before"].fillna(UNDECIDED)
    rec_a = merged["recommended_after"].fillna(UNDECIDED)
    rec_changed = (rec_b != rec_a).to_numpy()
    verdict_changed = (merged["verdict_before"] != merged["verdict_after"]).to_numpy()
    changed = merged[rec_changed | verdict_changed].copy()
    changed["recommended_before"] = rec_b[rec_changed | verdict_changed]
    changed["recommended_after"] = rec_a[rec_changed | verdict_changed]
    changed["readiness_delta"] = changed["readiness_after"] - changed["readiness_before"]
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
    return ProfileImpact(
        changes=changes,
        pilots=len(merged),
        recommendation_changed=int(rec_changed.sum()),
        verdict_changed=int(verdict_changed.sum()),
        transitions=transitions,
    )
