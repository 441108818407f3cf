"""`comparison_keys` spells Python's ``\\s`` out (so pandas runs it in pyarrow's RE2): the keys
are exactly those of the pattern written with ``\\s`` and run through Python's re."""

from __future__ import annotations

import re
import sys

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from kairo_scoring.intake.normalize.text import WHITESPACE, comparison_keys, nfc_texts

# The pattern as it was written, run by Python's re (a compiled pattern never goes to RE2).
PYTHON_PUNCTUATION_RUN = re.compile(r"[\s_.,;:!?'\"()\[\]{}/\\|\-–—‐‑’‘“”]+")
NEAR = "ab Z_.,;:!?'\"()[]{}/\\|-–—‐‑’‘“”\t\n\x0b\x0c\r\x1c\x1f\x85\xa0\u1680\u2003\u2028\u202f\u3000éÉİß1e\u0301"


def test_the_spelled_out_whitespace_is_what_python_calls_whitespace():
    spelled = {c for c in map(chr, range(sys.maxunicode + 1)) if re.fullmatch(f"[{WHITESPACE}]", c)}
    assert spelled == {c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet=NEAR, max_size=12), st.text(max_size=8)), max_size=30))
def test_the_keys_equal_python_re_s(cells):
    texts = pd.Series(cells, dtype=object)
    lowered = nfc_texts(texts.astype("string")).str.lower()
    expected = lowered.str.replace(PYTHON_PUNCTUATION_RUN, " ", regex=True).str.strip()
    pd.testing.assert_series_equal(comparison_keys(texts), expected)
