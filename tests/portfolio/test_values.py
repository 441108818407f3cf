"""The shared value helpers (kairo_scoring/values.py): one answer to "is this cell empty?"
for intake, the views and the pages alike."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kairo_scoring import column_letter, is_blank, is_missing, number_text, plain


@pytest.mark.parametrize("value", [None, pd.NA, pd.NaT, float("nan"), np.float64("nan"), np.float32("nan")])
def test_missing_values(value):
    assert is_missing(value) and is_blank(value) and plain(value) is None


@pytest.mark.parametrize("value", [0, 0.0, "", " ", "x", False, np.int64(0), float("inf")])
def test_values_that_are_not_missing(value):
    assert not is_missing(value)


@pytest.mark.parametrize(
    ("value", "blank"), [("", True), ("  \t", True), ("x", False), (" x ", False), (0, False)]
)
def test_blank_is_missing_or_only_spaces(value, blank):
    assert is_blank(value) is blank


def test_plain_gives_python_scalars():
    assert plain(np.int64(3)) == 3 and type(plain(np.int64(3))) is int
    assert type(plain(np.float64(2.5))) is float and type(plain(np.bool_(True))) is bool
    assert plain("low") == "low" and plain(4) == 4


def test_column_letters():
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702, 16383)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
        "XFD",
    ]


def test_number_text():
    assert (number_text(1000), number_text(2.0), number_text(0.35), number_text(1234.5)) == (
        "1,000",
        "2",
        "0.35",
        "1,234.50",
    )
