"""`plain_quantity` (the one-step reading of digit and comma-grouped texts in a number column)
gives exactly what the general per-value reading `read_quantity` gives, for every convention."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kairo_scoring.intake.normalize import columns
from kairo_scoring.intake.normalize.columns import parse_quantities, plain_quantity, read_quantity
from kairo_scoring.intake.normalize.numbers import DECIMAL_COMMA, DECIMAL_POINT

CONVENTIONS = (None, DECIMAL_POINT, DECIMAL_COMMA)
EVIDENCE = st.tuples(st.integers(0, 3), st.integers(0, 3))
# Texts near the shapes the fast path takes: digits, commas, and a few characters that must
# send a text to the general reading (a point, a space, a sign, a non-ASCII digit).
NEAR = st.text(alphabet="0123456789,,,.  -+%k٣", min_size=1, max_size=14)
GROUPED = st.builds(
    lambda lead, groups: lead + "".join(f",{g:03d}" for g in groups),
    st.integers(0, 999).map(str),
    st.lists(st.integers(0, 999), min_size=0, max_size=4),
)


@settings(max_examples=600, deadline=None)
@given(
    text=st.one_of(NEAR, GROUPED),
    convention=st.sampled_from(CONVENTIONS),
    whole=st.booleans(),
    evidence=EVIDENCE,
)
def test_the_one_step_reading_equals_the_general_one(text, convention, whole, evidence):
    fast = plain_quantity(text, convention, whole)
    if fast is None:
        return  # left to the general reading
    assert read_quantity(text, convention, evidence, whole) == (fast, None, None, None)


@pytest.mark.parametrize(
    ("text", "convention", "whole", "expected"),
    [
        ("1234", None, False, 1234.0),
        ("0012", DECIMAL_COMMA, True, 12.0),
        ("1,234,567", DECIMAL_COMMA, False, 1234567.0),
        ("1,234", DECIMAL_POINT, False, 1234.0),
        ("1,234", DECIMAL_COMMA, True, 1.234),
        ("1,200", None, True, 1200.0),
        ("1,000", None, True, None),  # 1000 and 1 are both whole: the general reading says so
        ("1,234", None, False, None),  # ambiguous without a convention
        ("1.234", DECIMAL_POINT, False, None),
        ("٣", None, False, None),
        ("9" * 301, None, False, None),
    ],
)
def test_which_texts_take_the_one_step_reading(text, convention, whole, expected):
    assert plain_quantity(text, convention, whole) == expected


@settings(max_examples=150, deadline=None)
@given(
    cells=st.lists(
        st.one_of(NEAR, GROUPED, st.sampled_from(["n/a", "1.5", "3,5", "12 k", "€1,500"])), max_size=12
    ),
    whole=st.booleans(),
)
def test_a_column_reads_the_same_with_and_without_the_one_step_reading(cells, whole):
    raw = pd.Series(cells, dtype=object)
    fast = parse_quantities(raw, 0, whole=whole)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(columns, "plain_quantity", lambda *_: None)
        general = parse_quantities(raw, 0, whole=whole)
    for part in ("values", "reasons", "severity", "codes"):
        pd.testing.assert_series_equal(getattr(fast, part), getattr(general, part))
