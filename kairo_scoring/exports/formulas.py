"""The formula guard every file for people shares (csv, xlsx, the deck's chart workbooks,
the assessment workbooks).

A spreadsheet evaluates a cell that starts with = + - @ (and some tools also tab, CR or
NUL) as a formula. Text from uploads can start that way, so every text cell that does is
written as text: in xlsx as a string cell with Excel's quote prefix (and xlsxwriter told not
to turn strings into formulas, links or numbers: `WORKBOOK_OPTIONS`), in csv with a leading
apostrophe (OWASP's advice for CSV injection)."""

from __future__ import annotations

import numpy as np
import pandas as pd

FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def _text_columns(frame: pd.DataFrame) -> list[str]:
    return [
        c
        for c in frame.columns
        if isinstance(frame[c].dtype, pd.StringDtype | pd.CategoricalDtype) or frame[c].dtype == object
    ]


def _risky(series: pd.Series) -> np.ndarray:
    text = series.astype("string")
    return text.str.slice(0, 1).isin(FORMULA_TRIGGERS).fillna(False).to_numpy(bool)


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy in which every text cell that a spreadsheet would run as a formula starts with an apostrophe."""
    out = frame.copy()
    for column in _text_columns(out):
        risky = _risky(out[column])
        if risky.any():
            text = out[column].astype("string")
            out[column] = text.where(~risky, "'" + text)
    return out


def _neutral_label(column: object) -> str:
    text = str(column)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text
