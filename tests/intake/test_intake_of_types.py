"""`of_types` (one array of exact-type tests) equals ``Series.map(type).isin(types)``."""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from kairo_scoring.intake.normalize.unique import _spread, of_types

CELLS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=4),
    st.just(np.bool_(True)),
    st.just(np.float64(2.5)),
    st.just(np.int64(3)),
    st.just(datetime.datetime(2025, 1, 2)),
    st.just(pd.NA),
)
TYPES = st.sampled_from([frozenset({bool, np.bool_}), frozenset({int, float}), frozenset({str})])


@settings(max_examples=200, deadline=None)
@given(cells=st.lists(CELLS, max_size=25), types=TYPES)
def test_of_types_equals_map_type_isin(cells, types):
    raw = pd.Series(cells, dtype=object, index=np.arange(len(cells)) * 3)  # not a range index
    expected = raw.map(type).isin(tuple(types)).to_numpy(dtype=bool)
    assert of_types(raw, types).tolist() == expected.tolist()


def _spread_then_blank(index, codes, outcomes, position):
    """How ``_spread`` made a column before: spread over the rows, then missing → None."""
    picked = np.empty(len(outcomes) + 1, dtype=object)
    for slot, outcome in enumerate(outcomes):
        picked[slot] = outcome[position]
    spread = pd.Series(picked[codes], index=index, dtype=object)
    return spread.where(spread.notna(), None)


@settings(max_examples=150, deadline=None)
@given(outcomes=st.lists(st.tuples(CELLS, CELLS), max_size=6), data=st.data())
def test_blanking_the_distinct_outcomes_equals_blanking_the_spread_rows(outcomes, data):
    codes = np.array(data.draw(st.lists(st.integers(-1, len(outcomes) - 1), max_size=20)), dtype=np.intp)
    index = pd.RangeIndex(len(codes)) + 2
    outcomes = [(value, reason, None, None) for value, reason in outcomes]
    parsed = _spread(index, codes, outcomes)
    for position, part in enumerate((parsed.values, parsed.reasons)):
        pd.testing.assert_series_equal(part, _spread_then_blank(index, codes, outcomes, position))


@settings(max_examples=100, deadline=None)
@given(
    kinds=st.lists(
        st.sampled_from([None, "a", 1, 2.5, True, np.bool_(False), pd.NA]), min_size=1, max_size=3
    ),
    size=st.integers(0, 400),
    types=TYPES,
)
def test_a_column_of_few_types_is_answered_by_its_set_of_types_as_cell_by_cell(kinds, size, types):
    """A column of one or two types (every csv column: texts and None) takes the set-of-types
    answer (all true, or all false); it equals the per-cell test."""
    raw = pd.Series([kinds[i % len(kinds)] for i in range(size)], dtype=object)
    expected = raw.map(type).isin(tuple(types)).to_numpy(dtype=bool)
    assert of_types(raw, types).tolist() == expected.tolist()
