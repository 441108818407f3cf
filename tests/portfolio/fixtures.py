"""Four hand-made pilots whose decisions are worked out by hand from the default profile."""

from __future__ import annotations

import pandas as pd

from kairo_scoring import score
from tests.scoring.helpers import ALL_FIVES, ALL_THREES

ALL_ONES = {field: 1 for field in ALL_THREES}


def four_pilots() -> pd.DataFrame:
    """A: hold on an API pipeline; B: promote to assisted desktop; C: at risk on an API
    pipeline it cannot govern; D: not ready (nothing governable), value unknown."""
    return pd.DataFrame(
        [
            dict(pilot_id="A", name="Alpha", business_unit="Finance", owner="Zoe", stage="production",
                 current_mode="api_pipeline", monthly_volume=5000, users=20, risk_level="low", monthly_value=1000,
                 **ALL_FIVES),
            dict(pilot_id="B", name="Bravo", business_unit="HR", owner="amy", stage="pilot",
                 current_mode="none", monthly_volume=100, users=2, risk_level="low", monthly_value=200, **ALL_THREES),
            dict(pilot_id="C", name="Charlie", business_unit="Finance", owner="Zoe", stage="production",
                 current_mode="api_pipeline", monthly_volume=5000, users=20, risk_level="medium", monthly_value=3000,
                 **ALL_THREES),
            dict(pilot_id="D", name="Delta", business_unit="Legal", owner=None, stage="idea",
                 current_mode="none", monthly_volume=10, users=1, risk_level="low", monthly_value=None, **ALL_ONES),
        ]
    )  # fmt: skip


def scored_four():
    return score(four_pilots())
