"""Where a reader would place each cell, judged before it allocates: every format's scan
(xlsx XML, .xls BIFF, .xlsb BIFF12, .ods content.xml) places cells on a ``_SheetExtent`` and
``_check_extent`` refuses a sheet whose used range, cells or rows exceed the limits, with the
cell that makes it so. Also the streamed tag buffers the XML scans read."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from kairo_scoring.errors import IntakeError
from kairo_scoring.intake.limits import MIB, IntakeLimits
from kairo_scoring.values import column_letter

_PREFIX = rb"(?:[A-Za-z_][\w.\-]*:)?"
_QUOTED_ATTRS = rb"([^>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^>\"']*)*)"

_ATTRIBUTE = re.compile(rb"([^\s=/>]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_CELL_REF = re.compile(rb"([A-Za-z]+)([0-9]+)")

# A tag is never longer than this in a workbook Excel or a library writes.
MAX_TAG_BYTES = 64 * 1024
# Text in a sheet's XML (inline strings, formula results) and shared strings count from this
# length (``xlsx._LONG_TEXT``): a shorter text costs at most this much in each cell, and cells are
# bounded by ``max_cells``.
LONG_TEXT_BYTES = 64
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384


@dataclass
class _SheetExtent:
    """The cells of one worksheet part as a reader would place them (0-based)."""

    label: str
    cells: int = 0
    top: int = EXCEL_ROWS
    left: int = EXCEL_COLUMNS
    bottom: int = -1
    right: int = -1
    farthest_down: tuple[int, int] = (0, 0)
    farthest_right: tuple[int, int] = (0, 0)
    text_bytes: int = 0
    formulas: bool = False  # a formula tag seen in the part (``_has_formula_tag``)

    def place(self, row: int, col: int) -> None:
        self.cells += 1
        if row > self.bottom:
            self.bottom, self.farthest_down = row, (row, col)
        if col > self.right:
            self.right, self.farthest_right = col, (row, col)
        self.top = min(self.top, row)
        self.left = min(self.left, col)

    def place_row(self, row: int, first: int, low: int, high: int, count: int) -> None:
        """``count`` cells of one row placed in one step, as ``place`` would have placed them
        one by one: ``first`` the column of the first, ``low``/``high`` the extreme columns."""
        self.cells += count
        if row > self.bottom:
            self.bottom, self.farthest_down = row, (row, first)
        if high > self.right:
            self.right, self.farthest_right = high, (row, high)
        self.top = min(self.top, row)
        self.left = min(self.left, low)


@dataclass
class _Cursor:
    """Where the next cell without ``r`` goes, and whether the scan is inside ``sheetData``."""

    row: int = 0
    col: int = 0
    in_data: bool = False
    repeat: int = 1  # rows an .ods row element stands for


def _attributes(attrs: bytes) -> dict[bytes, bytes]:
    return {name: dq or sq for name, dq, sq in _ATTRIBUTE.findall(attrs)}


def _tag_buffers(stream: io.BufferedIOBase, member: str) -> Iterator[tuple[bytes, int]]:
    """The part in buffers that end just before a '<' (so no tag is cut in two), each with
    its offset in the part. A '<' left open for longer than ``MAX_TAG_BYTES`` is refused
    (inside a quoted attribute it could hide a cell from a scan that cut it)."""
    with stream:
        carry, offset = b"", 0
        while chunk := stream.read(MIB):
            buffer = carry + chunk
            cut = buffer.rfind(b"<")
            if cut < 0:
                cut = len(buffer)
            elif len(buffer) - cut > MAX_TAG_BYTES:  # a tag followed by long text, or never closed
                if _open_tag(buffer[cut:]):
                    raise IntakeError(
                        f"The workbook part {member} holds a tag longer than {MAX_TAG_BYTES // 1024} KB, "
                        "which Excel never writes: open the file in Excel, save it and try again."
                    )
                cut = len(buffer)
            if cut:
                yield buffer[:cut], offset
            carry, offset = buffer[cut:], offset + cut
        if carry:
            yield carry, offset


def _open_tag(buffer: bytes) -> bool:
    # From its '<', the buffer holds no complete tag: a '>' outside quotes never came.
    return re.match(rb"<" + _QUOTED_ATTRS + rb">", buffer) is None


def cell_address(row: int, col: int) -> str:
    """(0-based row, column) → "XFD1048576"."""
    return f"{column_letter(col)}{row + 1}"


def _check_extent(extent: _SheetExtent, limits: IntakeLimits) -> None:
    if extent.cells == 0:
        return
    if extent.cells > limits.max_cells:
        raise IntakeError(
            f"{extent.label} holds more than {limits.max_cells:,} cells; the limit is {limits.max_cells:,}. "
            "Split the register or remove unused columns."
        )
    height, width = extent.bottom - extent.top + 1, extent.right - extent.left + 1
    area = height * width
    row_limit = min(limits.max_rows, limits.max_xlsx_rows)
    too_wide, too_tall = width > limits.max_columns, height > row_limit + 100  # title rows
    if not (too_wide or too_tall or area > limits.max_cells):
        return
    used = f"{cell_address(extent.top, extent.left)}:{cell_address(extent.bottom, extent.right)}"
    if extent.cells * 2 < area:  # mostly empty: a stray cell far from the data, most likely
        far = extent.farthest_right if too_wide else extent.farthest_down
        raise IntakeError(
            f"{extent.label} has a cell at {cell_address(*far)}, far beyond its data: its used range {used} "
            f"spans {width:,} columns × {height:,} rows for {extent.cells:,} cells that hold something "
            f"(limits: {limits.max_columns} columns, {row_limit:,} rows, {limits.max_cells:,} cells). "
            "Delete the rows and columns beyond your data in Excel and try again."
        )
    if too_wide:
        raise IntakeError(f"{extent.label} has {width} columns; the limit is {limits.max_columns}.")
    if too_tall and row_limit < limits.max_rows:
        raise IntakeError(
            f"{extent.label} has {height:,} rows; the limit for a workbook is {row_limit:,}. Save the sheet "
            f"as .csv (csv reads up to {limits.max_rows:,} rows) and read that instead, or split the register."
        )
    if too_tall:
        raise IntakeError(f"{extent.label} has {height:,} rows; the limit is {limits.max_rows:,}.")
    raise IntakeError(
        f"{extent.label} holds {used}, {area:,} cells; the limit is {limits.max_cells:,}. "
        "Split the register or remove unused columns."
    )
