"""Flows of pilots and monthly value from today's mode to the recommendation now to the
target: the links a Sankey chart draws, in canonical category order."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kairo_scoring.schema import CURRENT_MODES, NOT_READY, OPTIONS, UNDECIDED
from kairo_scoring.views.levels import category_codes

# The category a pilot with no current mode or no target flows through.
UNKNOWN_LABEL = "unknown"


def flow_node_names(stage: str) -> tuple[str, ...]:
    """The categories a flow stage can take, lightest first."""
    if stage == "today":
        return (*CURRENT_MODES, UNKNOWN_LABEL)
    if stage == "now":
        return (NOT_READY, *OPTIONS, UNDECIDED)
    return (*OPTIONS, UNKNOWN_LABEL)


def mode_flows(table: pd.DataFrame) -> pd.DataFrame:
    """Pilots and value flowing today (current_mode) → now (recommended) → target.

    Columns: step ("today→now" or "now→target"), source, target, pilots, monthly_value;
    only non-empty links, in canonical category order.
    """
    value = table["monthly_value"].astype("float64").fillna(0.0).to_numpy()
    codes = {}
    for stage, column in (("today", "current_mode"), ("now", "recommended"), ("target", "target")):
        names = flow_node_names(stage)
        code = category_codes(table[column], names).to_numpy()
        codes[stage] = np.where(code < 0, len(names) - 1, code)  # missing → the last category
    parts = []
    for step, src, dst in (("today→now", "today", "now"), ("now→target", "now", "target")):
        src_names, dst_names = flow_node_names(src), flow_node_names(dst)
        key = codes[src] * len(dst_names) + codes[dst]
        size = len(src_names) * len(dst_names)
        pilots = np.bincount(key, minlength=size)
        values = np.bincount(key, weights=value, minlength=size)
        nonzero = np.flatnonzero(pilots)
        parts.append(
            pd.DataFrame(
                {
                    "step": step,
                    "source": [src_names[k // len(dst_names)] for k in nonzero],
                    "target": [dst_names[k % len(dst_names)] for k in nonzero],
                    "pilots": pilots[nonzero].astype(int),
                    "monthly_value": values[nonzero].astype(float),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)
