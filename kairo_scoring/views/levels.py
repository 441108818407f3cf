"""Where a pilot sits on the 0..3 ladders (none/not ready, assisted desktop, shared workspace,
API pipeline): demand and recommended levels, and category positions the other views count by."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kairo_scoring.schema import NOT_READY, OPTION_LEVEL, OPTIONS

# Where a recommended option sits on the 0..3 ladder (not_ready = 0).
RECOMMENDED_LEVEL: dict[str, int] = {NOT_READY: 0, **OPTION_LEVEL}


def category_codes(values: pd.Series, categories: Sequence[str]) -> pd.Series:
    """Position of each value in `categories` (-1 when missing or not listed)."""
    return pd.Series(
        pd.Categorical(values.astype(object), categories=list(categories)).codes.astype(np.int64),
        index=values.index,
    )


def demand_level(table: pd.DataFrame) -> pd.Series:
    """The target (demand) as level 1..3, 0 when unknown."""
    return category_codes(table["target"], ("", *OPTIONS)).clip(lower=0)


def recommended_level(table: pd.DataFrame) -> pd.Series:
    """Recommended option as level 0..3 (not_ready = 0), NaN when undecided."""
    return table["recommended"].astype(object).map(RECOMMENDED_LEVEL).astype("float64")
