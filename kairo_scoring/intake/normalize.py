"""Value normalisation: turn what people type in registers into canonical values.

Every parser works column-wise and parses each *distinct* value once (registers repeat
the same few answers thousands of times), so a 100,000-row column costs a handful of
Python calls, not 100,000. Parsers never raise on bad input: they return the value as
unknown together with a reason, a severity and a code the caller turns into an issue.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import fnmatch
import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kairo_scoring.intake.codes import IssueCode, Severity
from kairo_scoring.values import is_missing

# Answers that say "we do not know / does not apply": unknown, reported as info, not as an error.
NOT_APPLICABLE = frozenset(
    {"n/a", "na", "n.a", "n a", "not applicable", "-", "--", "?", "unknown", "tbd", "tbc", "not known", "nil"}
)
YES = frozenset({"yes", "y", "true", "t", "1", "x", "✓", "✔", "ja", "oui", "si", "done"})
NO = frozenset({"no", "n", "false", "f", "0", "nein", "non"})

_TYPOGRAPHY = str.maketrans(
    {"–": "-", "—": "-", "‐": "-", "‑": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " "}
)
# "a) No", "(b) Pilot", "c. Deployed": the lettered answer lists of agency templates.
_ANSWER_PREFIX = re.compile(r"^(?:\(?[a-z]\)|[a-z]\.)\s+")
_SEPARATORS = re.compile(r"[\s_\-]+")
_BRACKETED = re.compile(r"\[[^\]]*\]|\([^)]*\)")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# "4 - mostly", "3: partly", "5) fully": a number followed by its label. The lookahead stops
# "3.5" from reading as "3" labelled ".5" (a fraction must never be rounded down).
_LEADING_SCORE = re.compile(r"^([0-9]+(?:[.,][0-9]+)?)(?![.,]?[0-9])\s*(?:[-:).]\s*\S.*|\s+\S.*)$")
_US_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_SPACE_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:[ \u202f']\d{3})+(?:[.,]\d+)?$")
# One "." group alone ("1.234") is read as a decimal point, never as a thousands separator.
_EU_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:(?:\.\d{3}){2,}(?:,\d+)?|\.\d{3},\d+)$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
_PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$")
_MULTIPLIER = {"k": 1e3, "m": 1e6}
_CURRENCY = re.compile(r"[€$£¥₹]|\b(?:eur|usd|gbp|chf)\b")

EXCEL_EPOCH = pd.Timestamp("1899-12-30")
MAX_EXCEL_SERIAL = 2_958_465  # 9999-12-31


def normalize_header(header: object) -> str:
    """A column header reduced for matching: case, spacing, punctuation, line breaks and
    bracketed hints ("[Agency Abbrev.] – [#]", "(EUR)") do not count."""
    text = unicodedata.normalize("NFKC", str(header)).translate(_TYPOGRAPHY).lower()
    stripped = _NON_ALNUM.sub(" ", _BRACKETED.sub(" ", text)).strip()
    # A header that is nothing but a bracketed hint keeps its content.
    return stripped or _NON_ALNUM.sub(" ", text).strip()


def comparison_keys(texts: pd.Series) -> pd.Series:
    """Text reduced for equality tests on whole columns ("Invoice  TRIAGE." == "invoice triage"):
    case, spacing and punctuation do not count. Vectorised string operations only, so a
    100,000-row column of distinct names costs no Python call per row."""
    keys = nfc_texts(texts.astype("string")).str.lower().str.replace(_PUNCTUATION_RUN, " ", regex=True)
    return keys.str.strip()


_PUNCTUATION_RUN = r"[\s_.,;:!?'\"()\[\]{}/\\|\-–—‐‑’‘“”]+"

# Text values are kept in Unicode NFC, not NFKC. NFC only joins canonically equivalent
# spellings, which look the same and differ only in how a keyboard or a system composed
# them ("é" as one code point, or e + a combining accent as macOS and some web forms
# write it). NFKC would also fold characters that look different and that a register may
# mean apart ("P²" → "P2", "①" → "1", full-width "ＡＢ１" → "AB1"): it would rewrite IDs
# and merge distinct ones, a silent reinterpretation. (Answer lookups and number parsing
# use NFKC: they compare to a fixed vocabulary and keep nothing of the text.)
TEXT_FORM = "NFC"


def nfc_texts(texts: pd.Series) -> pd.Series:
    """Text values (an object or string column; other cells untouched) in ``TEXT_FORM``.
    ASCII is already normalised, so only the few non-ASCII values are rewritten."""
    try:
        # False only for text that is not ASCII: missing values and non-text cells give NA.
        non_ascii = texts.str.isascii().eq(False).fillna(False).to_numpy(dtype=bool)
    except AttributeError:  # an object column without a single text value
        return texts
    if not non_ascii.any():
        return texts
    positions = np.flatnonzero(non_ascii)
    normalised = texts.copy()
    normalised.iloc[positions] = texts.iloc[positions].str.normalize(TEXT_FORM).to_numpy(dtype=object)
    return normalised


def id_keys(ids: pd.Series) -> pd.Series:
    """Pilot IDs as compared for duplicates: one Unicode form (``TEXT_FORM``), case ignored."""
    return nfc_texts(ids.astype("string")).str.casefold()


def normalize_key(value: object) -> str:
    """An answer reduced for lookup in a value map: "a) Pre-deployment" → "pre deployment"."""
    text = unicodedata.normalize("NFKC", str(value)).translate(_TYPOGRAPHY).strip().lower()
    text = _ANSWER_PREFIX.sub("", text)
    return _SEPARATORS.sub(" ", text).strip(" .:;")


def parse_yes_no(value: object) -> bool | None:
    """Yes/no in its usual spellings ("Yes", "y", "TRUE", "x", "a) No", 1, 0); None if neither."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | float) and not is_missing(value):
        return {1: True, 0: False}.get(value)  # type: ignore[call-overload]
    key = normalize_key(value) if isinstance(value, str) else ""
    if key in YES:
        return True
    if key in NO:
        return False
    return None


def parse_number(value: object) -> float | None:
    """A number as typed: 1,234 · 1.234.567,5 · 1 234 · 12% (→ 0.12) · 2k · €1,500; None if not one."""
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
        return None if math.isnan(number) or math.isinf(number) else number
    if not isinstance(value, str):
        return None
    return _parse_number_text(value)


def _parse_number_text(value: str) -> float | None:
    text = _CURRENCY.sub("", unicodedata.normalize("NFKC", value).lower()).strip()
    scale = 1.0
    if text.endswith("%"):
        text, scale = text[:-1].strip(), 0.01
    elif text[-1:] in _MULTIPLIER and len(text) > 1 and text[-2].isdigit():
        text, scale = text[:-1], _MULTIPLIER[text[-1]]
    if _US_THOUSANDS.match(text):
        text = text.replace(",", "")
    elif _SPACE_THOUSANDS.match(text):
        text = re.sub(r"[ \u202f']", "", text).replace(",", ".")
    elif _EU_THOUSANDS.match(text):
        text = text.replace(".", "").replace(",", ".")
    elif _DECIMAL_COMMA.match(text):
        text = text.replace(",", ".")
    if not _PLAIN_NUMBER.match(text):
        return None
    number = float(text) * scale
    return None if math.isinf(number) else number


def parse_excel_date(value: object, date_order: str = "dmy") -> pd.Timestamp | None:
    """A date from an Excel cell or text: date/datetime, Excel serial number, a year alone
    (1900–2100, which as a serial would be a date in 1905), ISO text, "MM/YYYY", "Jul-25",
    "July 2025", or "d/m/yyyy" read in ``date_order`` ("dmy" or "mdy"); None if not a date,
    or not a plausible one (``read_date`` says why). A valid time of day is ignored."""
    return read_date(value, date_order)[0]


@dataclass(frozen=True)
class DateProblem:
    """Why a value is not read as a date: the sentence and its code."""

    reason: str
    code: IssueCode


def read_date(
    value: object, date_order: str = "dmy", *, keep_time: bool = False
) -> tuple[pd.Timestamp | None, DateProblem | None]:
    """``(date, None)``, or ``(None, why it is not read as one)``: nothing is reinterpreted
    silently. A bare number is a year (1900–2100) or an Excel serial number landing in
    ``SERIAL_DATE_RANGE`` (12 would be 1900-01-11: a day or a month typed in a date column);
    an impossible time of day ("25:00", "10:75") makes the whole value unknown rather than
    being cut off. ``keep_time`` keeps the time of day instead of dropping it."""
    if isinstance(value, dt.datetime | dt.date):  # pd.Timestamp is a datetime too
        stamp = pd.Timestamp(value)
        return (stamp if keep_time else stamp.normalize()), None
    if isinstance(value, str):
        return _read_date_text(value.strip(), date_order, keep_time)
    number = parse_number(value)
    if number is None:
        return None, NOT_A_DATE
    return _read_date_number(number, keep_time)


NOT_A_DATE = DateProblem("not a date; set to unknown", IssueCode.NOT_A_DATE)
YEAR_RANGE = (1900, 2100)
# Bare numbers read as Excel serial dates: a register's dates (pilots, go-lives, reviews)
# fall in this window, while a stray 12 or 202401 (a month, a yyyymm) would land in 1900 or 2454.
SERIAL_DATE_RANGE = (pd.Timestamp("1950-01-01"), pd.Timestamp("2100-12-31"))
_SERIAL_BOUNDS = tuple((day - EXCEL_EPOCH).days for day in SERIAL_DATE_RANGE)
_TIME_OF_DAY = re.compile(
    r"[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*([ap]m)?$",
    re.IGNORECASE,
)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1
    )
}


def _read_date_number(number: float, keep_time: bool) -> tuple[pd.Timestamp | None, DateProblem | None]:
    if number.is_integer() and YEAR_RANGE[0] <= number <= YEAR_RANGE[1]:
        return pd.Timestamp(year=int(number), month=1, day=1), None
    low, high = _SERIAL_BOUNDS
    if not low <= number < high + 1:
        first, last = (day.year for day in SERIAL_DATE_RANGE)
        window = f"numbers are read as dates from {first} to {last}"
        if 1 <= number <= MAX_EXCEL_SERIAL:
            as_serial = (EXCEL_EPOCH + pd.Timedelta(days=math.floor(number))).date().isoformat()
            window = f"as an Excel date number it would be {as_serial}; {window}"
        reason = f"{cell_text(number)} is not a plausible date ({window}); set to unknown"
        return None, DateProblem(reason, IssueCode.IMPLAUSIBLE_DATE)
    if keep_time:
        # Excel keeps the time as a fraction of a day: round away the float's last digits.
        return (EXCEL_EPOCH + pd.Timedelta(days=number)).round("s"), None
    return EXCEL_EPOCH + pd.Timedelta(days=math.floor(number)), None


def _read_date_text(
    text: str, date_order: str, keep_time: bool
) -> tuple[pd.Timestamp | None, DateProblem | None]:
    clock = _TIME_OF_DAY.search(text)
    offset = pd.Timedelta(0)
    if clock is not None:
        offset = _time_of_day(*clock.groups())
        if offset is None:
            reason = f"'{clock.group(0).strip()}' is not a valid time of day; set to unknown"
            return None, DateProblem(reason, IssueCode.IMPOSSIBLE_TIME)
        text = text[: clock.start()].strip()
    if re.fullmatch(r"[+-]?\d+(?:\.\d+)?", text):
        if clock is not None:
            return None, NOT_A_DATE
        return _read_date_number(float(text), keep_time)
    day = _parse_date_text(text, date_order)
    if day is None:
        return None, NOT_A_DATE
    return (day + offset if keep_time else day), None


def _time_of_day(
    hours: str, minutes: str, seconds: str | None, fraction: str | None, meridiem: str | None
) -> pd.Timedelta | None:
    """The time since midnight, or None when the clock cannot show it (25:00, 10:75, 13 pm)."""
    hour, minute, second = int(hours), int(minutes), int(seconds or 0)
    if meridiem is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem.lower() == "pm" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return pd.Timedelta(hours=hour, minutes=minute, seconds=second) + pd.Timedelta(f"0.{fraction or 0}s")


def _parse_date_text(text: str, date_order: str) -> pd.Timestamp | None:
    parts = [int(p) for p in re.findall(r"\d+", text)]
    month_name = re.fullmatch(r"([a-z]{3})[a-z]*\.?[ \-/']*(\d{2}|\d{4})", text.lower())
    if month_name and month_name.group(1) in _MONTHS:
        year = int(month_name.group(2))
        month, year, day = _MONTHS[month_name.group(1)], year + 2000 if year < 100 else year, 1
    elif re.fullmatch(r"\d{4}-\d{1,2}(?:-\d{1,2})?", text):
        year, month, day = (parts + [1])[:3]
    elif re.fullmatch(r"\d{1,2}[/.-]\d{4}", text):
        month, year, day = parts[0], parts[1], 1
    elif re.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}", text):
        first, second, year = parts
        day, month = (first, second) if date_order == "dmy" else (second, first)
    else:
        return None
    try:
        return pd.Timestamp(year=year, month=month, day=day)
    except ValueError:
        return None


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


def parse_by_unique(raw: pd.Series, parse_one: Callable[[object], Outcome]) -> Parsed:
    """Apply ``parse_one`` to each distinct non-missing value of ``raw`` and spread the results."""
    codes, uniques = _factorize(raw)
    return _spread(raw.index, codes, [parse_one(value) for value in uniques])


def _factorize(raw: pd.Series) -> tuple[np.ndarray, list[object]]:
    """A code per cell (-1 when missing) and the distinct values. Booleans are kept apart
    from the numbers they equal (True == 1, False == 0), so a FALSE cell never reads as 0."""
    is_bool = (
        raw.map(type).isin((bool, np.bool_)).to_numpy(dtype=bool)
        if raw.dtype == object
        else np.zeros(len(raw), dtype=bool)
    )
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


def _spread(index: pd.Index, codes: np.ndarray, outcomes: list[Outcome]) -> Parsed:
    # One small array per part of the outcome, taken by code: no per-row hashing, and no
    # per-row copies of a million-row column (the last slot, None, is what code -1 takes).
    def column(position: int) -> pd.Series:
        picked = np.empty(len(outcomes) + 1, dtype=object)
        for slot, outcome in enumerate(outcomes):
            picked[slot] = outcome[position]
        spread = pd.Series(picked[codes], index=index, dtype=object)
        return spread.where(spread.notna(), None)

    return Parsed(values=column(0), reasons=column(1), severity=column(2), codes=column(3))


def lookup_value_map(key: str, value_map: Mapping[str, object]) -> tuple[bool, object]:
    """Look ``key`` (already normalised) up in a value map: exact keys first, then glob
    patterns ("pre deployment*") in the order the profile lists them."""
    if key in value_map:
        return True, value_map[key]
    for pattern, target in value_map.items():
        if any(ch in pattern for ch in "*?[") and fnmatch.fnmatchcase(key, pattern):
            return True, target
    return False, None


def as_text(raw: pd.Series) -> pd.Series:
    """Cell values as display text: 34.0 → "34", dates → ISO, strings unchanged; missing → NA."""
    if isinstance(raw.dtype, pd.StringDtype):
        return raw.astype("string")
    texts = raw.astype(object)
    is_text = texts.map(type).eq(str)
    if is_text.all():
        return texts.astype("string")
    # Only the cells that are not already text (numbers, dates) go through cell_text.
    others = raw[~is_text]
    texts[~is_text] = parse_by_unique(others, lambda value: (cell_text(value), *FINE)).values
    return texts.astype("string")


def cell_text(value: object) -> str:
    """One cell as the text a user would see (integral floats without ".0")."""
    if isinstance(value, bool | np.bool_):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


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
    and, for counts (``whole``), when not a whole number."""

    def quantity_from_text(value: object) -> Outcome:
        if normalize_key(value) in NOT_APPLICABLE:
            return MARKED_UNKNOWN
        number = parse_number(value)
        if number is None:
            return unreadable("not a number; set to unknown", IssueCode.NOT_A_NUMBER)
        return number, *FINE

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


def parse_numbers(
    raw: pd.Series, from_text: Callable[[object], Outcome], rules: tuple[NumberRule, ...]
) -> Parsed:
    """Numbers vectorised; only the cells that are not plain numbers go through ``from_text``."""
    numbers = _coerce_numbers(raw)
    leftover = raw.notna() & numbers.isna()
    reasons = pd.Series(None, index=raw.index, dtype=object)
    severity = pd.Series(None, index=raw.index, dtype=object)
    codes = pd.Series(None, index=raw.index, dtype=object)
    if leftover.any():
        parsed = parse_by_unique(raw[leftover], from_text)
        numbers[leftover] = pd.to_numeric(parsed.values, errors="coerce").astype("float64")
        reasons[leftover], severity[leftover], codes[leftover] = parsed.reasons, parsed.severity, parsed.codes
    values = numbers.to_numpy(dtype="float64", copy=True)
    for rule in rules:
        with np.errstate(invalid="ignore"):
            failing = ~np.isnan(values) & rule.fails(values)
        reasons[failing] = rule.reason
        severity[failing] = Severity.WARNING
        codes[failing] = rule.code
        values[failing] = np.nan
    return Parsed(pd.Series(values, index=raw.index), reasons, severity, codes)


def _coerce_numbers(raw: pd.Series) -> pd.Series:
    if raw.dtype.kind in "fiu":
        numbers = raw.astype("float64")
    else:
        # Booleans and text are never numbers here; text goes through the per-value parser.
        plain = raw.where(raw.map(type).isin((int, float)), None) if raw.dtype == object else raw
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
        if found:
            return (None if target == "" else target, *FINE)
        if key in canonical:
            return canonical[key], *FINE
        if key in NOT_APPLICABLE:
            return MARKED_UNKNOWN
        reason = f"not a recognised {label.lower()} (allowed: {allowed_text}); set to unknown"
        return unreadable(reason, IssueCode.UNKNOWN_CATEGORY)

    parsed = parse_by_unique(raw, one)
    return dataclasses.replace(parsed, values=parsed.values.astype("string"))


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
