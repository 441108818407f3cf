"""Parsing a column by its distinct values once: the `Parsed` result every column parser returns."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kairo_scoring.intake.codes import IssueCode, Severity
from kairo_scoring.intake.normalize.text import cell_text


@dataclass(frozen=True)
class Parsed:
    """One column parsed: values (unknown where unusable), and per row the reason, severity
    and code of any problem (None where the value was fine)."""

    values: pd.Series
    reasons: pd.Series
    severity: pd.Series
    codes: pd.Series

    @property
    def problems(self) -> pd.Series:
        return self.reasons.notna()


# What a per-value parser returns: (value or None, and reason, severity, code or None each).
Outcome = tuple[object, str | None, Severity | None, IssueCode | None]
FINE: tuple[None, None, None] = (None, None, None)  # the problem part of a value read as it is


def parse_by_unique(
    raw: pd.Series, parse_one: Callable[[object], Outcome], values_dtype: str | None = None
) -> Parsed:
    """Apply ``parse_one`` to each distinct non-missing value of ``raw`` and spread the results;
    the values as ``values_dtype`` when given (``.astype(values_dtype)``, converted per
    distinct value, not per row)."""
    codes, uniques = _factorize(raw)
    return _spread(raw.index, codes, [parse_one(value) for value in uniques], values_dtype)


def _factorize(raw: pd.Series) -> tuple[np.ndarray, list[object]]:
    """A code per cell (-1 when missing) and the distinct values. Booleans are kept apart
    from the numbers they equal (True == 1, False == 0), so a FALSE cell never reads as 0."""
    is_bool = of_types(raw, _BOOLEANS) if raw.dtype == object else np.zeros(len(raw), dtype=bool)
    if not is_bool.any():
        codes, uniques = pd.factorize(raw, use_na_sentinel=True)
        return codes, list(uniques)
    values = raw.to_numpy(dtype=object)
    other_codes, others = pd.factorize(values[~is_bool], use_na_sentinel=True)
    bool_codes, booleans = pd.factorize(values[is_bool])
    codes = np.empty(len(values), dtype=np.intp)
    codes[~is_bool] = other_codes
    codes[is_bool] = bool_codes + len(others)
    return codes, [*others, *booleans]


_BOOLEANS = frozenset({bool, np.bool_})


def of_types(raw: pd.Series, types: frozenset[type]) -> np.ndarray:
    """Per cell, whether its exact type is one of ``types``: ``raw.map(type).isin(types)`` as
    one array, without a Series of types in between."""
    values = raw.to_numpy(dtype=object)
    # Most columns hold one or two types (a csv column: texts and None): the set of types
    # found, built in C, answers for every cell at once; a column of mixed types is tested per cell.
    found = set(map(type, values))
    if found <= types:
        return np.ones(len(values), dtype=bool)
    if found.isdisjoint(types):
        return np.zeros(len(values), dtype=bool)
    return np.fromiter(map(types.__contains__, map(type, values)), dtype=bool, count=len(values))


def _spread(
    index: pd.Index, codes: np.ndarray, outcomes: list[Outcome], values_dtype: str | None = None
) -> Parsed:
    # One small array per part of the outcome, taken by code: no per-row hashing, and no
    # per-row copies of a million-row column (the last slot, None, is what code -1 takes).
    def picked(position: int) -> np.ndarray:
        distinct = np.empty(len(outcomes) + 1, dtype=object)
        for slot, outcome in enumerate(outcomes):
            distinct[slot] = outcome[position]
        distinct[pd.isna(distinct)] = None  # missing as None, decided once per distinct value
        return distinct

    def column(position: int) -> pd.Series:
        return pd.Series(picked(position)[codes], index=index, dtype=object)

    if values_dtype is None:
        values = column(0)
    else:  # the distinct values converted, then taken by code (a negative code takes the last slot)
        values = pd.Series(pd.array(picked(0), dtype=values_dtype).take(codes), index=index)
    return Parsed(values=values, reasons=column(1), severity=column(2), codes=column(3))


# A value map target that rejects the row: ``"withdrawn" = "reject"`` (no canonical value is
# spelled so). "" means known to be unknown; anything else is the value.
REJECT = "reject"


def rejected_by_map(value: object) -> Outcome:
    """The outcome of an answer the value map rejects: the row is rejected (error)."""
    reason = f"the mapping rejects the answer '{value}': the row is rejected"
    return None, reason, Severity.ERROR, IssueCode.REJECTED_ANSWER


def lookup_value_map(key: str, value_map: Mapping[str, object]) -> tuple[bool, object]:
    """Look ``key`` (already normalised) up in a value map: exact keys first, then glob
    patterns ("pre deployment*") in the order the profile lists them."""
    if key in value_map:
        return True, value_map[key]
    for pattern, target in value_map.items():
        if any(ch in pattern for ch in "*?[") and fnmatch.fnmatchcase(key, pattern):
            return True, target
    return False, None


_TEXT = frozenset({str})


def as_text(raw: pd.Series) -> pd.Series:
    """Cell values as display text: 34.0 → "34", dates → ISO, strings unchanged; missing → NA."""
    if isinstance(raw.dtype, pd.StringDtype):
        return raw.astype("string")
    texts = raw.astype(object)
    is_text = of_types(texts, _TEXT)
    if is_text.all():
        return texts.astype("string")
    # Only the cells that are not already text (numbers, dates) go through cell_text.
    others = raw[~is_text]
    texts[~is_text] = parse_by_unique(others, lambda value: (cell_text(value), *FINE)).values
    return texts.astype("string")
