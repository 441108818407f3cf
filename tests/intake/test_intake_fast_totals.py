"""`totals_rows` runs the totals pattern only on the names that hold the word "total" (found
in Arrow for the whole column); it finds the same rows as the pattern run on every name
(``_totals_rows_by_every_name`` below, the code it replaced), whatever the case, spacing,
Unicode look-alikes and types of the cells."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kairo_scoring.intake.table import _TOTALS_FIRST, _TOTALS_LABEL, SourceTable, totals_rows


def _totals_rows_by_every_name(table, name_column, id_column):
    cells = table.cells
    if cells.empty or name_column not in cells.columns:
        return cells.index[:0]
    names = cells[name_column]
    named = names.notna()
    label = pd.Series(False, index=cells.index)
    texts = names[named].astype(str)
    label[named] = texts.str.fullmatch(_TOTALS_LABEL).to_numpy(dtype=bool)
    unnamed = cells[~named]
    if len(unnamed):
        first = unnamed.bfill(axis=1).iloc[:, 0]
        first_text = first.where(first.map(type).eq(str))
        found = first_text.dropna().astype(str).str.match(_TOTALS_FIRST)
        label[found.index[found.to_numpy(dtype=bool)]] = True
    if id_column is not None and id_column in cells.columns:
        label &= cells[id_column].isna()
    return cells.index[label.to_numpy(dtype=bool)]


def _table(cells: pd.DataFrame) -> SourceTable:
    columns = tuple(cells.columns)
    return SourceTable(None, 1, columns, dict.fromkeys(columns, "A"), cells, cells, 0)


# Totals labels and near misses in any case, with the characters case-insensitive matching
# treats specially (long s, Kelvin sign, dotless i, Turkish İ) and Unicode spaces.
WORDS = st.sampled_from(
    ["total", "Total", "TOTAL", "totals", "Sub-total", "subtotal", "SUB TOTAL", "Grand total", "grand  Totals",
     "Total:", "total :", "ſub-total", "ſum", "sum", "Sum", "TOTAL\u00a0", "\u2003total", "Totally", "tota l",
     "Total Rewards bot", "Total Finance", "İtotal", "ı", "K", "Ⅼ", ""]
)  # fmt: skip
NAMES = st.one_of(
    st.lists(WORDS, min_size=1, max_size=3).map(" ".join),
    st.lists(WORDS, min_size=1, max_size=2).map("".join),
    st.text(alphabet="TtOoAaLlSsUuBb :-\u00a0ſ", max_size=9),
    st.sampled_from([None, math.nan, 7, 2.5, True, dt.date(2025, 1, 1)]),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(st.tuples(NAMES, NAMES, st.sampled_from([None, "P-1", 3])), max_size=15),
    with_id=st.booleans(),
)
def test_totals_found_by_the_worded_names_equal_the_pattern_on_every_name(rows, with_id):
    cells = pd.DataFrame(rows, columns=["Unit", "Name", "ID"], dtype=object)
    cells.index = pd.RangeIndex(len(cells)) + 5  # Excel rows, as the table keeps them
    id_column = "ID" if with_id else None
    found = totals_rows(_table(cells), "Name", id_column)
    pd.testing.assert_index_equal(found, _totals_rows_by_every_name(_table(cells), "Name", id_column))


def test_a_large_register_with_a_few_totals_rows():
    names = [f"Pilot {i}" for i in range(5000)]
    names[10], names[20], names[30], names[40] = "Total", "Sub-total:", "Total Rewards bot", "GRAND TOTALS"
    cells = pd.DataFrame({"Name": names, "ID": [None] * 5000}, dtype=object)
    cells.index = pd.RangeIndex(5000) + 2
    found = totals_rows(_table(cells), "Name", "ID")
    assert found.tolist() == [12, 22, 42]
    np.testing.assert_array_equal(found, _totals_rows_by_every_name(_table(cells), "Name", "ID"))
