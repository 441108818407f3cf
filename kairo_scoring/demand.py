"""Demand: the lightest option that can carry the workflow, from its volume and its users.

`demand_rules` states each rule of the profile (a field reaching a minimum calls for an
option) as MET / FAILED / UNKNOWN per pilot; `demand_bounds` is the lowest and highest demand
level those allow, the same level twice when demand is known. `DemandCheck` states one rule
for one pilot, as the Pilot page's reasons show it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kairo_scoring.inputs import FAILED, MET, UNKNOWN, Inputs
from kairo_scoring.profile import Profile


@dataclass(frozen=True)
class DemandCheck:
    """One demand rule as it stands for one pilot: `field` reaching `minimum` calls for `option`."""

    option: str
    field: str  # monthly_volume or users
    value: float | None  # None: unknown
    minimum: float
    status: str  # met, not met, unknown


def demand_rules(inputs: Inputs, profile: Profile) -> tuple[tuple[int, str, float, np.ndarray], ...]:
    """Each demand rule as (level, field, minimum, status): a workflow whose `field` reaches
    `minimum` needs at least the option of `level`. `status` per pilot is MET (reached),
    FAILED (known and below) or UNKNOWN (the field is unknown). Heaviest rule first.
    `demand_bounds` is built from these; the Pilot page's reasons name them."""
    rules = (
        (3, "monthly_volume", profile.api_pipeline_min_volume),
        (2, "users", profile.shared_workspace_min_users),
        (2, "monthly_volume", profile.shared_workspace_min_volume),
    )
    values = {"monthly_volume": inputs.volume, "users": inputs.users}
    out = []
    for level, name, minimum in rules:
        with np.errstate(invalid="ignore"):  # NaN compares False: "known and at least"
            reached = values[name] >= minimum
        status = np.where(np.isnan(values[name]), UNKNOWN, np.where(reached, MET, FAILED)).astype(np.int8)
        out.append((level, name, minimum, status))
    return tuple(out)


def demand_bounds(inputs: Inputs, profile: Profile) -> tuple[np.ndarray, np.ndarray]:
    """(lowest, highest) demand level 1..3 consistent with what is known of volume and users:
    the heaviest level of a rule met, and of a rule that an unknown field could still meet."""
    low, high = np.ones(inputs.size, np.int8), np.ones(inputs.size, np.int8)
    for level, _, _, status in demand_rules(inputs, profile):
        np.maximum(low, np.where(status == MET, level, 1).astype(np.int8), out=low)
        np.maximum(high, np.where(status != FAILED, level, 1).astype(np.int8), out=high)
    return low, high
