"""Two snapshots of one portfolio compared pilot by pilot (promoted, slipped, added, removed,
unchanged, undecided; readiness deltas), pilots per verdict across snapshots, and the order
snapshots are compared in (by the date their data describes)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kairo_scoring.schema import UNDECIDED, VERDICTS
from kairo_scoring.views.levels import recommended_level

MOVEMENTS: tuple[str, ...] = ("promoted", "slipped", "added", "removed", "unchanged", UNDECIDED)


@dataclass(frozen=True)
class SnapshotComparison:
    """Two snapshots side by side, one row per pilot in either.

    `movement` is promoted / slipped (the recommended option is heavier / lighter than
    before), added / removed (only in the later / earlier snapshot), unchanged, or
    undecided (the recommendation is undecided in either snapshot).
    """

    pilots: pd.DataFrame

    def count(self, movement: str) -> int:
        return int((self.pilots["movement"] == movement).sum())

    def of(self, movement: str) -> pd.DataFrame:
        return self.pilots[self.pilots["movement"] == movement].reset_index(drop=True)

    @property
    def readiness_deltas(self) -> pd.Series:
        """Readiness after minus before, for pilots in both with readiness known in both."""
        return self.pilots["readiness_delta"].dropna()

    def counts(self) -> dict[str, int]:
        return {m: self.count(m) for m in MOVEMENTS}


def compare_snapshots(before: pd.DataFrame, after: pd.DataFrame) -> SnapshotComparison:
    """Compare two scored tables of one portfolio by pilot_id."""
    keep = ["pilot_id", "name", "recommended", "verdict", "readiness", "monthly_value"]

    def side(table: pd.DataFrame, suffix: str) -> pd.DataFrame:
        frame = table[keep].copy()
        frame["pilot_id"] = frame["pilot_id"].astype(str)
        frame["level"] = recommended_level(table).to_numpy()
        for column in ("recommended", "verdict", "name"):
            frame[column] = frame[column].astype(object)
        frame = frame.drop_duplicates("pilot_id")
        return frame.rename(columns={c: f"{c}_{suffix}" for c in frame.columns if c != "pilot_id"})

    merged = side(before, "before").merge(side(after, "after"), on="pilot_id", how="outer", indicator=True)
    lb, la = merged["level_before"], merged["level_after"]
    movement = np.select(
        [
            merged["_merge"] == "right_only",
            merged["_merge"] == "left_only",
            lb.isna() | la.isna(),
            la > lb,
            la < lb,
        ],
        ["added", "removed", UNDECIDED, "promoted", "slipped"],
        default="unchanged",
    )
    out = pd.DataFrame(
        {
            "pilot_id": merged["pilot_id"],
            "name": merged["name_after"].where(merged["name_after"].notna(), merged["name_before"]),
            "movement": movement,
            "recommended_before": merged["recommended_before"],
            "recommended_after": merged["recommended_after"],
            "verdict_before": merged["verdict_before"],
            "verdict_after": merged["verdict_after"],
            "readiness_before": merged["readiness_before"].astype("float64"),
            "readiness_after": merged["readiness_after"].astype("float64"),
        }
    )
    out["readiness_delta"] = out["readiness_after"] - out["readiness_before"]
    out["monthly_value"] = merged["monthly_value_after"].where(
        merged["monthly_value_after"].notna(), merged["monthly_value_before"]
    )
    return SnapshotComparison(out.sort_values("pilot_id", kind="stable").reset_index(drop=True))


def snapshots_by_as_of(snapshots: pd.DataFrame) -> pd.DataFrame:
    """Snapshots as `PortfolioStore.snapshots` lists them, oldest first by the date their data
    describes (``as_of``), then by when they were imported (``created_at``), then by ID: the
    order History compares and charts them in. A snapshot without an as-of date counts by its
    import date, as the store reads one stored before as-of dates existed."""
    created = pd.to_datetime(snapshots["created_at"], utc=True)
    as_of = pd.to_datetime(snapshots["as_of"]).fillna(created.dt.tz_localize(None).dt.normalize())
    keys = pd.DataFrame(
        {
            "as_of": as_of.to_numpy(),
            "created_at": created.to_numpy(),
            "snapshot_id": snapshots["snapshot_id"].astype("int64").to_numpy(),
        }
    )
    order = keys.sort_values(["as_of", "created_at", "snapshot_id"], kind="stable").index
    return snapshots.iloc[order].reset_index(drop=True)


def verdict_trend(snapshots: Sequence[tuple[str, pd.DataFrame]]) -> pd.DataFrame:
    """Pilots per verdict in each snapshot (oldest first as given): snapshot, verdict, pilots."""
    rows = []
    for label, table in snapshots:
        counts = table["verdict"].astype(object).value_counts()
        for verdict in VERDICTS:
            rows.append({"snapshot": label, "verdict": verdict, "pilots": int(counts.get(verdict, 0))})
    return pd.DataFrame(rows, columns=["snapshot", "verdict", "pilots"])
