"""Where a reader would place each cell of an xlsx worksheet part, following calamine exactly:
``_place_cells`` walks one buffer of the streamed XML and records every placed cell on the
part's ``_SheetExtent``. Runs of rows as Excel writes them are placed in one step from counts
over their bytes (``_EXCEL_ROWS``, ``_place_excel_rows``), other plain rows a row at a time
(``_PLAIN_ROW``), and anything else tag by tag, whose rules are the only placement rules (the
fast paths must agree with them: ``tests/intake/test_intake_extent_runs.py``). ``xlsx``'s
``_scan_sheet_part`` calls it for each part."""

from __future__ import annotations

import re

from kairo_scoring.intake.readers.extent import (
    _CELL_REF,
    _PREFIX,
    _QUOTED_ATTRS,
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


def _place_cells(buffer: bytes, extent: _SheetExtent, cursor: _Cursor) -> None:
    """Place the cells of one buffer: runs of Excel-written rows in one step, other plain rows
    a row at a time, anything else token by token."""
    pos = 0
    while True:
        if cursor.in_data:
            pos = _place_excel_rows(buffer, pos, extent, cursor)
            pos = _place_plain_rows(buffer, pos, extent, cursor)
        match = _SHEET_TOKEN.search(buffer, pos)
        if match is None:
            return
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
