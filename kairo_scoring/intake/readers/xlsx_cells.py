"""Where a reader would place each cell of an xlsx worksheet part, following calamine exactly:
``_place_cells`` walks one buffer of the streamed XML and records every placed cell on the
part's ``_SheetExtent``. A buffer whose every tag has one of a few plain forms (confirmed by
one RE2 match, ``_CLEAN_RUN``) is placed from arrays of its tag positions (``_place_clean_run``);
otherwise runs of rows as Excel writes them are placed in one step from counts over their
bytes (``_EXCEL_ROWS``, ``_place_excel_rows``), other plain rows a row at a time
(``_PLAIN_ROW``), and anything else tag by tag, whose rules are the only placement rules (the
fast paths must agree with them: ``tests/intake/test_intake_extent_runs.py`` and
``tests/intake/test_intake_extent_fast.py``). ``xlsx``'s ``_scan_sheet_part`` calls it for
each part."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kairo_scoring.intake.readers.extent import (
    _CELL_REF,
    _PREFIX,
    _QUOTED_ATTRS,
    LONG_TEXT_BYTES,
    _attributes,
    _Cursor,
    _SheetExtent,
)

_SHEET_TOKEN = re.compile(rb"<(/?)" + _PREFIX + rb"(sheetData|row|c)(?=[\s/>])" + _QUOTED_ATTRS + rb">")

# A row as Excel and the usual libraries write it, matched whole by one regex so that a
# dense sheet is not walked tag by tag in Python (10 million cells took 44 s that way).
# It admits only tags the token walk below reads the same way: double-quoted attributes with
# no markup inside, ``r`` (if any) first, and inside a cell only v, f, is and t elements. A
# row it does not match is walked token by token, so its placement rules stay the only ones.
_PLAIN_ATTR = rb' (?!r=)[\w:.\-]+="[^"<>]*"'
# Possessive repeats: each alternative starts differently, so nothing is lost by not
# backtracking, and a long row that is not plain fails in linear time.
_PLAIN_CELL = (
    rb'<c(?: r="[A-Za-z]+[0-9]+")?(?:'
    + _PLAIN_ATTR
    + rb")*+\s*(?:/>|>(?:[^<]++|<(?:v|f|is|t)(?:"
    + _PLAIN_ATTR
    + rb")*+\s*/?>|</(?:v|f|is|t)>)*+</c>)"
)
_PLAIN_ROW = re.compile(
    rb'\s*<row(?: r="([0-9]+)")?(?:'
    + _PLAIN_ATTR
    + rb")*+\s*(?:/>|>((?:\s++|"
    + _PLAIN_CELL
    + rb")*+)</row>)"
)
# Each cell's open tag within a plain row: its reference, and "/" when it holds nothing.
_PLAIN_CELL_OPEN = re.compile(rb'<c(?: r="([A-Za-z]+)([0-9]+)")?[^>]*?(/?)>')


# A run of rows exactly as Excel writes them: each row numbered, with at least one cell, and
# every cell referenced to that same row (the backreference) and holding something (no
# formatting-only ``/>`` cell). Such a run is placed in one step from counts over its bytes
# (``_place_excel_rows``): the regex engine checks the shape, Python never loops per row.
_EXCEL_CELL = (
    rb'<c r="[A-Z]{1,3}\1"(?:'
    + _PLAIN_ATTR
    + rb")*+\s*>(?:[^<]++|<(?:v|f|is|t)(?:"
    + _PLAIN_ATTR
    + rb")*+\s*/?>|</(?:v|f|is|t)>)*+</c>"
)
_EXCEL_ROWS = re.compile(
    rb'(?:\s*+<row r="([1-9][0-9]*)"(?:'
    + _PLAIN_ATTR
    + rb")*+\s*>\s*+(?:"
    + _EXCEL_CELL
    + rb"\s*+)++</row>)++"
)
_EXCEL_ROW_NUMBER = re.compile(rb'<row r="([0-9]+)"')
_EXCEL_CELL_LETTERS = re.compile(rb'<c r="([A-Z]+)')


def _place_excel_rows(buffer: bytes, pos: int, extent: _SheetExtent, cursor: _Cursor) -> int:
    """Place a run of Excel-written rows at ``pos`` in one step, exactly as ``_place_plain_row``
    would place them one by one (the farthest cells included); where the run ends."""
    match = _EXCEL_ROWS.match(buffer, pos)
    if match is None:
        return pos
    run = buffer[pos : match.end()]
    rows = [int(number) - 1 for number in _EXCEL_ROW_NUMBER.findall(run)]
    column = _COLUMN_NUMBERS.get
    columns = {
        letters: (column(letters) or _column_number(letters)) - 1
        for letters in set(_EXCEL_CELL_LETTERS.findall(run))
    }
    low, high, bottom = min(columns.values()), max(columns.values()), max(rows)
    extent.cells += run.count(b'<c r="')
    if bottom > extent.bottom:
        # The first row of that number, placed at its first cell (as ``place_row`` would).
        first_row = run.find(b'<row r="%d"' % (bottom + 1))
        first_cell = _EXCEL_CELL_LETTERS.search(run, first_row)
        assert first_cell is not None  # every row of the run holds a cell
        extent.bottom, extent.farthest_down = bottom, (bottom, columns[first_cell.group(1)])
    if high > extent.right:
        # The first cell in that column: every cell's digits are its row's number.
        letters = next(name for name, number in columns.items() if number == high)
        found = re.search(rb'<c r="' + letters + rb'([0-9]+)"', run)
        assert found is not None
        extent.right, extent.farthest_right = high, (int(found.group(1)) - 1, high)
    extent.top = min(extent.top, min(rows))
    extent.left = min(extent.left, low)
    cursor.row, cursor.col = rows[-1] + 1, 0
    return match.end()


# A clean run: text with neither '<' nor '>', and tags of a few plain forms only: rows and cells
# referenced in their first attribute (``<row r="12"``, ``<c r="AB12"``: upper-case letters,
# a number without leading zeros), the other attributes double-quoted with no quote or markup
# inside and never named ``r``, and inside a cell only v, f, is and t elements. In such a run
# every '<' opens a tag the token walk reads whole, that tag's '>' is the next '>' (so '<' and
# '>' alternate), and the walk's tokens are the row and c tags in order; anything else
# (comments, CDATA, prefixes, lower-case or missing references, single quotes) is not clean.
# RE2 (pyarrow's kernel, in C++) decides it in one linear pass; its classes are ASCII bytes or
# UTF-8 characters, both of which exclude '<', '>' and '"' wherever the pattern does.
_CLEAN_NAME = r"(?:[A-Za-z0-9_:.\-]{2,}|[A-Za-qs-z0-9_:.\-])"  # any attribute name but "r"
_CLEAN_ATTRS = r"(?: " + _CLEAN_NAME + r'="[^"<>]*")*[ \t\r\n]*/?>'
_CLEAN_RUN = (
    r'\A(?:[^<>]|<(?:row r="[1-9][0-9]{0,6}"'
    + _CLEAN_ATTRS
    + r'|/row>|c r="[A-Z]{1,3}[1-9][0-9]{0,6}"'
    + _CLEAN_ATTRS
    + r"|/c>|(?:v|f|is|t)"
    + _CLEAN_ATTRS
    + r"|/(?:v|f|is|t)>))*\z"
)
_LT, _GT, _SLASH, _QUOTE = 60, 62, 47, 34
_CELL_OPEN, _ROW_OPEN, _FORMULA_OPEN = ord("c"), ord("r"), ord("f")  # the byte after a clean run's '<'


@dataclass(frozen=True)
class _CleanRun:
    """The bytes ``start:stop`` of a buffer (from the run's first '<'), placed as a clean run;
    whether they hold a formula tag (as ``xlsx._FORMULA_TAG`` finds one), and the bytes of their long
    text (as ``xlsx._LONG_TEXT`` matches it), so the part scan does not read them again. Neither kind
    of match crosses a '<', so the buffer's other bytes are measured on their own."""

    start: int
    stop: int
    formulas: bool
    long_text_bytes: int


def _is_clean(buffer: bytes, start: int, stop: int) -> bool:
    offsets = pa.py_buffer(np.array([start, stop], dtype=np.int32))
    run = pa.Array.from_buffers(pa.binary(), 1, [None, offsets, pa.py_buffer(buffer)])
    return bool(pc.match_substring_regex(run, _CLEAN_RUN)[0].as_py())


def _place_clean_run(buffer: bytes, start: int, extent: _SheetExtent, cursor: _Cursor) -> _CleanRun | None:
    """Place the cells from ``start`` (inside ``sheetData``, where the walk would search for its
    next token) up to ``</sheetData>`` or the buffer's end, if those bytes are a clean run:
    exactly as the token walk would, the cursor included. None (nothing placed) if not clean."""
    stop = buffer.find(b"</sheetData>", start)
    stop = len(buffer) if stop < 0 else stop
    if start == stop or not _is_clean(buffer, start, stop):
        return None
    data = np.frombuffer(buffer, np.uint8, stop - start, start)
    brackets = np.flatnonzero((data | 2) == _GT)  # every '<' (60) and '>' (62), in order
    if len(brackets) == 0:
        return _CleanRun(stop, stop, False, 0)
    opens, closes = brackets[0::2], brackets[1::2]
    # The run is clean, so '<' and '>' alternate; checked anyway, as the arrays below rely on it.
    if (
        len(opens) != len(closes) or (data[opens] != _LT).any() or (data[closes] != _GT).any()
    ):  # pragma: no cover
        return None
    kind = data[opens + 1]
    cells, row_opens = np.flatnonzero(kind == _CELL_OPEN), np.flatnonzero(kind == _ROW_OPEN)
    closing = np.flatnonzero(kind == _SLASH)
    row_closes = closing[data[opens[closing] + 2] == _ROW_OPEN]  # a clean '</' has 2 bytes more
    rows, cols = _clean_references(data, opens[cells] + 6)
    placed = data[closes[cells] - 1] != _SLASH  # ``<c r="A1" s="1"/>`` is only formatting
    if placed.any():
        _place_arrays(extent, *((rows, cols) if placed.all() else (rows[placed], cols[placed])))
    _move_cursor(cursor, data, opens, closes, cells, row_opens, row_closes, cols)
    text = opens[1:] - closes[:-1]  # from each '>' to the next '<', and to the run's end
    long_text = int(text[text > LONG_TEXT_BYTES].sum())  # '>' and LONG_TEXT_BYTES bytes or more
    if len(data) - closes[-1] > LONG_TEXT_BYTES:
        long_text += len(data) - int(closes[-1])
    return _CleanRun(start + int(opens[0]), stop, bool((kind == _FORMULA_OPEN).any()), long_text)


def _clean_references(data: np.ndarray, at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(0-based row, column) of each cell reference starting at ``at``: 1–3 upper-case letters,
    1–7 digits and a quote, as the clean run guarantees."""
    first, second, third = (data[at + k].astype(np.int32) - 64 for k in range(3))
    two, three = second > 0, (second > 0) & (third > 0)  # digits and the quote are below 'A'
    cols = np.where(three, first * 676 + second * 26 + third, np.where(two, first * 26 + second, first))
    digit = at + 1 + two + three
    rows = np.zeros(len(at), np.int32)
    reading = np.ones(len(at), bool)
    last = len(data) - 1
    for k in range(7):
        byte = data[np.minimum(digit + k, last)]
        reading &= byte != _QUOTE
        if not reading.any():
            break
        rows = np.where(reading, rows * 10 + byte.astype(np.int32) - 48, rows)
    return rows - 1, cols - 1


def _place_arrays(extent: _SheetExtent, rows: np.ndarray, cols: np.ndarray) -> None:
    """The cells placed in order, as ``place`` would place them one by one: the farthest cells
    are the first ones in the farthest row and column."""
    bottom, right = int(rows.max()), int(cols.max())
    extent.cells += len(rows)
    if bottom > extent.bottom:
        extent.bottom, extent.farthest_down = bottom, (bottom, int(cols[np.argmax(rows == bottom)]))
    if right > extent.right:
        extent.right, extent.farthest_right = right, (int(rows[np.argmax(cols == right)]), right)
    extent.top = min(extent.top, int(rows.min()))
    extent.left = min(extent.left, int(cols.min()))


def _move_cursor(
    cursor: _Cursor,
    data: np.ndarray,
    opens: np.ndarray,
    closes: np.ndarray,
    cells: np.ndarray,
    row_opens: np.ndarray,
    row_closes: np.ndarray,
    cols: np.ndarray,
) -> None:
    """The cursor after the run, as the walk leaves it (``cells``, ``row_opens`` and
    ``row_closes`` index the run's tags): the last row tag sets the row (and each ``</row>``
    after it, or its being empty, moves it down), the last cell the column."""
    if len(row_opens):
        last = row_opens[-1]
        number = bytes(data[opens[last] + 8 : closes[last]]).split(b'"', 1)[0]
        moved = int((row_closes > last).sum()) + int(data[closes[last] - 1] == _SLASH)
        cursor.row = int(number) - 1 + moved
    else:
        cursor.row += len(row_closes)
    last_row_tag = max(_last(row_opens), _last(row_closes))
    if len(cells) and cells[-1] > last_row_tag:
        cursor.col = int(cols[-1]) + 1
    elif last_row_tag >= 0:
        cursor.col = 0


def _last(tags: np.ndarray) -> int:
    return int(tags[-1]) if len(tags) else -1


def _place_cells(buffer: bytes, extent: _SheetExtent, cursor: _Cursor) -> _CleanRun | None:
    """Place the cells of one buffer: a clean run from arrays (tried once, where the scan
    first stands inside ``sheetData``), runs of Excel-written rows in one step, other plain
    rows a row at a time, anything else token by token. Returns the clean run, if any."""
    pos, clean, tried = 0, None, False
    while True:
        if cursor.in_data:
            if not tried:
                tried = True
                clean = _place_clean_run(buffer, pos, extent, cursor)
                pos = pos if clean is None else clean.stop
            pos = _place_excel_rows(buffer, pos, extent, cursor)
            pos = _place_plain_rows(buffer, pos, extent, cursor)
        match = _SHEET_TOKEN.search(buffer, pos)
        if match is None:
            return clean
        pos = match.end()
        close, name, attrs = match.groups()
        if name == b"sheetData":
            cursor.in_data = not close and not attrs.endswith(b"/")
            continue
        if not cursor.in_data:
            continue
        empty = attrs.endswith(b"/")
        if name == b"row":
            if close:
                cursor.row, cursor.col = cursor.row + 1, 0
                continue
            ref = _attributes(attrs).get(b"r") if b"r" in attrs else None
            if ref is not None and ref.isdigit():
                cursor.row = int(ref) - 1
            cursor.col = 0
            if empty:
                cursor.row += 1
            continue
        if close:
            continue
        if attrs.startswith(b' r="'):
            ref = attrs[4 : attrs.find(b'"', 4)]
        else:
            ref = _attributes(attrs).get(b"r")
        _place_cell(extent, cursor, ref, empty)


def _place_cell(extent: _SheetExtent, cursor: _Cursor, ref: bytes | None, empty: bool) -> None:
    position = _cell_position(ref) if ref is not None else None
    cell_row, cell_col = position or (cursor.row, cursor.col)
    cursor.col = cell_col + 1
    if not empty:
        extent.place(cell_row, cell_col)


def _place_plain_rows(buffer: bytes, pos: int, extent: _SheetExtent, cursor: _Cursor) -> int:
    """Place the plain rows that follow ``pos`` one after another; where the next one starts."""
    while match := _PLAIN_ROW.match(buffer, pos):
        pos = match.end()
        number, content = match.groups()
        if number is not None:
            cursor.row = int(number) - 1
        if content and b"<c" in content:
            _place_plain_row(content, extent, cursor)
        cursor.row, cursor.col = cursor.row + 1, 0
    return pos


def _place_plain_row(content: bytes, extent: _SheetExtent, cursor: _Cursor) -> None:
    row = cursor.row
    if b' r="' not in content and b"/>" not in content:
        # No references and no formatting-only cells: columns 0, 1, … all placed.
        count = content.count(b"<c")
        extent.place_row(row, 0, 0, count - 1, count)
        return
    cells = _PLAIN_CELL_OPEN.findall(content)
    if all(letters for letters, _, _ in cells) and len({digits for _, digits, _ in cells}) == 1:
        # Every cell carries a reference to this one row (as Excel writes them).
        column = _COLUMN_NUMBERS.get
        cols = [(column(letters) or _column_number(letters)) - 1 for letters, _, empty in cells if not empty]
        if cols:
            extent.place_row(int(cells[0][1]) - 1, cols[0], min(cols), max(cols), len(cols))
        return
    cursor.col = 0
    for letters, digits, empty in cells:
        _place_cell(extent, cursor, letters + digits if letters else None, bool(empty))


_COLUMN_NUMBERS: dict[bytes, int] = {}


def _cell_position(ref: bytes) -> tuple[int, int] | None:
    """ "XFD1048576" → (1048575, 16383), letters in either case as calamine reads them."""
    match = _CELL_REF.fullmatch(ref)
    if match is None:
        return None  # calamine refuses the reference itself
    letters, digits = match.groups()
    return int(digits) - 1, (_COLUMN_NUMBERS.get(letters) or _column_number(letters)) - 1


def _column_number(letters: bytes) -> int:
    """ "A" → 1, "xfd" → 16384 (cached: a sheet repeats a few hundred column letters)."""
    col = 0
    for letter in letters.upper():
        col = col * 26 + letter - 64
    if len(_COLUMN_NUMBERS) < 4096:
        _COLUMN_NUMBERS[letters] = col
    return col
