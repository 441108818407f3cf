"""Dates as registers hold them: Excel serials, years, ISO and day/month text, with why not."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

import pandas as pd

from kairo_scoring.intake.codes import IssueCode
from kairo_scoring.intake.normalize.numbers import parse_number
from kairo_scoring.intake.normalize.text import cell_text

EXCEL_EPOCH = pd.Timestamp("1899-12-30")
MAX_EXCEL_SERIAL = 2_958_465  # 9999-12-31


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
