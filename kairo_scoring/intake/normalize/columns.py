"""The per-kind column parsers: 1–5 scores, quantities, numbers, categories, yes/no, dates."""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kairo_scoring.intake.codes import IssueCode, Severity
from kairo_scoring.intake.normalize.dates import read_date
from kairo_scoring.intake.normalize.numbers import (
    DECIMAL_COMMA,
    DECIMAL_POINT,
    decimal_convention,
    is_ambiguous_number,
    parse_number,
)
from kairo_scoring.intake.normalize.text import NOT_APPLICABLE, normalize_key, parse_yes_no
from kairo_scoring.intake.normalize.unique import (
    FINE,
    REJECT,
    Outcome,
    Parsed,
    lookup_value_map,
    of_types,
    parse_by_unique,
    rejected_by_map,
)

# "4 - mostly", "3: partly", "5) fully": a number followed by its label. The lookahead stops
# "3.5" from reading as "3" labelled ".5" (a fraction must never be rounded down).
_LEADING_SCORE = re.compile(r"^([0-9]+(?:[.,][0-9]+)?)(?![.,]?[0-9])\s*(?:[-:).]\s*\S.*|\s+\S.*)$")

# --- per-kind column parsers -------------------------------------------------------------

UNKNOWN_MARK = "marked as unknown or not applicable; treated as unknown"
# The outcome of "n/a", "tbd", "?": unknown on purpose, a note.
MARKED_UNKNOWN: Outcome = (None, UNKNOWN_MARK, Severity.INFO, IssueCode.NOT_APPLICABLE)


def unreadable(reason: str, code: IssueCode) -> Outcome:
    """The outcome of a value that cannot be used: unknown, with a warning."""
    return None, reason, Severity.WARNING, code


@dataclass(frozen=True)
class NumberRule:
    """A check on parsed numbers: rows where ``fails`` is true become unknown with ``reason``."""

    fails: Callable[[np.ndarray], np.ndarray]
    reason: str
    code: IssueCode


def parse_scores(raw: pd.Series, value_map: Mapping[str, object], percent_scores: bool = False) -> Parsed:
    """A 1–5 column. "4 - mostly" → 4; words through the profile's value map ("High" → 4);
    "n/a" → unknown (info); 0, 6 and 3.5 → unknown (warning): a gate at 4 must not pass on
    a 3.5 rounded up, nor fail on it rounded down, so nothing is rounded."""

    def score_from_text(value: object) -> Outcome:
        key = normalize_key(value)
        found, target = lookup_value_map(key, value_map)
        if found and target == REJECT:
            return rejected_by_map(value)
        if found:
            return (None if target == "" else float(target), *FINE)  # type: ignore[arg-type]
        if key in NOT_APPLICABLE:
            return MARKED_UNKNOWN
        if key.endswith("%"):
            return _score_from_percent(key, percent_scores)
        leading = _LEADING_SCORE.match(key)
        number = parse_number(leading.group(1) if leading else key)
        if number is None:
            return unreadable("not a 1–5 score; set to unknown", IssueCode.NOT_A_SCORE)
        return number, *FINE

    rules = (
        NumberRule(
            lambda x: (x < 1) | (x > 5), "outside the 1–5 scale; set to unknown", IssueCode.OUT_OF_RANGE_SCORE
        ),
        NumberRule(
            lambda x: x != np.floor(x),
            "not a whole number from 1 to 5; set to unknown (not rounded)",
            IssueCode.FRACTIONAL_SCORE,
        ),
    )
    return parse_numbers(raw, score_from_text, rules)


def _score_from_percent(key: str, percent_scores: bool) -> Outcome:
    fraction = parse_number(key)
    if not percent_scores or fraction is None or not 0 <= fraction <= 1:
        return unreadable(
            "a percentage is not a 1–5 score (this mapping does not convert percentages)",
            IssueCode.PERCENT_SCORE,
        )
    # Five equal bands: 0–19% → 1 … 80–100% → 5.
    return float(min(5, 1 + math.floor(fraction * 5))), *FINE


def parse_quantities(raw: pd.Series, minimum: float, whole: bool) -> Parsed:
    """A count or an amount: thousands separators, currency signs, 2k; unknown below ``minimum``
    and, for counts (``whole``), when not a whole number. "1.000" or "1,500" is read by the
    decimal convention the column's other values settle, and unknown when they do not (for
    a count, unless only one reading is whole: "1,200" users)."""
    convention, evidence = decimal_convention(raw.dropna().unique())

    def quantity_from_text(value: object) -> Outcome:
        number = plain_quantity(value, convention, whole) if type(value) is str else None
        if number is not None:  # most texts of a number column: read without the general parser
            return number, *FINE
        return read_quantity(value, convention, evidence, whole)

    minimum_text = f"{minimum:g}"
    rules = [
        NumberRule(
            lambda x: x < minimum,
            f"below the minimum of {minimum_text}; set to unknown",
            IssueCode.BELOW_MINIMUM,
        )
    ]
    if whole:
        rules.append(
            NumberRule(
                lambda x: x != np.floor(x), "not a whole number; set to unknown", IssueCode.FRACTIONAL_COUNT
            )
        )
    return parse_numbers(raw, quantity_from_text, tuple(rules))


def read_quantity(value: object, convention: str | None, evidence: tuple[int, int], whole: bool) -> Outcome:
    """One value of a count or amount column whose ``decimal_convention`` is ``convention``
    (with its ``evidence``): the general per-value reading."""
    if normalize_key(value) in NOT_APPLICABLE:
        return MARKED_UNKNOWN
    if convention is None and is_ambiguous_number(value):
        readings = {parse_number(value, DECIMAL_POINT), parse_number(value, DECIMAL_COMMA)}
        if whole:  # a count is whole: "1,200" users is 1200, never 1.2
            readings = {number for number in readings if number is not None and number == math.floor(number)}
        if len(readings) != 1:
            return unreadable(_ambiguity(value, evidence), IssueCode.AMBIGUOUS_NUMBER)
        return readings.pop(), *FINE
    number = parse_number(value, convention)
    if number is None:
        return unreadable("not a number; set to unknown", IssueCode.NOT_A_NUMBER)
    return number, *FINE


# Texts that only digits, or digits grouped in threes by commas, make up ("1234", "1,234",
# "1,234,567"): ``plain_quantity`` reads them as ``read_quantity`` does, in one step. At most
# 300 digits, so the number is never infinite.
_DIGITS = re.compile(r"[0-9]{1,300}")
_COMMA_GROUPS = re.compile(r"([0-9]{1,3})((?:,[0-9]{3}){1,99})")


def plain_quantity(text: str, convention: str | None, whole: bool) -> float | None:
    """The number ``read_quantity`` reads, without a problem, from a text of digits or of
    comma-grouped digits; None for any other text, and for one it would not read as a plain
    number (an ambiguous "1,000" in a column without a convention is left to it)."""
    if _DIGITS.fullmatch(text):
        return float(text)
    groups = _COMMA_GROUPS.fullmatch(text)
    if groups is None:
        return None
    lead, rest = groups.groups()
    if len(rest) > 4 or convention == DECIMAL_POINT:  # thousands: "1,234,567"; or the column's reading
        return float(lead + rest.replace(",", ""))
    if convention == DECIMAL_COMMA:  # "1,234" → 1.234
        return float(f"{lead}.{rest[1:]}")
    # No convention: of the two readings a count takes the only whole one ("1,200" users).
    if whole and rest != ",000":
        return float(lead + rest[1:])
    return None


def _ambiguity(value: object, evidence: tuple[int, int]) -> str:
    text = str(value).strip()
    point, comma = parse_number(text, DECIMAL_POINT), parse_number(text, DECIMAL_COMMA)
    why = (
        f"the column uses both ({evidence[0]} values with a decimal point, {evidence[1]} with a decimal comma)"
        if all(evidence)
        else "no other value in the column shows which one it uses"
    )
    return (
        f"'{text}' reads {point:g} with a decimal point and {comma:g} with a decimal comma: {why}; "
        "set to unknown"
    )


def parse_numbers(
    raw: pd.Series, from_text: Callable[[object], Outcome], rules: tuple[NumberRule, ...]
) -> Parsed:
    """Numbers vectorised; only the cells that are not plain numbers go through ``from_text``."""
    # Positional numpy arrays throughout: a Series assignment by mask aligns on the index,
    # which cost more than the parsing itself on a 100,000-row column.
    if raw.dtype == object and of_types(raw, _TEXT_OR_NONE).all():
        values, reasons, severity, codes = _numbers_from_texts(raw, from_text)
    else:
        values, reasons, severity, codes = _numbers_from_cells(raw, from_text)
    for rule in rules:
        with np.errstate(invalid="ignore"):
            failing = ~np.isnan(values) & rule.fails(values)
        reasons[failing] = rule.reason
        severity[failing] = Severity.WARNING
        codes[failing] = rule.code
        values[failing] = np.nan
    index = raw.index
    return Parsed(
        pd.Series(values, index=index),
        pd.Series(reasons, index=index, dtype=object),
        pd.Series(severity, index=index, dtype=object),
        pd.Series(codes, index=index, dtype=object),
    )


def _numbers_from_cells(
    raw: pd.Series, from_text: Callable[[object], Outcome]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Values, reasons, severity and codes of any column: plain numbers as they are, every
    other cell through ``from_text``."""
    values = _coerce_numbers(raw).to_numpy(dtype="float64", copy=True)
    leftover = raw.notna().to_numpy(dtype=bool) & np.isnan(values)
    reasons, severity, codes = (np.full(len(raw), None, dtype=object) for _ in range(3))
    if leftover.any():
        parsed = parse_by_unique(raw[leftover], from_text)  # in the order of raw[leftover]
        values[leftover] = pd.to_numeric(parsed.values, errors="coerce").to_numpy(
            dtype="float64", na_value=np.nan
        )
        reasons[leftover] = parsed.reasons.to_numpy(dtype=object)
        severity[leftover] = parsed.severity.to_numpy(dtype=object)
        codes[leftover] = parsed.codes.to_numpy(dtype=object)
    return values, reasons, severity, codes


def _numbers_from_texts(
    raw: pd.Series, from_text: Callable[[object], Outcome]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``_numbers_from_cells`` for a column holding only texts and None (every csv column):
    no cell is a plain number, so each distinct text goes through ``from_text`` and its
    outcome is spread by code, with no per-row Series in between. Texts equal no other
    type, so factorising merges nothing that ``_numbers_from_cells`` keeps apart."""
    cell_codes, uniques = pd.factorize(raw.to_numpy(dtype=object), use_na_sentinel=True)
    outcomes = [from_text(value) for value in uniques]
    parts = []
    for position in range(4):
        picked = np.empty(len(outcomes) + 1, dtype=object)  # the last slot, None, is code -1's
        for slot, outcome in enumerate(outcomes):
            picked[slot] = outcome[position]
        picked[pd.isna(picked)] = None
        parts.append(picked)
    numbers = pd.to_numeric(pd.Series(parts[0], dtype=object), errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan
    )
    values = numbers[cell_codes]  # a copy: fancy indexing
    return values, parts[1][cell_codes], parts[2][cell_codes], parts[3][cell_codes]


_TEXT_OR_NONE = frozenset({str, type(None)})
_PLAIN_NUMBERS = frozenset({int, float})


def _coerce_numbers(raw: pd.Series) -> pd.Series:
    if raw.dtype.kind in "fiu":
        numbers = raw.astype("float64")
    else:
        # Booleans and text are never numbers here; text goes through the per-value parser.
        plain = raw.where(of_types(raw, _PLAIN_NUMBERS), None) if raw.dtype == object else raw
        try:
            numbers = pd.to_numeric(plain, errors="coerce").astype("float64")
        except (TypeError, ValueError):
            numbers = pd.Series(np.nan, index=raw.index)
    return numbers.where(np.isfinite(numbers))


def parse_enum(
    raw: pd.Series, allowed: tuple[str, ...], value_map: Mapping[str, object], label: str
) -> Parsed:
    """An enumerated field: the canonical values (any case, spaces for underscores), then the
    profile's value map (exact answers, then patterns); anything else → unknown (warning)."""
    canonical = {normalize_key(value): value for value in allowed}
    allowed_text = ", ".join(allowed)

    def one(value: object) -> Outcome:
        key = normalize_key(value)
        found, target = lookup_value_map(key, value_map)
        if found and target == REJECT:
            return rejected_by_map(value)
        if found:
            return (None if target == "" else target, *FINE)
        if key in canonical:
            return canonical[key], *FINE
        if key in NOT_APPLICABLE:
            return MARKED_UNKNOWN
        reason = f"not a recognised {label.lower()} (allowed: {allowed_text}); set to unknown"
        return unreadable(reason, IssueCode.UNKNOWN_CATEGORY)

    return parse_by_unique(raw, one, values_dtype="string")


def parse_yes_no_column(raw: pd.Series) -> Parsed:
    """A yes/no column (``parse_yes_no``) → nullable boolean; other answers → unknown (warning)."""

    def one(value: object) -> Outcome:
        answer = parse_yes_no(value)
        if answer is not None:
            return answer, *FINE
        if isinstance(value, str) and normalize_key(value) in NOT_APPLICABLE:
            return MARKED_UNKNOWN
        return unreadable("not a yes/no answer; set to unknown", IssueCode.NOT_YES_NO)

    parsed = parse_by_unique(raw, one)
    return dataclasses.replace(parsed, values=parsed.values.astype("boolean"))


def parse_dates(raw: pd.Series, date_order: str, *, keep_time: bool = False) -> Parsed:
    """A date column (dates, Excel serial numbers, "03/2025", ISO text) → datetime64; with
    ``keep_time`` the time of day is kept. Implausible serial numbers and impossible times
    of day become unknown with a warning (``read_date``)."""

    def one(value: object) -> Outcome:
        if isinstance(value, str) and normalize_key(value) in NOT_APPLICABLE:
            return MARKED_UNKNOWN
        stamp, problem = read_date(value, date_order, keep_time=keep_time)
        if problem is not None:
            return unreadable(problem.reason, problem.code)
        return stamp, *FINE

    parsed = parse_by_unique(raw, one)
    return dataclasses.replace(parsed, values=pd.to_datetime(parsed.values))
