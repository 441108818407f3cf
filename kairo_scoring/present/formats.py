"""Every number format people read: money (with the portfolio's currency), counts with
their noun ('1 pilot', '2,400 pilots'), percentages and scores. Pages, figures, the HTML
summary, the xlsx export and the CLI use these and write no format of their own."""

from __future__ import annotations

from typing import Any

from kairo_scoring.values import is_missing

MISSING = "unknown"
# Nouns whose plural is not the noun plus 's'.
PLURALS: dict[str, str] = {"entry": "entries", "person": "people", "this": "these"}


def money(value: Any, currency: str = "", *, compact: bool = True) -> str:
    """1234567 → 'USD 1.23M' (compact: 3 significant figures from a thousand up) or
    'USD 1,234,567'; "unknown" when unknown. Without a currency the bare amount."""
    if is_missing(value):
        return MISSING
    value = float(value)
    amount = f"{value:,.0f}"
    if compact:
        for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
            if abs(value) >= size:
                scaled = value / size
                digits = 2 if abs(scaled) < 10 else 1 if abs(scaled) < 100 else 0
                amount = f"{scaled:,.{digits}f}{suffix}"
                break
    return f"{currency} {amount}" if currency else amount


def count(n: int | float) -> str:
    """A whole count with thousands separators: 12345 → '12,345'."""
    return f"{int(n):,}"


def plural(noun: str, n: int | float) -> str:
    """The noun for `n` of it: 'pilot' for 1, 'pilots' otherwise (irregular ones in PLURALS)."""
    if int(n) == 1:
        return noun
    return PLURALS.get(noun, noun + "s")


def count_phrase(n: int | float, noun: str) -> str:
    """'1 pilot', '2,400 pilots', '0 rows'."""
    return f"{count(n)} {plural(noun, n)}"


def percent(share: Any) -> str:
    """A share 0..1 as a whole percent: 0.3 → "30%"; "unknown" when unknown."""
    return MISSING if is_missing(share) else f"{float(share):.0%}"


def score_text(value: Any) -> str:
    """A 0–100 score as a whole number: 66.6 → '67'; 'unknown' when missing."""
    return "unknown" if is_missing(value) else f"{float(value):.0f}"


__all__ = ["count", "count_phrase", "money", "percent", "score_text"]
