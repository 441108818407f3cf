"""What-if: one pilot scored as it is and with some inputs changed, and what that moves;
nothing stored is touched."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kairo_scoring.profile import Profile
from kairo_scoring.schema import CANONICAL_COLUMNS, conform
from kairo_scoring.scoring import DECISION_COLUMNS, ScoredPortfolio, dimension_column, score
from kairo_scoring.values import plain

# Everything a what-if can move: the decision columns, less bookkeeping.
WHAT_IF_OUTPUTS: tuple[str, ...] = tuple(
    c for c in DECISION_COLUMNS if c not in ("missing_fields", "profile", "profile_version", "profile_hash")
)
EDITABLE_FIELDS: tuple[str, ...] = tuple(
    f for f in CANONICAL_COLUMNS if f not in ("pilot_id", "name", "business_unit", "owner")
)


@dataclass(frozen=True)
class WhatIf:
    """A pilot scored as it is and with some inputs changed; nothing stored is touched."""

    original: ScoredPortfolio
    modified: ScoredPortfolio
    diff: pd.DataFrame  # what, original, what_if, changed

    @property
    def pilot_id(self) -> str:
        return str(self.original.table["pilot_id"].iloc[0])

    @property
    def verdict_changed(self) -> bool:
        return self.original.table["verdict"].iloc[0] != self.modified.table["verdict"].iloc[0]


def what_if(pilot: pd.Series | Mapping[str, Any], changes: Mapping[str, Any], profile: Profile) -> WhatIf:
    """Score one pilot as it is and with `changes` (field → new value, None = unknown).

    Scores are absolute, so the pilot scored alone gives the same row as inside its
    portfolio. Only canonical input fields can change.
    """
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValueError(f"cannot change {', '.join(unknown)}: only scoring inputs can be changed")
    base = {name: plain(pilot.get(name)) for name in CANONICAL_COLUMNS}
    edited = {**base, **{k: plain(v) for k, v in changes.items()}}
    original = score(conform(pd.DataFrame([base])), profile)
    modified = score(conform(pd.DataFrame([edited])), profile)
    outputs = [*(dimension_column(d) for d in profile.dimensions), *WHAT_IF_OUTPUTS]
    rows = []
    for name in [*(f for f in EDITABLE_FIELDS if plain(base[f]) != plain(edited[f])), *outputs]:
        table_o, table_m = original.table, modified.table
        before = plain(table_o[name].iloc[0])
        after = plain(table_m[name].iloc[0])
        if isinstance(before, float) and isinstance(after, float):
            changed = not math.isclose(before, after, abs_tol=1e-9)
        else:
            changed = before != after
        rows.append({"what": name, "original": before, "what_if": after, "changed": changed})
    diff = pd.DataFrame(rows, columns=["what", "original", "what_if", "changed"])
    return WhatIf(original, modified, diff)
