"""Numbers as people type them: thousands separators, decimal commas, %, k/m, currency.

"1.000" and "1,500" read 1000× apart with a decimal point or a decimal comma, so a column's
convention is decided from all its values (``decimal_convention``): a value only one
convention reads ("12.000,50", "1.5", "1,234,567") is evidence; a value both read differently
(``is_ambiguous_number``) follows the column's evidence, and is unknown without it."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable

import numpy as np

_US_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_SPACE_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:[ \u202f']\d{3})+(?:[.,]\d+)?$")
# One "." group alone ("1.234") is read as a decimal point, never as a thousands separator.
_EU_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:(?:\.\d{3}){2,}(?:,\d+)?|\.\d{3},\d+)$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
_PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$")
_MULTIPLIER = {"k": 1e3, "m": 1e6}
_CURRENCY = re.compile(r"[€$£¥₹]|\b(?:eur|usd|gbp|chf)\b")


DECIMAL_POINT, DECIMAL_COMMA = "point", "comma"
# "1.000", "1,500", "-12.345": one separator and exactly three digits after it.
_AMBIGUOUS = re.compile(r"^[+-]?\d{1,3}[.,]\d{3}$")
# Read by a decimal point only: 1,234,567 · 1,234.5 · 1.5 · 1234.567 · 0.125
_POINT_ONLY = re.compile(
    r"^[+-]?(?:\d{1,3}(?:,\d{3}){2,}|\d{1,3}(?:,\d{3})+\.\d+|\d*\.\d{1,2}|\d*\.\d{4,}|\d{4,}\.\d+)$"
)
# Read by a decimal comma only: 1.234.567 · 1.234,5 · 3,5 · 1234,567 · 0,125
_COMMA_ONLY = re.compile(
    r"^[+-]?(?:\d{1,3}(?:\.\d{3}){2,}|\d{1,3}(?:\.\d{3})+,\d+|\d*,\d{1,2}|\d*,\d{4,}|\d{4,},\d+)$"
)


def parse_number(value: object, convention: str | None = None) -> float | None:
    """A number as typed: 1,234 · 1.234.567,5 · 1 234 · 12% (→ 0.12) · 2k · €1,500; None if not one.

    ``convention`` (``DECIMAL_POINT`` or ``DECIMAL_COMMA``, from ``decimal_convention``) reads
    an ambiguous value as its column does; without it a lone "1.234" is a decimal (1.234) and
    "1,234" a thousand and more (1234)."""
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
        return None if math.isnan(number) or math.isinf(number) else number
    if not isinstance(value, str):
        return None
    return _parse_number_text(value, convention)


def _bare_number(value: str) -> tuple[str, float]:
    """The text without currency, spaces, % or k/m, and the scale they stand for."""
    text = _CURRENCY.sub("", unicodedata.normalize("NFKC", value).lower()).strip()
    scale = 1.0
    if text.endswith("%"):
        text, scale = text[:-1].strip(), 0.01
    elif text[-1:] in _MULTIPLIER and len(text) > 1 and text[-2].isdigit():
        text, scale = text[:-1], _MULTIPLIER[text[-1]]
    return text, scale


def is_ambiguous_number(value: object) -> bool:
    """Whether a text reads 1000× apart by convention: "1.000" (1 or 1000), "1,500"."""
    return isinstance(value, str) and _AMBIGUOUS.match(_bare_number(value)[0]) is not None


def decimal_convention(values: Iterable[object]) -> tuple[str | None, tuple[int, int]]:
    """The decimal convention the texts of one column agree on, and the evidence counted
    (values only a decimal point reads, values only a decimal comma reads). None when there
    is no evidence, or when both conventions occur: then ambiguous values stay unknown."""
    point = comma = 0
    for value in values:
        if not isinstance(value, str) or _without_separator(value):
            continue
        text = _bare_number(value)[0]
        if _POINT_ONLY.match(text):
            point += 1
        elif _COMMA_ONLY.match(text):
            comma += 1
    if point and not comma:
        return DECIMAL_POINT, (point, comma)
    if comma and not point:
        return DECIMAL_COMMA, (point, comma)
    return None, (point, comma)


def _without_separator(value: str) -> bool:
    """Whether a text can be no evidence for a convention without a look at it: ASCII (which
    NFKC leaves alone) with neither "." nor ",", the evidence patterns' separators (most
    texts of a count column: "1200")."""
    return value.isascii() and "." not in value and "," not in value


def _parse_number_text(value: str, convention: str | None = None) -> float | None:
    text, scale = _bare_number(value)
    if convention is not None and _AMBIGUOUS.match(text):
        text = (
            text.replace(",", "") if convention == DECIMAL_POINT else text.replace(".", "").replace(",", ".")
        )
    elif _US_THOUSANDS.match(text):
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
