"""Placing the portfolio across the three options: the demand × supply grid, and one point
per pilot (or a stable sample of them) with a jitter that depends only on its pilot_id."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kairo_scoring.views.levels import demand_level

# Above this many pilots, point charts draw a stable sample and say so. Each point is an SVG
# element the browser draws and a hover record it is sent (about 80 bytes); 1,000 still shows
# how a cell is filled, and the cell counts and values always cover every pilot.
POINT_LIMIT = 1_000


def stable_unit(pilot_ids: pd.Series, salt: int = 0) -> np.ndarray:
    """A number in [0, 1) per pilot that depends only on its pilot_id (and `salt`)."""
    hashed = pd.util.hash_pandas_object(pilot_ids.astype(str), index=False, hash_key="kairo0123456789a")
    mixed = hashed.to_numpy(dtype=np.uint64) ^ np.uint64(salt * 0x9E3779B97F4A7C15 % 2**64)
    mixed = (mixed * np.uint64(0xBF58476D1CE4E5B9)) & np.uint64(2**64 - 1)
    return (mixed >> np.uint64(11)).astype(np.float64) / float(2**53)


def sample_rows(table: pd.DataFrame, limit: int = POINT_LIMIT) -> tuple[pd.DataFrame, bool]:
    """At most `limit` rows, chosen by a hash of pilot_id (seeded, independent of row order);
    returns the rows and whether they are a sample."""
    if len(table) <= limit:
        return table, False
    order = np.argsort(stable_unit(table["pilot_id"]), kind="stable")[:limit]
    return table.iloc[np.sort(order)], True


def demand_supply_grid(table: pd.DataFrame) -> pd.DataFrame:
    """Pilots and monthly value per (demand level 0..3, supply level 0..3); demand 0 = unknown.

    Every one of the 16 cells is listed, zeros included, so a heatmap keeps its shape.
    """
    key = demand_level(table).to_numpy() * 4 + table["supply_level"].to_numpy(dtype=np.int64)
    value = table["monthly_value"].astype("float64").fillna(0.0).to_numpy()
    return pd.DataFrame(
        {
            "demand": np.repeat(np.arange(4), 4),
            "supply_level": np.tile(np.arange(4), 4),
            "pilots": np.bincount(key, minlength=16).astype(int),
            "monthly_value": np.bincount(key, weights=value, minlength=16),
        }
    )


@dataclass(frozen=True)
class Placement:
    """Points for the placement chart: one per pilot (or a stable sample of them)."""

    points: pd.DataFrame
    total: int
    sampled: bool


def placement_points(table: pd.DataFrame, limit: int = POINT_LIMIT) -> Placement:
    """Each pilot at (supply level, demand level) with a small jitter that depends only on
    its pilot_id, so points in one cell spread out the same way on every rerun."""
    rows, sampled = sample_rows(table, limit)
    jitter_x = stable_unit(rows["pilot_id"], salt=1) * 0.7 - 0.35
    jitter_y = stable_unit(rows["pilot_id"], salt=2) * 0.7 - 0.35
    points = pd.DataFrame(
        {
            "pilot_id": rows["pilot_id"].astype(str).to_numpy(),
            "name": rows["name"].astype(str).to_numpy(),
            "verdict": rows["verdict"].astype(str).to_numpy(),
            "supply_level": rows["supply_level"].astype(int).to_numpy(),
            "demand": demand_level(rows).to_numpy(),
            "readiness": rows["readiness"].astype("float64").to_numpy(),
            "monthly_value": rows["monthly_value"].astype("float64").to_numpy(),
            "fit_assisted": rows["fit_assisted"].astype("float64").to_numpy(),
            "fit_workspace": rows["fit_workspace"].astype("float64").to_numpy(),
            "fit_pipeline": rows["fit_pipeline"].astype("float64").to_numpy(),
        }
    )
    points["x"] = points["supply_level"] + jitter_x
    points["y"] = points["demand"] + jitter_y
    return Placement(points, len(table), sampled)
