"""Presentation-mode anonymisation: stable aliases for pilot names and owners, free-text
source columns dropped. Applied to a scored result, never part of what is scored."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from kairo_scoring.schema import CANONICAL_COLUMNS
from kairo_scoring.scoring import DECISION_COLUMNS
from kairo_scoring.values import column_letter


def pilot_aliases(pilot_ids: pd.Series) -> dict[str, str]:
    """pilot_id → "Pilot 017": numbered in sorted pilot_id order, so the same register
    always gives the same aliases whatever the row order or filters."""
    ids = sorted(set(pilot_ids.dropna().astype(str)))
    width = max(3, len(str(len(ids))))
    return {pid: f"Pilot {i:0{width}d}" for i, pid in enumerate(ids, start=1)}


def owner_aliases(owners: pd.Series) -> dict[str, str]:
    """owner → "Owner C", lettered in sorted (case-insensitive) name order."""
    names = sorted(set(owners.dropna().astype(str)), key=lambda s: (s.casefold(), s))
    return {name: f"Owner {column_letter(i)}" for i, name in enumerate(names)}


def person_aliases(names: pd.Series, *, known: dict[str, str] | None = None) -> dict[str, str]:
    """A person's recorded name or email (who proposed or signed off a decision, who wrote an
    audit row) → "Person C", lettered in sorted (case-insensitive) order of the names given:
    pass every name the page may show, so one person keeps one alias on it. ``known``: aliases
    already shown elsewhere (the decision record's), kept; other names are lettered after them."""
    aliases = dict(known or {})
    people = sorted(set(names.dropna().astype(str)) - set(aliases), key=lambda s: (s.casefold(), s))
    for i, name in enumerate(people, start=len(aliases)):
        aliases[name] = f"Person {column_letter(i)}"
    return aliases


def anonymise(table: pd.DataFrame) -> pd.DataFrame:
    """A copy for presenting: names and owners replaced by stable aliases, and every
    non-canonical source column (free text that may name people or clients) dropped."""
    keep = [
        c
        for c in table.columns
        if c in CANONICAL_COLUMNS
        or c in DECISION_COLUMNS
        or c.startswith("score_")
        or c in ("source_row", "pilot_alias")
    ]
    out = table[keep].copy()
    out["name"] = _relabel(table["pilot_id"], pilot_aliases)
    out["owner"] = _relabel(table["owner"], owner_aliases)
    return out


def _relabel(values: pd.Series, aliases: Callable[[pd.Series], dict[str, str]]) -> pd.Series:
    """Replace each distinct value by its alias, computing aliases once per distinct value."""
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    mapping = aliases(pd.Series(uniques, dtype=object))
    labels = np.array([mapping[str(u)] for u in uniques] + [None], dtype=object)
    return pd.Series(labels[codes], index=values.index, dtype="string")
