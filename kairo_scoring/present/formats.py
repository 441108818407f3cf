"""Every number format people read: money (with the portfolio's currency), counts with
their noun ('1 pilot', '2,400 pilots'), percentages and scores. Pages, figures, the HTML
summary, the xlsx export and the CLI use these and write no format of their own."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
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


def decimal_text(value: Any) -> str:
    """A plain decimal with the digits it has, up to six significant: 1.3 → '1.3', 0.999 →
    '0.999', 2.0 → '2'; 'unknown' when missing."""
    return MISSING if is_missing(value) else f"{float(value):.6g}"


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
    if short:
        return value if known >= total else f"{value} ({span})"
    return f"{value} ({readiness_basis(row)})"


def readiness_basis(row: Mapping[str, Any]) -> str:
    """What a readiness score rests on, from a scored row: 'from 2 of 8 answers; 40–85 with
    the rest', 'from all 8 answers'; '' for a row scored before the range existed."""
    if any(is_missing(row.get(c)) for c in ("readiness_low", "readiness_high", "readiness_answers")):
        return ""
    known, total = int(row["readiness_answers"]), int(row["readiness_answers_total"])
    if known >= total:
        return f"from all {count_phrase(total, 'answer')}"
    span = f"{score_text(row['readiness_low'])}–{score_text(row['readiness_high'])}"
    return f"from {count(known)} of {count_phrase(total, 'answer')}; {span} with the rest"


def readiness_texts(table: pd.DataFrame, *, short: bool = True) -> pd.Series:
    """`readiness_phrase` for every row of a scored table (short by default, for a table
    column or a chart's hover), indexed like the table."""
    columns = [c for c in ("readiness", "readiness_low", "readiness_high", "readiness_answers",
                           "readiness_answers_total") if c in table.columns]  # fmt: skip
    rows = table[columns].to_dict("records")
    return pd.Series([readiness_phrase(row, short=short) for row in rows], index=table.index, dtype="string")


def readiness_basis_texts(table: pd.DataFrame) -> pd.Series:
    """`readiness_basis` for every row of a scored table (a table's "basis" column beside the
    sortable readiness score), indexed like the table."""
    columns = [c for c in ("readiness_low", "readiness_high", "readiness_answers", "readiness_answers_total")
               if c in table.columns]  # fmt: skip
    rows = table[columns].to_dict("records")
    return pd.Series([readiness_basis(row) for row in rows], index=table.index, dtype="string")


def readiness_change_summary(deltas: pd.Series) -> str:
    """One line on how readiness moved between two snapshots ('' when no pilot is in both
    with readiness known): '1 pilot in both snapshots: median change +4.0 points, 1 up, 0 down.'"""
    if deltas.empty:
        return ""
    return (
        f"{count_phrase(len(deltas), 'pilot')} in both snapshots: median change {deltas.median():+.1f} points, "
        f"{count(int((deltas > 0).sum()))} up, {count(int((deltas < 0).sum()))} down."
    )


# Month names for dates people read: fixed, so a date reads the same on every machine (not %b).
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _day(value: Any) -> date | None:
    return None if is_missing(value) else pd.Timestamp(value).date()


def day_text(value: Any) -> str:
    """A date as people read it: '30 Sep 2025'; 'unknown' when missing."""
    day = _day(value)
    return MISSING if day is None else f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def quarter_text(value: Any) -> str:
    """The calendar quarter a date falls in: 2025-09-30 → '2025-Q3'; 'unknown' when missing."""
    day = _day(value)
    return MISSING if day is None else f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def as_of_text(value: Any) -> str:
    """'as of 30 Sep 2025': the date a snapshot's data describes."""
    return f"as of {day_text(value)}"


def imported_text(value: Any) -> str:
    """'imported 1 Dec 2026 14:05 UTC': when a snapshot was stored (a naive time counts as UTC)."""
    if is_missing(value):
        return f"imported {MISSING}"
    when = pd.Timestamp(value)
    when = when.tz_localize("UTC") if when.tzinfo is None else when.tz_convert("UTC")
    return f"imported {day_text(when)} {when:%H:%M} UTC"


def time_text(value: Any) -> str:
    """A moment as people read it: '1 Dec 2026 14:05 UTC' (a naive time counts as UTC); 'unknown' when missing."""
    if is_missing(value):
        return MISSING
    when = pd.Timestamp(value)
    when = when.tz_localize("UTC") if when.tzinfo is None else when.tz_convert("UTC")
    return f"{day_text(when)} {when:%H:%M} UTC"


def snapshot_label(snapshot_id: int, as_of: Any, source_name: str | None = None) -> str:
    """A snapshot as every page and the CLI name it, its as-of date first:
    '2025-Q3 · as of 30 Sep 2025 · register.xlsx · #3' (without the file when no source is given,
    as in presentation mode, where file names are not shown)."""
    parts = [quarter_text(as_of), as_of_text(as_of)]
    if source_name:
        parts.append(source_name)
    return " · ".join([*parts, f"#{int(snapshot_id)}"])


def snapshot_short_label(snapshot_id: int, as_of: Any) -> str:
    """A snapshot on a chart's axis: '2025-Q3 · 30 Sep · #3' (unique per snapshot)."""
    day = _day(as_of)
    when = MISSING if day is None else f"{day.day} {MONTHS[day.month - 1]}"
    return f"{quarter_text(as_of)} · {when} · #{int(snapshot_id)}"


__all__ = [
    "time_text",
    "count",
    "count_phrase",
    "money",
    "percent",
    "readiness_change_summary",
    "readiness_basis",
    "readiness_basis_texts",
    "readiness_phrase",
    "readiness_texts",
    "score_text",
    "decimal_text",
    "as_of_text",
    "day_text",
    "imported_text",
    "snapshot_label",
    "snapshot_short_label",
]
