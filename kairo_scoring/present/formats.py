"""Every number format people read: money (with the portfolio's currency), counts with
their noun ('1 pilot', '2,400 pilots'), percentages and scores. Pages, figures, the HTML
summary, the xlsx export and the CLI use these and write no format of their own."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

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


def readiness_phrase(row: Mapping[str, Any], *, short: bool = False) -> str:
    """Readiness with its basis and the range the unknown answers allow, from a scored row.

    '62 (from 2 of 8 answers; 40–85 with the rest)', '62 (from all 8 answers)',
    'unknown (from 0 of 8 answers; 0–100 with the rest)'. `short` is the form for tables
    and charts: '62 (40–85)', or '62' when every answer is known. A row scored before the
    range existed reads as its bare score.
    """
    value = score_text(row.get("readiness"))
    if any(is_missing(row.get(c)) for c in ("readiness_low", "readiness_high", "readiness_answers")):
        return value
    known, total = int(row["readiness_answers"]), int(row["readiness_answers_total"])
    span = f"{score_text(row['readiness_low'])}–{score_text(row['readiness_high'])}"
    if known >= total:
        return value if short else f"{value} (from all {count_phrase(total, 'answer')})"
    if short:
        return f"{value} ({span})"
    return f"{value} (from {count(known)} of {count_phrase(total, 'answer')}; {span} with the rest)"


def readiness_texts(table: pd.DataFrame, *, short: bool = True) -> pd.Series:
    """`readiness_phrase` for every row of a scored table (short by default, for a table
    column or a chart's hover), indexed like the table."""
    columns = [c for c in ("readiness", "readiness_low", "readiness_high", "readiness_answers",
                           "readiness_answers_total") if c in table.columns]  # fmt: skip
    rows = table[columns].to_dict("records")
    return pd.Series([readiness_phrase(row, short=short) for row in rows], index=table.index, dtype="string")


def readiness_change_summary(deltas: pd.Series) -> str:
    """One line on how readiness moved between two snapshots ('' when no pilot is in both
    with readiness known): '1 pilot in both snapshots: median change +4.0 points, 1 up, 0 down.'"""
    if deltas.empty:
        return ""
    return (
        f"{count_phrase(len(deltas), 'pilot')} in both snapshots: median change {deltas.median():+.1f} points, "
        f"{count(int((deltas > 0).sum()))} up, {count(int((deltas < 0).sum()))} down."
    )


__all__ = [
    "count",
    "count_phrase",
    "money",
    "percent",
    "readiness_change_summary",
    "readiness_phrase",
    "readiness_texts",
    "score_text",
]
