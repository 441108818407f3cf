"""The xlsx extent scan places a clean run (every tag of a few plain forms, confirmed by one RE2
match) from arrays of its tag positions, and measures its formulas and long text there too.
It is the security bound on what calamine allocates, so it must give exactly what the
tag-by-tag walk gives: every field of ``_SheetExtent`` and the cursor after every buffer. The
oracle is the same scan with every fast path switched off (``_walk_only``)."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import random
import zipfile
from array import array
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kairo_scoring.intake import IntakeLimits
from kairo_scoring.intake.readers import extent as extent_module
from kairo_scoring.intake.readers import xlsx, xlsx_cells
from kairo_scoring.intake.readers.extent import _Cursor, _SheetExtent
from kairo_scoring.values import column_letter

LIMITS = IntakeLimits()
HEAD = b'<?xml version="1.0"?><worksheet xmlns="s"><dimension ref="A1"/><sheetData>'
TAIL = b'</sheetData><pageMargins left="0.7"/></worksheet>'


@contextlib.contextmanager
def _walk_only() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(xlsx_cells, "_place_clean_run", lambda buffer, start, extent, cursor: None)
        patch.setattr(xlsx_cells, "_place_excel_rows", lambda buffer, pos, extent, cursor: pos)
        patch.setattr(xlsx_cells, "_place_plain_rows", lambda buffer, pos, extent, cursor: pos)
        yield


def _scan(
    part: bytes, *, buffer_bytes: int | None = None, shared: tuple[int, ...] = ()
) -> tuple[_SheetExtent | None, list[tuple[_SheetExtent, _Cursor]], int]:
    """The part's extent, the extent and cursor after each buffer, and how many buffers were
    placed as a clean run."""
    archive_bytes = io.BytesIO()
    with zipfile.ZipFile(archive_bytes, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", part)
    states: list[tuple[_SheetExtent, _Cursor]] = []
    clean_runs = 0
    place = xlsx_cells._place_cells

    def recording(buffer: bytes, extent: _SheetExtent, cursor: _Cursor) -> object:
        nonlocal clean_runs
        clean = place(buffer, extent, cursor)
        clean_runs += clean is not None
        states.append((dataclasses.replace(extent), dataclasses.replace(cursor)))
        return clean

    lengths = array("I", shared)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(xlsx, "_place_cells", recording)
        if buffer_bytes is not None:
            patch.setattr(extent_module, "MIB", buffer_bytes)
        with zipfile.ZipFile(archive_bytes) as archive:
            info = archive.getinfo("xl/worksheets/sheet1.xml")
            extent = xlsx._scan_sheet_part(
                archive, info, "Sheet 'Pilots'", lengths, max(shared, default=0), LIMITS
            )
    return extent, states, clean_runs


def _assert_as_walked(part: bytes, **options: object) -> int:
    """The scan equals the walk on ``part``; how many buffers went through the clean run."""
    extent, states, clean_runs = _scan(part, **options)
    with _walk_only():
        walked, walked_states, walked_runs = _scan(part, **options)
    assert walked_runs == 0
    assert extent == walked
    assert states == walked_states
    return clean_runs


def _cell(ref: str, body: bytes = b"<v>1</v>", attrs: bytes = b"") -> bytes:
    return b'<c r="%s"%s>%s</c>' % (ref.encode(), attrs, body)


def _row(number: int, cells: bytes, attrs: bytes = b"") -> bytes:
    return b'<row r="%d"%s>%s</row>' % (number, attrs, cells)


LONG = b"x" * 70
CLEAN = {
    "excel-rows": _row(1, _cell("A1") + _cell("B1")) + _row(2, _cell("A2") + _cell("C2")),
    "self-closing-far-cell": _row(1, _cell("A1") + b'<c r="XFD1048576" s="1"/>') + _row(2, _cell("B2")),
    "farthest-is-the-first-of-its-row": _row(3, _cell("B3") + _cell("A3"))
    + _row(3, _cell("C3"))
    + _row(2, _cell("D2")),
    "farthest-right-in-an-earlier-row": _row(1, _cell("E1")) + _row(9, _cell("E9") + _cell("A9")),
    "cells-of-other-rows": _row(1, _cell("A7") + _cell("ZZZ2")) + _row(5, _cell("C1")),
    "rows-out-of-order-and-empty-rows": _row(9, _cell("B9"))
    + b'<row r="4"/>'
    + _row(2, _cell("A2"))
    + b'<row r="7" spans="1:2"></row>',
    "formula-and-long-text": _row(
        1,
        _cell("A1", b"<f>SUM(B1:C1)</f><v>3</v>")
        + _cell("B1", b'<is><t xml:space="preserve">' + LONG + b"</t></is>", b' t="inlineStr"'),
    ),
    "attributes-and-whitespace": b'\n  <row r="1" spans="1:3" x14ac:dyDescent="0.25">\n'
    + b'<c r="A1" s="2" t="n">\t<v>1</v>\n</c>\r\n<c r="B1" s="1" />'
    + b"</row>\n",
    "text-of-63-64-and-65-bytes": _row(
        1,
        b"".join(
            _cell(f"{letter}1", b"<v>" + b"7" * size + b"</v>")
            for letter, size in zip("ABC", (63, 64, 65), strict=True)
        ),
    ),
    # The text after <sheetData>'s '>' is long text, measured outside the run (which starts at a '<').
    "long-space-after-sheet-data": b"\n" + b" " * 80 + _row(1, _cell("A1")),
    "quotes-and-ampersands-in-values": _row(1, _cell("A1", b'<v>it\'s &amp; "quoted"</v>', b' x="it\'s"')),
    "only-formatting-cells": _row(1, b'<c r="A1" s="1"/><c r="B1" s="1"/>'),
    "no-cells": b'<row r="1"/><row r="2"></row>',
    # Clean up to </sheetData>; the second sheetData is walked (the walk reads it too).
    "a-second-sheet-data-after-it": _row(1, _cell("A1")) + b"</sheetData><sheetData>" + _row(9, _cell("Z9")),
}
NOT_CLEAN = {
    "lower-case-reference": _row(1, _cell("a1") + _cell("XFD1048576")),
    "prefixed-cell": _row(1, _cell("A1") + b'<x:c r="XFD1048576"><x:v>1</x:v></x:c>'),
    "prefixed-row": b'<x:row r="1">' + _cell("B1") + b"</x:row>" + _row(2, _cell("A2")),
    "gt-inside-a-value": _row(1, b'<c r="A1" x="a>b"><v>1</v></c>' + _cell("C1")),
    "cell-tag-inside-a-value": _row(1, b'<c r="A1" x="<c r=&quot;XFD9&quot;"><v>1</v></c>' + _cell("B1")),
    "quoted-cell-tag-that-hides-cells": _row(
        1, b'<c r="A1" x="<c r="XFD9"><v>1</v></c><c r="B1" y="">' + b"<v>1</v></c>" + _cell("C1")
    ),
    "single-quoted-value-holding-a-cell": _row(1, b'<c r="A1" x=\'<c r="XFD9"/>\'><v>1</v></c>'),
    "cell-without-r-after-referenced-cells": _row(1, _cell("C1") + _cell("D1"))
    + b"<row><c><v>1</v></c></row>",
    "row-without-r": _row(4, _cell("A4"))
    + b"<row>"
    + _cell("B5")
    + b"</row>"
    + b"<row><c><v>2</v></c></row>",
    "far-cell-in-a-comment": _row(1, _cell("A1"))
    + b'<!-- <c r="XFD1048576"><v>1</v></c> -->'
    + _row(2, _cell("A2")),
    "far-cell-in-cdata": _row(1, _cell("A1", b'<is><t><![CDATA[<c r="XFD1048576"><v>1</v></c>]]></t></is>')),
    "gt-in-text": _row(1, _cell("A1", b"<v>a > b</v>")) + _row(2, _cell("B2")),
    "rich-text": _row(1, _cell("A1", b"<is><r><t>x</t></r></is>")),
    "reference-with-leading-zero": _row(1, _cell("A01") + _cell("B1")),
    "row-zero": b'<row r="0">' + _cell("A1") + b"</row><row>" + b"<c><v>1</v></c></row>",
    "four-letter-reference": _row(2, _cell("AAAA2") + _cell("A2")),
    "second-r-attribute": b'<row r="2" r="9">' + _cell("A2") + b"</row><row><c><v>1</v></c></row>",
    "cell-with-a-second-r": _row(1, b'<c r="A1" r="XFD9"><v>1</v></c>'),
    "a-second-r-after-another-attribute": b'<row r="2" x="a" r="9">' + _cell("A2") + b"</row><row><c/></row>",
    "an-unpaired-quote-that-hides-cells": _row(
        1, b'<c r="A1" x="a"b"><v>1</v></c><c r="XFD9"><v>1</v></c><c r="B1" y="q"><v>1</v></c>'
    ),
    "tab-before-r": b'<row\tr="3">' + _cell("A3") + b"</row>",
    "invalid-utf8-and-pi": _row(1, _cell("A1", b"<v>\xff\xfe</v>")) + b"<?pi x?>" + _row(2, _cell("A2")),
}


@pytest.mark.parametrize("rows", CLEAN.values(), ids=CLEAN.keys())
def test_a_clean_run_is_placed_as_the_walk_places_it(rows: bytes) -> None:
    assert _assert_as_walked(HEAD + rows + TAIL) == 1


@pytest.mark.parametrize("rows", NOT_CLEAN.values(), ids=NOT_CLEAN.keys())
def test_what_is_not_clean_goes_through_the_walk(rows: bytes) -> None:
    assert _assert_as_walked(HEAD + rows + TAIL) == 0


def test_bytes_that_are_not_utf8_are_placed_as_the_walk_places_them() -> None:
    # RE2 reads the run as bytes or as UTF-8; either way the placement must be the walk's.
    _assert_as_walked(HEAD + _row(1, _cell("A1", b"<v>\xff\xfe\xc3</v>")) + _row(2, _cell("XFD2")) + TAIL)


def test_the_clean_run_places_cells_and_moves_the_cursor_as_written_by_hand() -> None:
    rows = (
        _row(1, _cell("B1") + b'<c r="XFD1048576" s="1"/>')
        + _row(7, _cell("C7") + _cell("A7"))
        + _row(3, _cell("D5"))
    )
    buffer = rows + b'<row r="20"><c r="E20"><v>1</v></c>'  # a buffer that ends inside a row
    extent, cursor = _SheetExtent("Sheet 'Pilots'"), _Cursor(in_data=True)
    clean = xlsx_cells._place_cells(buffer, extent, cursor)
    assert clean is not None and (clean.start, clean.stop) == (0, len(buffer))
    assert extent == _SheetExtent(
        "Sheet 'Pilots'",
        cells=5,
        top=0,
        left=0,
        bottom=19,
        right=4,
        farthest_down=(19, 4),
        farthest_right=(19, 4),
    )
    assert (cursor.row, cursor.col, cursor.in_data) == (19, 5, True)


def test_a_register_as_excel_writes_it_goes_through_the_clean_run_buffer_by_buffer() -> None:
    # The speed comes from this: every buffer of a plain register is one clean run.
    rows = b"".join(
        _row(n, b"".join(_cell(f"{column_letter(c)}{n}") for c in range(17))) for n in range(1, 3_001)
    )
    part = HEAD + rows + TAIL
    assert _assert_as_walked(part, buffer_bytes=64 * 1024) == len(part) // (64 * 1024) + 1


# --- random sheets: clean and hostile pieces mixed, in buffers of any size -------------------


def _random_ref(rng: random.Random) -> str:
    col = rng.choice((rng.randint(0, 30), rng.randint(0, 16_383), rng.randint(0, 18_277)))
    row = rng.choice((rng.randint(1, 40), rng.randint(1, 1_048_576), rng.randint(1, 9_999_999)))
    return f"{column_letter(col)}{row}"


def _random_cell(rng: random.Random) -> bytes:
    roll = rng.random()
    if roll < 0.04:
        return b"<c><v>1</v></c>"
    if roll < 0.12:
        return b'<c r="%s" s="1"/>' % _random_ref(rng).encode()
    ref = _random_ref(rng)
    if rng.random() < 0.03:
        ref = rng.choice((ref.lower(), "A0", "A01", "AAAA7", "A1B", ""))
    body = rng.choice(
        (
            b"<v>1</v>",
            b"<f>A1+1</f><v>2</v>",
            b"<is><t>%s</t></is>" % (b"x" * rng.randint(60, 68)),
            b"<is><t>ab</t></is>",
            b"",
            b"<v/>",
        )
    )
    attrs = rng.choice((b"", b' t="inlineStr"', b' s="3" t="n"', b' x="it\'s"', b" "))
    return _cell(ref, body, attrs)


HOSTILE = (
    b'<!-- <c r="XFD1048576"><v>1</v></c> -->',
    b'<![CDATA[<c r="XFD1048576">]]>',
    b'<x:c r="XFD1048576"><v>1</v></x:c>',
    b'<c r="B2" x="a>b"><v>1</v></c>',
    b'<c r="A1" x="<c r="XFD9"><v>1</v></c><c r="B1" y="">',
    b'<c r="A1" x=\'<row r="5">\'/>',
    b"a > b",
    b"\xff",
    b"<row>",
    b"</row>",
    b'<row r="0">',
    b"</sheetData><sheetData>",
    b'<c r="A1" r="XFD9"/>',
    b"<f>x</f>",
    b"<x:f>1</x:f>",
    b">" + LONG,
    b'<row r="2" x="a" r="9">',
    b'<c r="A1" x="a"b"><v>1</v></c><c r="XFD9"><v>1</v></c>',
)


def _random_part(rng: random.Random) -> bytes:
    pieces = []
    for _ in range(rng.randint(1, 14)):
        cells = b"".join(_random_cell(rng) for _ in range(rng.randint(0, 6)))
        number = rng.choice((rng.randint(1, 40), rng.randint(1, 1_048_576)))
        roll = rng.random()
        if roll < 0.75:
            pieces.append(
                _row(number, cells, rng.choice((b"", b' spans="1:3"', b' ht="20" customHeight="1"')))
            )
        elif roll < 0.85:
            pieces.append(b'<row r="%d"/>' % number)
        else:
            pieces.append(b"<row>" + cells + b"</row>")
        if rng.random() < 0.06:
            pieces.append(rng.choice(HOSTILE))
    return HEAD + b"".join(pieces) + TAIL


def test_random_sheets_are_placed_as_the_walk_places_them() -> None:
    rng = random.Random(12)
    clean_runs = 0
    for _ in range(400):
        part = _random_part(rng)
        buffer_bytes = rng.choice((None, rng.randint(40, 400)))
        shared = rng.choice(((), (0, 90, 0)))
        clean_runs += _assert_as_walked(part, buffer_bytes=buffer_bytes, shared=shared)
    assert clean_runs > 400  # the fast path was taken, and often: the test compares something


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), buffer_bytes=st.one_of(st.none(), st.integers(30, 600)))
def test_any_mix_of_clean_and_hostile_rows_is_placed_as_the_walk_places_it(
    seed: int, buffer_bytes: int | None
) -> None:
    _assert_as_walked(_random_part(random.Random(seed)), buffer_bytes=buffer_bytes)
