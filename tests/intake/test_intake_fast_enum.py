"""A category column's values are converted to text once per distinct value and then taken by
code (``_spread(..., values_dtype="string")``); that equals converting every row
(``.astype("string")``), as ``parse_enum`` did, on any outcomes and codes, and on whole columns."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from kairo_scoring.intake.mapping import load_mapping
from kairo_scoring.intake.normalize import parse_enum
from kairo_scoring.intake.normalize.unique import _factorize, _spread
from kairo_scoring.schema import FIELD_BY_NAME

VALUES = st.one_of(
    st.none(), st.just(math.nan), st.just(pd.NA), st.text(max_size=3), st.sampled_from(["pilot", "idea"])
)


@settings(max_examples=200, deadline=None)
@given(values=st.lists(VALUES, max_size=6), data=st.data())
def test_values_converted_per_distinct_value_equal_values_converted_per_row(values, data):
    codes = np.array(data.draw(st.lists(st.integers(-1, len(values) - 1), max_size=20)), dtype=np.intp)
    index = pd.RangeIndex(len(codes)) + 2
    outcomes = [(value, None, None, None) for value in values]
    fast = _spread(index, codes, outcomes, "string")
    general = _spread(index, codes, outcomes)
    pd.testing.assert_series_equal(fast.values, general.values.astype("string"))
    pd.testing.assert_series_equal(fast.reasons, general.reasons)


ANSWERS = st.sampled_from(
    ["Pilot", "pilot", " PILOT", "idea", "prod", "n/a", "retired", "x", None, 3, True, math.nan]
)


@settings(max_examples=100, deadline=None)
@given(cells=st.lists(ANSWERS, max_size=30))
def test_a_stage_column_reads_as_before(cells):
    raw = pd.Series(cells, dtype=object, index=pd.RangeIndex(len(cells)) + 2)
    spec = FIELD_BY_NAME["stage"]
    profile = load_mapping("canonical")
    parsed = parse_enum(raw, spec.allowed, profile.value_map("stage"), spec.label)
    # The general path: the same outcomes spread as objects, then every row converted.
    codes, uniques = _factorize(raw)
    outcomes = [
        parse_enum(pd.Series([u], dtype=object), spec.allowed, profile.value_map("stage"), spec.label)
        for u in uniques
    ]
    general = _spread(
        raw.index, codes, [(o.values[0], o.reasons[0], o.severity[0], o.codes[0]) for o in outcomes]
    )
    pd.testing.assert_series_equal(parsed.values, general.values.astype("string"))
    assert parsed.values.dtype == "string"
