"""`decimal_convention` passes over the ASCII texts without "." or "," unread; it counts the
same evidence as reading every text (``_convention_reading_every_text`` below, the loop it
replaced), on texts of digits, separators, full-width and other look-alike separators, signs,
currency, k/m and %."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kairo_scoring.intake.normalize.numbers import (
    _COMMA_ONLY,
    _POINT_ONLY,
    DECIMAL_COMMA,
    DECIMAL_POINT,
    _bare_number,
    decimal_convention,
)


def _convention_reading_every_text(values):
    point = comma = 0
    for value in values:
        if not isinstance(value, str):
            continue
        text = _bare_number(value)[0]
        if _POINT_ONLY.match(text):
            point += 1
        elif _COMMA_ONLY.match(text):
            comma += 1
    if point and not comma:
        return DECIMAL_POINT, (point, comma)
    if comma and not point:
        return DECIMAL_COMMA, (point, comma)
    return None, (point, comma)


# "．" and "，" (full width) and "﹒" become "." and "," under NFKC; "٫" is the Arabic decimal separator.
TEXTS = st.text(alphabet="0123456789.,．，﹒٫ -+%km€$ \u00a0\u202f'eur", max_size=10)
VALUES = st.lists(st.one_of(TEXTS, st.integers(), st.floats(), st.none()), max_size=12)


@settings(max_examples=400, deadline=None)
@given(values=VALUES)
def test_skipping_texts_without_separators_counts_the_same_evidence(values):
    assert decimal_convention(values) == _convention_reading_every_text(values)


def test_full_width_separators_are_read_not_skipped():
    assert decimal_convention(["1．5", "2"]) == (DECIMAL_POINT, (1, 0))
    assert decimal_convention(["3，5", "12"]) == (DECIMAL_COMMA, (0, 1))
