"""Reading bytes into grids of cells: xlsx/xlsm with python-calamine, csv with the csv module.

Everything a file can do wrong is turned into ``IntakeError`` with a one-line reason here,
before any parser sees it: wrong file type, oversized file, zip bomb (refused from the zip
directory, before inflating), XML with a document type declaration (the entity-expansion
attack; Excel never writes one), password protection, old binary formats, and an xlsx whose
sheets, used ranges, shared strings or text would make the reader allocate beyond the limits
(judged by streaming the XML before calamine opens it).
"""

from __future__ import annotations

import codecs
import csv
import html
import io
import itertools
import posixpath
import re
import zipfile
import zlib
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import python_calamine

from kairo_scoring.errors import IntakeError
from kairo_scoring.intake.limits import MIB, IntakeLimits
from kairo_scoring.values import column_letter

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
# Encrypted OOXML is an OLE file holding an "EncryptionInfo" stream (names are UTF-16LE).
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
FILE_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"{\\rtf", "an RTF document"),
)
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")
DTD_SCAN_BYTES = 64 * 1024
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
# A formula element, with or without a namespace prefix.
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
CSV_DELIMITERS = (",", ";", "\t", "|")
# What zipfile and zlib raise on a damaged archive besides BadZipFile: a corrupt deflate
# stream, a truncated part, an unknown compression method or zip version, a bad offset.
DAMAGED_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, OSError)
CSV_SAMPLE_CHARS = 64 * 1024


@dataclass(frozen=True)
class RawSheet:
    """One sheet (or a csv) as a grid of cell values.

    ``first_row`` is the Excel row number (1-based) of ``rows[0]``; ``first_col`` the 0-based
    column index of each row's first cell. ``merged`` holds merged ranges as absolute 0-based
    (first_row, first_col, last_row, last_col).
    """

    name: str
    rows: list[list[object]]
    first_row: int = 1
    first_col: int = 0
    merged: tuple[tuple[int, int, int, int], ...] = ()
    visible: bool = True


@dataclass(frozen=True)
class Workbook:
    """What a file held: its kind ("xlsx" or "csv"), its sheets, and csv encoding/delimiter."""

    kind: str
    sheets: tuple[RawSheet, ...]
    encoding: str | None = None
    delimiter: str | None = None


def load_bytes(source: bytes | str | Path, filename: str | None, limits: IntakeLimits) -> tuple[bytes, str]:
    """The file's bytes and a display name; a path is size-checked before it is read."""
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        name = filename or "upload"
    else:
        path = Path(source)
        try:
            size = path.stat().st_size
            _check_file_size(size, limits)
            data = path.read_bytes()
        except OSError as exc:
            raise IntakeError(f"Cannot read '{path.name}': {exc.strerror or exc}") from exc
        name = filename or path.name
    _check_file_size(len(data), limits)
    return data, name


def _check_file_size(size: int, limits: IntakeLimits) -> None:
    if size > limits.max_file_bytes:
        raise IntakeError(
            f"The file is {size / MIB:.1f} MB; the limit is {limits.max_file_bytes / MIB:.0f} MB. "
            "Split the register or remove unused sheets."
        )
    if size == 0:
        raise IntakeError("The file is empty. Choose the file that holds the register.")


def read_workbook(data: bytes, name: str, limits: IntakeLimits) -> Workbook:
    """Sniff the content (not just the extension) and read every sheet."""
    suffix = Path(name).suffix.lower()
    if data.startswith(ZIP_MAGICS):
        return Workbook("xlsx", read_xlsx(data, limits))
    _refuse_non_text(data, suffix)
    return read_csv(data, limits)


def _refuse_non_text(data: bytes, suffix: str) -> None:
    if data.startswith(OLE_MAGIC):
        if ENCRYPTION_STREAM in data:
            raise IntakeError(
                "The workbook is password-protected: remove the password in Excel and try again."
            )
        raise IntakeError("This is an old binary Excel file (.xls): open it in Excel and save it as .xlsx.")
    for magic, what in FILE_SIGNATURES:
        if data.startswith(magic):
            raise IntakeError(f"The file is {what}, not a spreadsheet: use an .xlsx, .xlsm or .csv file.")
    if suffix in EXCEL_SUFFIXES:
        raise IntakeError(
            f"The file is named {suffix} but is not an Excel workbook (it is not a zip archive): open it in Excel and save it as .xlsx."
        )
    if suffix == ".xls":
        raise IntakeError("Old .xls files are not supported: open it in Excel and save it as .xlsx.")


# --- xlsx ------------------------------------------------------------------------------


def read_xlsx(data: bytes, limits: IntakeLimits) -> tuple[RawSheet, ...]:
    """Every sheet of an xlsx/xlsm, after the archive passed ``check_xlsx_archive``."""
    check_xlsx_archive(data, limits)
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        return tuple(_read_sheet(workbook, meta, limits) for meta in workbook.sheets_metadata)
    except IntakeError:
        raise
    except Exception as exc:  # calamine raises several error types; the boundary makes them one
        raise IntakeError(f"The workbook cannot be read: {_first_line(exc)}") from exc


def _read_sheet(workbook, meta, limits: IntakeLimits) -> RawSheet:
    sheet = workbook.get_sheet_by_name(meta.name)
    if sheet.width > limits.max_columns:
        raise IntakeError(
            f"Sheet '{meta.name}' has {sheet.width} columns; the limit is {limits.max_columns}."
        )
    if sheet.height > limits.max_rows + 100:  # headroom for title rows above the header
        raise IntakeError(f"Sheet '{meta.name}' has {sheet.height:,} rows; the limit is {limits.max_rows:,}.")
    start_row, start_col = sheet.start or (0, 0)
    merged = tuple((r0, c0, r1, c1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or ()))
    # Row by row rather than ``to_python``, which makes every cell a new object while
    # calamine's own grid is still held: a dense 10-million-cell sheet doubled past 1 GB.
    # iter_rows starts at row 0, so the empty rows above the data are skipped here.
    return RawSheet(
        name=meta.name,
        rows=list(_shared_values(itertools.islice(sheet.iter_rows(), start_row, None))),
        first_row=start_row + 1,
        first_col=start_col,
        merged=merged,
        visible=str(meta.visible).endswith("Visible"),
    )


def check_xlsx_archive(data: bytes, limits: IntakeLimits) -> None:
    """Refuse a zip that is not a workbook, is too big or too compressed once inflated (judged
    from the zip directory, before inflating), is encrypted, holds XML with a DTD, or holds
    more sheets, cells or text than the limits (judged from the XML, before calamine reads it)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            _check_members(members, limits)
            _check_no_dtd(archive, members)
            check_xlsx_extent(archive, limits)
    except DAMAGED_ZIP_ERRORS as exc:
        raise _damaged_zip(exc) from exc


# --- xlsx extent: what a reader would allocate, read from the XML first ----------------------
# calamine sizes a sheet's grid from the farthest cell present (one stray cell at XFD1048576
# asks for 17 billion cells), reserves the shared-strings table from the count the file
# declares, and copies a shared string into every cell that shows it. So the parts are
# streamed once, before calamine opens the workbook, and refused from what they hold.
_PREFIX = rb"(?:[A-Za-z_][\w.\-]*:)?"
_QUOTED_ATTRS = rb"([^>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^>\"']*)*)"
_SHEET_TOKEN = re.compile(rb"<(/?)" + _PREFIX + rb"(sheetData|row|c)(?=[\s/>])" + _QUOTED_ATTRS + rb">")
_STRING_TOKEN = re.compile(rb"<(/?)" + _PREFIX + rb"(si|sst)(?=[\s/>])" + _QUOTED_ATTRS + rb">")
_ATTRIBUTE = re.compile(rb"([^\s=/>]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_CELL_REF = re.compile(rb"([A-Za-z]+)([0-9]+)")
# A cell of type "s" and the shared-string index in its <v>; and every such cell, to catch
# those the first pattern cannot read (counted at the longest string).
_SHARED_REF = re.compile(
    rb"<" + _PREFIX + rb"c\s[^>]*?\bt\s*=\s*[\"']s[\"'][^>]*>\s*<" + _PREFIX + rb"v>\s*([0-9]+)"
)
_SHARED_CELL = re.compile(rb"<" + _PREFIX + rb"c\s[^>]*?\bt\s*=\s*[\"']s[\"']")
# Text held in the sheet XML itself (inline strings, formula results), and shared strings,
# count from this length: a shorter text costs at most this much in each cell, and cells are
# bounded by ``max_cells``.
LONG_TEXT_BYTES = 64
_LONG_TEXT = re.compile(rb">[^<]{%d,}" % LONG_TEXT_BYTES)
_SHEET_ENTRY = re.compile(rb"<" + _PREFIX + rb"sheet(?=[\s/>])" + _QUOTED_ATTRS + rb">")
_RELATIONSHIP = re.compile(rb"<" + _PREFIX + rb"Relationship(?=[\s/>])" + _QUOTED_ATTRS + rb">")
# A tag is never longer than this in a workbook Excel or a library writes.
MAX_TAG_BYTES = 64 * 1024
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


def check_xlsx_extent(archive: zipfile.ZipFile, limits: IntakeLimits) -> None:
    """Refuse a workbook whose sheets, used ranges, shared strings or text exceed the limits,
    judged by streaming its XML, before any reader allocates for it. The ``dimension``
    element a sheet declares is not trusted (it can say A1:B2 and hold XFD1048576): the
    cells actually present decide."""
    names = {info.filename for info in archive.infolist()}
    sheet_labels = _sheet_labels(archive, names, limits)
    strings = next((n for n in names if n.lower().endswith("sharedstrings.xml")), None)
    lengths = _shared_string_lengths(archive, strings, limits) if strings else array("I")
    longest = max(lengths, default=0)
    text_bytes = 0
    for info in archive.infolist():
        if info.filename == strings or info.is_dir():
            continue
        label = sheet_labels.get(info.filename, f"The workbook part {info.filename}")
        extent = _scan_sheet_part(archive, info, label, lengths, longest, limits)
        if extent is not None:
            _check_extent(extent, limits)
            text_bytes += extent.text_bytes
    if text_bytes > limits.max_text_bytes:
        raise IntakeError(
            f"The workbook's cells hold {text_bytes / MIB:,.0f} MB of text (each shared text counted in every "
            f"cell that shows it); the limit is {limits.max_text_bytes / MIB:,.0f} MB. "
            "Remove long notes columns or split the register."
        )


def _attributes(attrs: bytes) -> dict[bytes, bytes]:
    return {name: dq or sq for name, dq, sq in _ATTRIBUTE.findall(attrs)}


def _sheet_labels(archive: zipfile.ZipFile, names: set[str], limits: IntakeLimits) -> dict[str, str]:
    """Worksheet part → "Sheet 'Pilots'", from workbook.xml and its relationships; refuses
    more sheets than ``max_sheets`` (calamine's time grows with each one)."""
    entries = []
    for match in _tags(archive, "xl/workbook.xml", _SHEET_ENTRY):
        entries.append(_attributes(match))
        if len(entries) > limits.max_sheets:
            raise IntakeError(
                f"The workbook has more than {limits.max_sheets} sheets; the limit is {limits.max_sheets}. "
                "Copy the register's sheet into a new workbook and use that file."
            )
    targets = {}
    if "xl/_rels/workbook.xml.rels" in names:
        for match in _tags(archive, "xl/_rels/workbook.xml.rels", _RELATIONSHIP):
            attrs = _attributes(match)
            target = html.unescape(attrs.get(b"Target", b"").decode("utf-8", "replace"))
            path = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            targets[attrs.get(b"Id", b"")] = path
    labels = {}
    for attrs in entries:
        rel_id = next((value for key, value in attrs.items() if key.endswith(b":id")), b"")
        name = html.unescape(attrs.get(b"name", b"").decode("utf-8", "replace"))
        if rel_id in targets:
            labels[targets[rel_id]] = f"Sheet '{name}'"
    return labels


def _tags(archive: zipfile.ZipFile, member: str, pattern: re.Pattern[bytes]) -> Iterator[bytes]:
    """The attributes of every ``pattern`` tag in a (small) part, streamed."""
    for buffer, _ in _tag_buffers(archive.open(member), member):
        yield from pattern.findall(buffer)


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


def _shared_string_lengths(archive: zipfile.ZipFile, member: str, limits: IntakeLimits) -> array:
    """The byte length of each shared string (markup included: an upper bound on its text;
    0 for one shorter than ``LONG_TEXT_BYTES``), refusing a table, or a declared count, beyond ``max_shared_strings``."""
    lengths = array("I")
    start = None
    for buffer, offset in _tag_buffers(archive.open(member), member):
        pos = 0
        while True:
            if start is None and (run := _PLAIN_STRINGS.match(buffer, pos)) is not None:
                # A run of plain <si>…</si> (most of a table) is measured in one pass, not per tag.
                texts = _PLAIN_STRING.findall(buffer, pos, run.end())
                lengths.extend(n if n >= LONG_TEXT_BYTES else 0 for n in map(len, texts))
                pos = run.end()
                _check_string_count(lengths, limits)
            match = _STRING_TOKEN.search(buffer, pos)
            if match is None:
                break
            pos = match.end()
            close, name, attrs = match.groups()
            if name == b"sst":
                if not close:
                    _check_declared_strings(_attributes(attrs), limits)
            elif close:
                if start is not None:
                    length = offset + match.start() - start
                    lengths.append(min(length, 0xFFFFFFFF) if length >= LONG_TEXT_BYTES else 0)
                start = None
            elif attrs.rstrip().endswith(b"/"):
                lengths.append(0)
            else:
                start = offset + match.end()
            _check_string_count(lengths, limits)
    return lengths


def _check_string_count(lengths: array, limits: IntakeLimits) -> None:
    if len(lengths) > limits.max_shared_strings:
        raise IntakeError(
            f"The workbook's shared-strings table holds more than {limits.max_shared_strings:,} "
            f"entries; the limit is {limits.max_shared_strings:,}. Open it in Excel and save it "
            "again (Excel keeps only the texts in use), or split the register."
        )


# Plain shared strings: <si/>, or <si> and </si> without attributes, and no '<' between them that
# could start an si or sst tag, so the token walk would measure each exactly as this does.
_PLAIN_STRING_TEXT = rb"(?:[^<]++|<(?!/?" + _PREFIX + rb"s(?:i|st)[\s/>]))*+"
_PLAIN_STRING = re.compile(rb"<si(?:/>|>(" + _PLAIN_STRING_TEXT + rb")</si>)")
_PLAIN_STRINGS = re.compile(rb"(?:\s*+<si(?:/>|>" + _PLAIN_STRING_TEXT + rb"</si>))++")


def _check_declared_strings(attrs: dict[bytes, bytes], limits: IntakeLimits) -> None:
    # calamine reserves room for uniqueCount strings before reading one.
    declared = attrs.get(b"uniqueCount", b"0")
    if declared.isdigit() and int(declared) > limits.max_shared_strings:
        raise IntakeError(
            f"The workbook's shared-strings table declares {int(declared):,} entries; the limit is "
            f"{limits.max_shared_strings:,}. Open it in Excel and save it again, or split the register."
        )


def _scan_sheet_part(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    label: str,
    lengths: array,
    longest: int,
    limits: IntakeLimits,
) -> _SheetExtent | None:
    """Where a reader would place each cell of a part holding ``sheetData``, following
    calamine: a cell without ``r`` sits right of the previous one, a row without ``r`` below
    the previous row. Cells that are only formatting (``<c r="Z9" s="1"/>``) are not placed,
    as calamine does not place them; every other cell is, even one holding nothing."""
    extent = None
    cursor = _Cursor()
    for buffer, _ in _tag_buffers(archive.open(info), info.filename):
        if extent is None:
            found = buffer.find(b"sheetData")
            if found < 0:
                continue
            extent = _SheetExtent(label)
            buffer = buffer[max(buffer.rfind(b"<", 0, found), 0) :]
        _place_cells(buffer, extent, cursor)
        if extent.cells > limits.max_cells:
            break  # already over; _check_extent says so
        if longest:  # every shared string is short (counted as 0): no cell adds any
            references = _SHARED_REF.findall(buffer)
            unread = len(_SHARED_CELL.findall(buffer)) - len(references)
            extent.text_bytes += sum(lengths[i] for i in map(int, references) if i < len(lengths))
            extent.text_bytes += max(unread, 0) * longest
        extent.text_bytes += sum(m.end() - m.start() for m in _LONG_TEXT.finditer(buffer))
    return extent


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


def _place_cells(buffer: bytes, extent: _SheetExtent, cursor: _Cursor) -> None:
    """Place the cells of one buffer: plain rows a row at a time, anything else token by token."""
    pos = 0
    while True:
        if cursor.in_data:
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


def _damaged_zip(exc: BaseException) -> IntakeError:
    return IntakeError(f"The file looks like an xlsx but its zip structure is damaged: {_first_line(exc)}")


def _check_members(members: list[zipfile.ZipInfo], limits: IntakeLimits) -> None:
    names = {m.filename for m in members}
    if "xl/workbook.bin" in names:
        raise IntakeError("Binary workbooks (.xlsb) are not supported: save it as .xlsx.")
    if "xl/workbook.xml" not in names:
        raise IntakeError(
            "The file is a zip archive but not an Excel workbook (no xl/workbook.xml): use an .xlsx, .xlsm or .csv file."
        )
    if len(members) > limits.max_zip_members:
        raise IntakeError(
            f"The workbook holds {len(members):,} parts; the limit is {limits.max_zip_members:,}."
        )
    if any(m.flag_bits & 0x1 for m in members):
        raise IntakeError("The workbook's parts are encrypted: remove the password in Excel and try again.")
    inflated = sum(m.file_size for m in members)
    if inflated > limits.max_uncompressed_bytes:
        raise IntakeError(
            f"The workbook would inflate to {inflated / MIB:,.0f} MB; the limit is "
            f"{limits.max_uncompressed_bytes / MIB:,.0f} MB (refused before decompressing)."
        )
    for member in members:
        _check_ratio(member.filename, member.file_size, member.compress_size, limits)
    _check_ratio("the workbook", inflated, sum(m.compress_size for m in members), limits)


def _check_ratio(label: str, inflated: int, compressed: int, limits: IntakeLimits) -> None:
    if inflated < limits.min_ratio_check_bytes:
        return
    ratio = inflated / max(compressed, 1)
    if ratio > limits.max_compression_ratio:
        raise IntakeError(
            f"{label} is compressed {ratio:,.0f}:1 (limit {limits.max_compression_ratio:g}:1): refused as a "
            "possible zip bomb, before decompressing."
        )


def _check_no_dtd(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    # A DTD can only sit in the prolog, so the first bytes of each part are enough.
    for member in members:
        if not member.filename.endswith((".xml", ".rels", ".vml")):
            continue
        with archive.open(member) as part:
            head = part.read(DTD_SCAN_BYTES)
        if _DTD.search(head):
            raise IntakeError(
                f"The workbook part {member.filename} declares a DTD, which Excel never writes: refused as a "
                "possible XML entity-expansion attack."
            )


def has_formulas(data: bytes) -> bool:
    """Whether any worksheet part holds a formula (a streamed scan; cheap next to parsing)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.infolist():
                if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
                    with archive.open(member) as part:
                        if any(_has_formula_tag(chunk) for chunk in _overlapping_chunks(part)):
                            return True
    except DAMAGED_ZIP_ERRORS as exc:  # a part damaged past the bytes the DTD check read
        raise _damaged_zip(exc) from exc
    return False


def _has_formula_tag(chunk: bytes) -> bool:
    # Two substring scans at memory speed; the regex only confirms the rare candidate chunk.
    return (b"<f" in chunk or b":f" in chunk) and _FORMULA_TAG.search(chunk) is not None


def _overlapping_chunks(stream: io.BufferedIOBase, size: int = MIB, overlap: int = 16) -> Iterator[bytes]:
    tail = b""
    while chunk := stream.read(size):
        yield tail + chunk
        tail = chunk[-overlap:]


def formula_cells(data: bytes, sheet_name: str) -> list[tuple[int, int, str]]:
    """Formula cells of one sheet as (Excel row, 0-based column, formula), read with openpyxl
    (calamine gives only cached values). openpyxl parses through defusedxml when installed."""
    if not has_formulas(data):
        return []
    import openpyxl  # only files with formulas pay for it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            return [
                (cell.row, cell.column - 1, cell.value)
                for row in workbook[sheet_name].iter_rows()
                for cell in row
                if isinstance(cell.value, str) and cell.value.startswith("=")
            ]
        finally:
            workbook.close()
    except Exception as exc:  # openpyxl raises many types; any of them refuses the file, in words
        raise IntakeError(
            f"The workbook's formulas cannot be read: {_first_line(exc)}; open it in Excel, save it and try again."
        ) from exc


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


# --- csv -------------------------------------------------------------------------------


def read_csv(data: bytes, limits: IntakeLimits) -> Workbook:
    """A csv as one sheet: encoding and delimiter detected, ragged rows padded."""
    text, encoding = decode_text(data)
    delimiter = detect_delimiter(text[:CSV_SAMPLE_CHARS])
    row_cap = limits.max_rows + 100  # headroom for title rows above the header
    try:
        # A one-column file is split on a character that never occurs in text (unit separator).
        reader = csv.reader(_lines(text), delimiter=delimiter or "\x1f", strict=False)
        rows: list[list[object]] = list(itertools.islice(_shared_cells(reader), row_cap + 1))
    except csv.Error as exc:
        raise IntakeError(f"The csv cannot be parsed: {exc}") from exc
    if len(rows) > row_cap:
        raise IntakeError(
            f"The file has more than {limits.max_rows:,} rows; the limit is {limits.max_rows:,}."
        )
    width = max((len(r) for r in rows), default=0)
    if width > limits.max_columns:
        raise IntakeError(f"The file has {width} columns; the limit is {limits.max_columns}.")
    if any(len(r) != width for r in rows):
        rows = [r + [""] * (width - len(r)) for r in rows]  # ragged lines: missing cells are empty
    return Workbook("csv", (RawSheet(name="", rows=rows),), encoding=encoding, delimiter=delimiter)


# A line with its ending (\r\n, \r or \n, as ``newline=""`` reads them), or a last line without one.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
SHARED_CELL_TEXTS = 65_536


def _lines(text: str) -> Iterator[str]:
    # Lazily, rather than through io.StringIO, which holds a copy at 4 bytes a character.
    return (match.group() for match in _LINE.finditer(text))


def _shared_values(rows: Iterator[list[object]]) -> Iterator[list[object]]:
    """Rows in which repeated texts and numbers are one object each, as ``_shared_cells``
    does for a csv. Texts and floats are kept apart, and ints and bools not shared at all:
    ``True == 1 == 1.0``, and a dict keyed on values would turn one into another."""
    texts: dict[str, str] = {}
    numbers: dict[float, float] = {}
    for row in rows:
        if len(texts) + len(numbers) < SHARED_CELL_TEXTS:
            yield [
                texts.setdefault(v, v)
                if type(v) is str
                else numbers.setdefault(v, v)
                if type(v) is float
                else v
                for v in row
            ]
        else:
            yield [
                texts.get(v, v) if type(v) is str else numbers.get(v, v) if type(v) is float else v
                for v in row
            ]


def _shared_cells(reader: Iterator[list[str]]) -> Iterator[list[object]]:
    """Rows in which repeated cell texts ("pilot", "3", "Finance") are one object: a long
    register repeats a few answers in most columns, and one string per cell would cost
    about 60 bytes each. The cache is capped, so columns of unique values do not grow it."""
    cache: dict[str, str] = {}
    for row in reader:
        if len(cache) < SHARED_CELL_TEXTS:
            yield list(map(cache.setdefault, row, row))
        else:
            yield list(map(cache.get, row, row))


def decode_text(data: bytes) -> tuple[str, str]:
    """Text and the encoding used: UTF-8 with or without BOM, UTF-16 with BOM (Excel's
    "Unicode text"), then cp1252 (Excel on Windows), latin-1 as a last resort."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    if b"\x00" in data[:CSV_SAMPLE_CHARS]:
        raise IntakeError("The file holds binary data: it is not a spreadsheet or a csv text file.")
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def detect_delimiter(sample: str) -> str | None:
    """The delimiter that splits most sample lines into the same number (≥ 2) of fields;
    None for a single-column file. At least half the lines (and two) must agree, so a few
    values with commas in a one-column list do not make it comma-separated."""
    lines = [line for line in sample.splitlines()[:200] if line.strip()]
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines = lines[:-1]  # the sample may cut the last line short
    best: tuple[int, int, str | None] = (0, 0, None)
    for delimiter in CSV_DELIMITERS:
        widths = [len(fields) for fields in csv.reader(lines, delimiter=delimiter, strict=False)]
        multi = [w for w in widths if w >= 2]
        if not multi:
            continue
        modal = max(set(multi), key=lambda w: (multi.count(w), w))
        agreeing = widths.count(modal)
        if agreeing >= max(2, len(lines) / 2) or (len(lines) == 1 and agreeing == 1):
            best = max(best, (agreeing, modal, delimiter), key=lambda b: (b[0], b[1]))
    return best[2]
