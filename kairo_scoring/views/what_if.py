"""What-if: one pilot scored as it is and with some inputs changed, and what that moves;
nothing stored is touched."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kairo_scoring.profile import Profile
from kairo_scoring.schema import CANONICAL_COLUMNS, FIELD_BY_NAME, SCORE_MAX, SCORE_MIN, conform
from kairo_scoring.scoring import DECISION_COLUMNS, ScoredPortfolio, dimension_column, score
from kairo_scoring.values import is_missing, plain

# Everything a what-if can move: the decision columns, less bookkeeping.
WHAT_IF_OUTPUTS: tuple[str, ...] = tuple(
    c for c in DECISION_COLUMNS if c not in ("missing_fields", "profile", "profile_version", "profile_hash")
)
EDITABLE_FIELDS: tuple[str, ...] = tuple(
    f for f in CANONICAL_COLUMNS if f not in ("pilot_id", "name", "business_unit", "owner")
)
# How a shared link writes an input the what-if set to unknown.
UNKNOWN_IN_LINK = "unknown"
# A what-if number from a link: finite, from 0 (the what-if inputs' floor) up to this.
MAX_LINK_NUMBER = 1e12


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


def what_if_link(changes: Mapping[str, Any]) -> dict[str, str]:
    """A what-if's changes as the text a shared link carries: field → '5', 'api_pipeline',
    '38300', 'unknown'. `what_if_from_link` reads it back to the same changes."""
    out = {}
    for name, value in changes.items():
        value = plain(value)
        if is_missing(value):
            out[name] = UNKNOWN_IN_LINK
        elif isinstance(value, float) and value.is_integer():
            out[name] = str(int(value))
        else:
            out[name] = str(value)
    return out


def what_if_from_link(texts: Mapping[str, str]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """(changes, ignored): the what-if a shared link carries, as the what-if inputs take it.

    A 1-5 answer is a whole number from 1 to 5, a categorical one one of its allowed codes,
    a number finite and from 0 up to MAX_LINK_NUMBER, and any of them may be 'unknown'.
    Whatever the inputs could not show (another field, another value) is ignored and named
    in `ignored`, never raised: a link is text anyone can edit.
    """
    changes: dict[str, Any] = {}
    ignored: list[str] = []
    for name, text in texts.items():
        value = _from_link(name, str(text).strip()) if name in EDITABLE_FIELDS else _IGNORED
        if value is _IGNORED:
            ignored.append(name)
        else:
            changes[name] = value
    return changes, tuple(ignored)


_IGNORED = object()


def _from_link(name: str, text: str) -> Any:
    if text.casefold() == UNKNOWN_IN_LINK:
        return None
    spec = FIELD_BY_NAME[name]
    if spec.kind == "enum":
        return text if text in spec.allowed else _IGNORED
    try:
        number = float(text)
    except ValueError:
        return _IGNORED
    if not math.isfinite(number) or number < 0:
        return _IGNORED
    if spec.kind == "score":
        whole = number.is_integer() and SCORE_MIN <= number <= SCORE_MAX
        return int(number) if whole else _IGNORED
    return number if number <= MAX_LINK_NUMBER else _IGNORED
