"""The csv fast path measures its cells in bytes first and counts characters only when the
bytes reach the stdlib parser's field limit (a cell's characters are at most its bytes): a
cell of many-byte characters under the limit is still read fast, and as the strict parser
reads it; one at the limit is left to the strict parser (which refuses one over it)."""

from __future__ import annotations

import csv

import pytest

from kairo_scoring.errors import IntakeError
from kairo_scoring.intake.readers.csv import DecodedText, _columnar_rows, strict_rows

LIMIT = 12


@pytest.fixture
def small_field_limit():
    before = csv.field_size_limit(LIMIT)
    try:
        yield
    finally:
        csv.field_size_limit(before)


def _fast(text: str):
    return _columnar_rows(text.encode("utf-8"), DecodedText(text, "utf-8", "valid UTF-8"), ",", 100, 50)


@pytest.mark.usefixtures("small_field_limit")
@pytest.mark.parametrize("cell", ["é" * (LIMIT - 1), "€" * (LIMIT - 1), "x" * (LIMIT - 1), "ab"])
def test_a_cell_under_the_limit_in_characters_is_read_fast_whatever_its_bytes(cell):
    text = f"id,name\r\nP-1,{cell}\r\n"
    assert len(cell.encode()) >= LIMIT or cell in ("x" * (LIMIT - 1), "ab")
    assert _fast(text) == strict_rows(text, ",", 100) == [["id", "name"], ["P-1", cell]]


@pytest.mark.usefixtures("small_field_limit")
@pytest.mark.parametrize("cell", ["é" * LIMIT, "x" * LIMIT, "€" * (LIMIT + 3)])
def test_a_cell_at_the_limit_in_characters_is_left_to_the_strict_parser(cell):
    text = f"id,name\r\nP-1,{cell}\r\n"
    assert _fast(text) is None
    if len(cell) > LIMIT:  # the stdlib refuses a field over its limit; one at it is read
        with pytest.raises(IntakeError, match="more than"):
            strict_rows(text, ",", 100)
    else:
        assert strict_rows(text, ",", 100) == [["id", "name"], ["P-1", cell]]
