"""Small value helpers every layer shares: what counts as missing or blank, a plain Python
value from a pandas or numpy cell, spreadsheet column letters, a number as plain text.

Each exists once, here at the bottom layer, so that intake, the views and the pages agree
on what an empty cell is.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd


def is_missing(value: Any) -> bool:
    """True for None, pandas' NA and NaT, and a float NaN (Python or numpy)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def is_blank(value: Any) -> bool:
    """Missing, or text that is empty or only spaces: a cell with nothing a user would read."""
    return is_missing(value) or (isinstance(value, str) and not value.strip())


def plain(value: Any) -> Any:
    """The value as a plain Python object: None when missing, numpy scalars as int/float/bool."""
    if is_missing(value):
        return None
    return value.item() if isinstance(value, np.generic) else value


def column_letter(index: int) -> str:
    """Spreadsheet column letters for a 0-based index: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def number_text(value: float) -> str:
    """A number as plain text: whole numbers without decimals ('1,000'), others with two ('0.35')."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


__all__ = ["column_letter", "is_blank", "is_missing", "number_text", "plain"]
