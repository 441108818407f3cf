"""The table's and the number columns' fast paths give what their general paths give:
``_clean_cells`` (each distinct value cleaned once) equals ``_clean_each_cell`` (every cell),
with the filled mask ``notna`` gives; ``_numbers_from_texts`` (a column of texts, parsed per
distinct text) equals ``_numbers_from_cells``."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kairo_scoring.intake.limits import IntakeLimits
from kairo_scoring.intake.normalize import columns
from kairo_scoring.intake.normalize.columns import parse_quantities, parse_scores
from kairo_scoring.intake.readers import RawSheet
from kairo_scoring.intake.table import _clean_cells, _clean_each_cell, build_table

TEXTS = st.text(alphabet="ab 1,.\t\u00a0\u2003e\u0301é\x1c\u3000-n/", max_size=6)
CELLS = st.one_of(
    TEXTS,
    TEXTS,
    st.none(),
    st.just(math.nan),
    st.just(pd.NaT),
    st.integers(-3, 3),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.just(np.float64(2.0)),
    st.just(dt.datetime(2025, 3, 1)),
    st.just(dt.date(2025, 3, 1)),
)


def _assert_same_cells(fast: pd.DataFrame, general: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(fast, general)
    # Equal also by type, cell by cell (assert_frame_equal lets 1 == 1.0 == True pass).
    for a, b in zip(fast.to_numpy().ravel(), general.to_numpy().ravel(), strict=True):
        assert type(a) is type(b)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(width=st.integers(1, 4), data=st.data())
def test_cleaning_distinct_values_equals_cleaning_every_cell(width, data):
    rows = data.draw(st.lists(st.lists(CELLS, min_size=width, max_size=width), max_size=12))
    original = pd.DataFrame(rows, dtype=object).reindex(columns=range(width))
    fast, filled = _clean_cells(original)
    general, general_filled = _clean_each_cell(original)
    _assert_same_cells(fast, general)
    np.testing.assert_array_equal(filled, general_filled)
    np.testing.assert_array_equal(filled, general.notna().to_numpy())


def test_an_unhashable_cell_is_cleaned_cell_by_cell():
    original = pd.DataFrame([[" a ", ["x"]], ["", "b"]], dtype=object)
    cells, filled = _clean_cells(original)
    assert cells.iloc[0, 0] == "a" and cells.iloc[0, 1] == ["x"] and cells.iloc[1, 0] is None
    assert filled.tolist() == [[True, True], [False, True]]


def test_build_table_drops_blank_rows_and_columns_as_before():
    sheet = RawSheet(
        name="",
        rows=[["id", "name", ""], ["P-1", " a ", "  "], ["", " ", None], ["P-2", "b", ""], [None, "", ""]],
    )
    table = build_table(sheet, 0, IntakeLimits())
    assert table.columns == ("id", "name")
    assert table.cells.index.tolist() == [2, 4]
    assert table.cells.to_numpy().tolist() == [["P-1", "a"], ["P-2", "b"]]
    assert table.empty_rows == 1


NUMBER_TEXTS = st.one_of(
    st.sampled_from(
        ["1", "3", "4 - mostly", "n/a", "", "5.5", "1,234", "1.000", "2k", "0", "-1", "abc", "3,5", "7"]
    ),
    st.text(alphabet="0123456789,. -k%n/a", max_size=6),
)


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(st.one_of(NUMBER_TEXTS, st.none()), max_size=20), whole=st.booleans())
def test_a_column_of_texts_reads_the_same_by_distinct_text(texts, whole):
    raw = pd.Series(texts, index=pd.RangeIndex(2, 2 + len(texts)), dtype=object)

    def readings():
        return parse_scores(raw, {"high": 4}), parse_quantities(raw, 0, whole)

    fast = readings()
    original = columns._numbers_from_texts
    columns._numbers_from_texts = columns._numbers_from_cells
    try:
        general = readings()
    finally:
        columns._numbers_from_texts = original
    for a, b in zip(fast, general, strict=True):
        for part in ("values", "reasons", "severity", "codes"):
            pd.testing.assert_series_equal(getattr(a, part), getattr(b, part))
