"""Reading bytes into grids of cells: xlsx/xlsm with python-calamine, csv with the csv module.

Everything a file can do wrong is turned into ``IntakeError`` with a one-line reason here,
before any parser sees it: wrong file type, oversized file, zip bomb (refused from the zip
directory, before inflating), XML with a document type declaration (the entity-expansion
attack; Excel never writes one), password protection, old binary formats, and an xlsx whose
sheets, used ranges, shared strings or text would make the reader allocate beyond the limits
(judged by streaming the XML before calamine opens it).

Over 400 lines because it is every file reader with the safety scan that bounds each format before a
parser allocates (xlsx, xls, xlsb, ods, csv); it is due to be split by format, which the scans'
shared limit checks make a careful job.
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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import python_calamine

from kairo_scoring.errors import IntakeError
from kairo_scoring.intake.codes import IssueCode, Severity
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
# Every file name ending intake reads (the content decides how; these say what a user may choose).
READABLE_SUFFIXES: tuple[str, ...] = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".csv", ".tsv", ".txt")
READABLE_FORMATS = "an .xlsx, .xlsm, .xls, .xlsb, .ods or .csv file"
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
    """What a file held: its kind ("xlsx", "xls", "xlsb", "ods" or "csv"), its sheets, for a
    csv its encoding (and why) and delimiter, and the reader's notes for the issue report."""

    kind: str
    sheets: tuple[RawSheet, ...]
    encoding: str | None = None
    delimiter: str | None = None
    notes: tuple[ReaderNote, ...] = ()
    encoding_reason: str | None = None
    # Whether a worksheet holds a formula, when the pre-scan already knows (xlsx); None: not known.
    formulas: bool | None = None


def load_bytes(source: bytes | str | Path, filename: str | None, limits: IntakeLimits) -> tuple[bytes, str]:
    """The file's bytes and a display name; a path is size-checked before it is read."""
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        name = filename or "upload"
    else:
        path = Path(source)
        try:
            size = path.stat().st_size
            check_file_size(size, limits)
            data = path.read_bytes()
        except OSError as exc:
            raise IntakeError(f"Cannot read '{path.name}': {exc.strerror or exc}") from exc
        name = filename or path.name
    check_file_size(len(data), limits)
    return data, name


def check_file_size(size: int, limits: IntakeLimits) -> None:
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
        kind = _zip_kind(data)
        if kind == "xlsx":
            formulas = check_xlsx_archive(data, limits)  # the extent scan also saw any formula
            return Workbook("xlsx", _read_with_calamine(data, limits), formulas=formulas)
        return Workbook(kind, read_zipped_legacy(data, kind, limits))
    if data.startswith(OLE_MAGIC):
        return Workbook("xls", read_xls(data, limits))
    _refuse_non_text(data, suffix)
    return read_csv(data, limits)


def _refuse_non_text(data: bytes, suffix: str) -> None:
    for magic, what in FILE_SIGNATURES:
        if data.startswith(magic):
            raise IntakeError(f"The file is {what}, not a spreadsheet: use an .xlsx, .xlsm or .csv file.")
    if suffix in EXCEL_SUFFIXES:
        raise IntakeError(
            f"The file is named {suffix} but is not an Excel workbook (it is not a zip archive): open it in Excel and save it as .xlsx."
        )
    if suffix in (".xls", ".xlsb", ".ods"):
        raise IntakeError(
            f"The file is named {suffix} but is not such a workbook: open it in its spreadsheet program and "
            "save it again (as .xlsx, .ods or .csv)."
        )


# --- xlsx ------------------------------------------------------------------------------


def read_xlsx(data: bytes, limits: IntakeLimits) -> tuple[RawSheet, ...]:
    """Every sheet of an xlsx/xlsm, after the archive passed ``check_xlsx_archive``."""
    check_xlsx_archive(data, limits)
    return _read_with_calamine(data, limits)


def _read_with_calamine(data: bytes, limits: IntakeLimits) -> tuple[RawSheet, ...]:
    """Every sheet, read by calamine once the format's own pre-scan bounded what it allocates."""
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        return tuple(_read_sheet(workbook, meta, limits) for meta in workbook.sheets_metadata)
    except IntakeError:
        raise
    except python_calamine.PasswordError as exc:
        raise IntakeError(
            "The workbook is password-protected: remove the password in its spreadsheet program and try again."
        ) from exc
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


def check_xlsx_archive(data: bytes, limits: IntakeLimits) -> bool:
    """Refuse a zip that is not a workbook, is too big or too compressed once inflated (judged
    from the zip directory, before inflating), is encrypted, holds XML with a DTD, or holds
    more sheets, cells or text than the limits (judged from the XML, before calamine reads it).
    Returns whether a worksheet holds a formula (as ``has_formulas`` would say)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            _check_members(members, limits)
            _check_no_dtd(archive, members)
            return check_xlsx_extent(archive, limits)
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


def check_xlsx_extent(archive: zipfile.ZipFile, limits: IntakeLimits) -> bool:
    """Refuse a workbook whose sheets, used ranges, shared strings or text exceed the limits,
    judged by streaming its XML, before any reader allocates for it. The ``dimension``
    element a sheet declares is not trusted (it can say A1:B2 and hold XFD1048576): the
    cells actually present decide. Returns whether a worksheet part holds a formula, seen
    in the same pass (so the formula report need not inflate the sheets again)."""
    names = {info.filename for info in archive.infolist()}
    sheet_labels = _sheet_labels(archive, names, limits)
    strings = next((n for n in names if n.lower().endswith("sharedstrings.xml")), None)
    lengths = _shared_string_lengths(archive, strings, limits) if strings else array("I")
    longest = max(lengths, default=0)
    text_bytes, formulas = 0, False
    for info in archive.infolist():
        if info.filename == strings or info.is_dir():
            continue
        label = sheet_labels.get(info.filename, f"The workbook part {info.filename}")
        extent = _scan_sheet_part(archive, info, label, lengths, longest, limits)
        if extent is not None:
            _check_extent(extent, limits)
            text_bytes += extent.text_bytes
            formulas |= extent.formulas and _is_worksheet_part(info.filename)
    if text_bytes > limits.max_text_bytes:
        raise IntakeError(
            f"The workbook's cells hold {text_bytes / MIB:,.0f} MB of text (each shared text counted in every "
            f"cell that shows it); the limit is {limits.max_text_bytes / MIB:,.0f} MB. "
            "Remove long notes columns or split the register."
        )
    return formulas


def _is_worksheet_part(name: str) -> bool:
    """The parts ``has_formulas`` looks in."""
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


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
        extent.formulas = extent.formulas or _has_formula_tag(buffer)  # buffers never cut a tag
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
    if not names & {"xl/workbook.xml", "xl/workbook.bin", "content.xml"}:
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
                if _is_worksheet_part(member.filename):
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


# --- .xls, .xlsb, .ods: calamine reads them; each is bounded first by a scan of its own ------
# calamine sizes a sheet's grid from its farthest cell whatever the format (a 6 KB .xls with
# one cell at IV65536 took 1 GB), and no sheet metadata tells the size before the grid is
# built, so each format's cell positions are scanned first and checked like an xlsx's.
XLS_STREAMS = ("Workbook", "Book")
# BIFF8 records holding one cell (row, column first): NUMBER, LABELSST, RK, BOOLERR, FORMULA,
# LABEL, RSTRING; MULRK holds several. Blank cells (BLANK, MULBLANK) calamine does not place.
_BIFF_CELLS = frozenset((0x0203, 0x00FD, 0x027E, 0x0205, 0x0006, 0x0204, 0x00D6))
_BIFF_MULRK, _BIFF_BOF, _BIFF_EOF, _BIFF_FILEPASS, _BIFF_BOUNDSHEET = 0x00BD, 0x0809, 0x000A, 0x002F, 0x0085
# BIFF12 (.xlsb): BrtRowHdr (row first) and the cell records (column first); 1 is a blank cell.
_XLSB_ROW, _XLSB_CELLS = 0, frozenset((2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 62))
_ODS_TOKEN = re.compile(
    rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])" + _QUOTED_ATTRS + rb">"
)
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_ODS_VALUE = re.compile(rb"office:value-type|table:formula")


def _zip_kind(data: bytes) -> str:
    """ "xlsb", "ods" or "xlsx" (whatever else, for ``check_xlsx_archive`` to judge)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "xl/workbook.bin" in names:
                return "xlsb"
            if (
                "content.xml" in names
                and "mimetype" in names
                and archive.read("mimetype")[:80].startswith(ODS_MIME)
            ):
                return "ods"
    except DAMAGED_ZIP_ERRORS as exc:
        raise _damaged_zip(exc) from exc
    return "xlsx"


def read_zipped_legacy(data: bytes, kind: str, limits: IntakeLimits) -> tuple[RawSheet, ...]:
    """An .xlsb or .ods: the zip checks of an xlsx (sizes, ratios, encryption, DTDs), then its
    sheets' cells scanned for their extent, then calamine."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            _check_members(members, limits)
            _check_no_dtd(archive, members)
            if kind == "ods":
                _check_ods(archive, limits)
            else:
                _check_xlsb(archive, limits)
    except DAMAGED_ZIP_ERRORS as exc:
        raise _damaged_zip(exc) from exc
    return _read_with_calamine(data, limits)


def _check_ods(archive: zipfile.ZipFile, limits: IntakeLimits) -> None:
    if "META-INF/manifest.xml" in archive.namelist():
        with archive.open("META-INF/manifest.xml") as manifest:
            if b"encryption-data" in manifest.read(4 * MIB):
                raise IntakeError(
                    "The spreadsheet is password-protected: remove the password in its spreadsheet program and try again."
                )
    sheets, extent, cursor = 0, None, _Cursor()
    for buffer, _ in _tag_buffers(archive.open("content.xml"), "content.xml"):
        for match in _ODS_TOKEN.finditer(buffer):
            close, name, attrs = match.groups()
            if name == b"table":
                if close:
                    if extent is not None:
                        _check_extent(extent, limits)
                    extent = None
                    continue
                sheets += 1
                if sheets > limits.max_sheets:
                    raise IntakeError(
                        f"The spreadsheet has more than {limits.max_sheets} sheets; the limit is {limits.max_sheets}."
                    )
                table_name = html.unescape(
                    _attributes(attrs).get(b"table:name", b"").decode("utf-8", "replace")
                )
                extent, cursor = _SheetExtent(f"Sheet '{table_name}'"), _Cursor()
            elif extent is None:
                continue
            elif name == b"table-row":
                if close:
                    cursor.row, cursor.col = cursor.row + cursor.repeat, 0
                else:
                    cursor.repeat = _repeats(attrs, b"table:number-rows-repeated")
                    if attrs.rstrip().endswith(b"/"):
                        cursor.row += cursor.repeat
            elif not close:
                count = _repeats(attrs, b"table:number-columns-repeated")
                # A cell holds something when it has a value type, a formula or a text child.
                filled = _ODS_VALUE.search(attrs) is not None or not attrs.rstrip().endswith(b"/")
                if filled:
                    for row in (cursor.row, cursor.row + cursor.repeat - 1):
                        extent.place_row(row, cursor.col, cursor.col, cursor.col + count - 1, 0)
                    extent.cells += count * cursor.repeat
                cursor.col += count


def _repeats(attrs: bytes, name: bytes) -> int:
    value = _attributes(attrs).get(name, b"1")
    return int(value) if value.isdigit() else 1


def _check_xlsb(archive: zipfile.ZipFile, limits: IntakeLimits) -> None:
    parts = [n for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".bin")]
    if len(parts) > limits.max_sheets:
        raise IntakeError(
            f"The workbook has more than {limits.max_sheets} sheets; the limit is {limits.max_sheets}."
        )
    for part in parts:
        extent, row = _SheetExtent(f"The workbook part {part}"), 0
        info = archive.getinfo(part)
        if info.file_size > limits.max_uncompressed_bytes:
            continue  # refused by the directory checks already
        for kind, payload in _biff12_records(archive.read(part)):
            if kind == _XLSB_ROW and len(payload) >= 4:
                row = int.from_bytes(payload[:4], "little")
            elif kind in _XLSB_CELLS and len(payload) >= 4:
                extent.place(row, int.from_bytes(payload[:4], "little"))
        _check_extent(extent, limits)


def _biff12_records(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(record type, payload) of a BIFF12 stream: type and size are 7-bit varints."""
    pos, end = 0, len(data)
    while pos < end:
        kind, pos = _varint(data, pos, 2)
        size, pos = _varint(data, pos, 4)
        yield kind, data[pos : pos + min(size, 8)]
        pos += size


def _varint(data: bytes, pos: int, most: int) -> tuple[int, int]:
    value = 0
    for shift in range(most):
        if pos >= len(data):
            break
        byte = data[pos]
        pos += 1
        if most == 2:  # a record type keeps the high bit in its value
            value |= byte << (8 * shift)
        else:
            value |= (byte & 0x7F) << (7 * shift)
        if not byte & 0x80:
            break
    return value, pos


def read_xls(data: bytes, limits: IntakeLimits) -> tuple[RawSheet, ...]:
    """An old binary .xls (BIFF in an OLE compound file): refused when password-protected
    (an encrypted OOXML package, or a FILEPASS record), its cells scanned, then calamine."""
    if ENCRYPTION_STREAM in data:
        raise IntakeError("The workbook is password-protected: remove the password in Excel and try again.")
    stream = _ole_stream(data, XLS_STREAMS)
    if stream is None:
        raise IntakeError(
            "The file is a Microsoft Office compound file without an Excel workbook in it: use an .xls, .xlsx, "
            ".ods or .csv file."
        )
    _check_biff(stream, limits)
    return _read_with_calamine(data, limits)


def _check_biff(stream: bytes, limits: IntakeLimits) -> None:
    """Each sheet's cells, from the BIFF records (the first substream holds the sheet names)."""
    pos, depth, substreams, names = 0, 0, 0, []
    extent: _SheetExtent | None = None
    while pos + 4 <= len(stream):
        kind = int.from_bytes(stream[pos : pos + 2], "little")
        size = int.from_bytes(stream[pos + 2 : pos + 4], "little")
        body = stream[pos + 4 : pos + 4 + size]
        pos += 4 + size
        if kind == _BIFF_FILEPASS:
            raise IntakeError(
                "The workbook is password-protected: remove the password in Excel and try again."
            )
        if kind == _BIFF_BOUNDSHEET and len(body) >= 8:
            names.append(_biff_sheet_name(body))
            if len(names) > limits.max_sheets:
                raise IntakeError(
                    f"The workbook has more than {limits.max_sheets} sheets; the limit is {limits.max_sheets}."
                )
        elif kind == _BIFF_BOF:
            depth += 1
            if depth == 1:
                substreams += 1
                if substreams > 1:  # the first is the workbook's globals
                    index = substreams - 2
                    extent = _SheetExtent(f"Sheet '{names[index]}'" if index < len(names) else "A sheet")
        elif kind == _BIFF_EOF:
            depth = max(0, depth - 1)
            if depth == 0 and extent is not None:
                _check_extent(extent, limits)
                extent = None
        elif extent is not None and len(body) >= 4:
            row, col = int.from_bytes(body[:2], "little"), int.from_bytes(body[2:4], "little")
            if kind in _BIFF_CELLS:
                extent.place(row, col)
            elif kind == _BIFF_MULRK and len(body) >= 6:
                last = int.from_bytes(body[-2:], "little")
                extent.place_row(row, col, col, max(col, last), max(1, last - col + 1))
    if extent is not None:
        _check_extent(extent, limits)


def _biff_sheet_name(body: bytes) -> str:
    length, flags = body[6], body[7]
    raw = body[8 : 8 + length * (2 if flags & 1 else 1)]
    return raw.decode("utf-16-le" if flags & 1 else "latin-1", "replace")


def _ole_stream(data: bytes, names: Sequence[str]) -> bytes | None:
    """The first of ``names`` found in an OLE compound file (sectors, FAT, mini stream), or
    None; a damaged structure reads as None. Every chain is bounded by the sector count."""
    try:
        shift, mini_shift = int.from_bytes(data[30:32], "little"), int.from_bytes(data[32:34], "little")
        if not 7 <= shift <= 16 or mini_shift >= shift:
            return None
        size = 1 << shift
        sectors = (len(data) - 512) // size + 1
        fat_ids = list(array_u32(data[76:512]))
        difat, difat_count = int.from_bytes(data[68:72], "little"), int.from_bytes(data[72:76], "little")
        for _ in range(min(difat_count, sectors)):
            if difat >= sectors:
                break
            block = array_u32(data[512 + difat * size : 512 + (difat + 1) * size])
            fat_ids.extend(block[:-1])
            difat = block[-1]
        fat = array("I")
        for sid in fat_ids[: int.from_bytes(data[44:48], "little")]:
            if sid < sectors:
                fat.extend(array_u32(data[512 + sid * size : 512 + (sid + 1) * size]))

        def chain(start: int) -> bytes:
            parts, sid, seen = [], start, 0
            while sid < min(len(fat), sectors) and seen <= sectors:
                parts.append(data[512 + sid * size : 512 + (sid + 1) * size])
                sid, seen = fat[sid], seen + 1
            return b"".join(parts)

        directory = chain(int.from_bytes(data[48:52], "little"))
        entries = [directory[i : i + 128] for i in range(0, len(directory) - 127, 128)]
        if not entries:
            return None
        cutoff = int.from_bytes(data[56:60], "little")
        for entry in entries:
            length = min(int.from_bytes(entry[64:66], "little"), 64)
            name = entry[: max(0, length - 2)].decode("utf-16-le", "replace")
            if entry[66] != 2 or name not in names:
                continue
            start, stream_size = (
                int.from_bytes(entry[116:120], "little"),
                int.from_bytes(entry[120:124], "little"),
            )
            if stream_size >= cutoff:
                return chain(start)[:stream_size]
            root = entries[0]
            mini_stream = chain(int.from_bytes(root[116:120], "little"))
            minifat = array_u32(chain(int.from_bytes(data[60:64], "little")))
            mini, parts, sid, seen = 1 << mini_shift, [], start, 0
            while sid < len(minifat) and seen <= len(minifat):
                parts.append(mini_stream[sid * mini : (sid + 1) * mini])
                sid, seen = minifat[sid], seen + 1
            return b"".join(parts)[:stream_size]
    except (IndexError, ValueError):
        return None
    return None


def array_u32(raw: bytes) -> array:
    """Little-endian unsigned 32-bit integers (a trailing partial one is dropped)."""
    values = array("I")
    values.frombytes(raw[: len(raw) - len(raw) % 4])
    if values.itemsize != 4:  # pragma: no cover - "I" is 4 bytes on every platform Python runs on here
        raise ValueError("unsigned int is not 32-bit")
    return values


# --- csv -------------------------------------------------------------------------------
# The delimiter is decided on whole records (a quoted cell may hold line breaks and
# delimiters), parsed as the csv module parses them, from the first ``DIALECT_RECORDS``.
DIALECT_RECORDS = 2_000
_SURROGATE = re.compile("[\udc80-\udcff]")
_NON_ASCII = re.compile("[^\x00-\x7f\udc80-\udcff]")
# Bytes cp1252 leaves undefined: a file holding one is read as Latin-1.
CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")


@dataclass(frozen=True)
class ReaderNote:
    """Something the reader found that the user should see beside the rows: ``row`` is the
    row number as Excel shows it (None for the whole file), ``column`` a column letter."""

    row: int | None
    column: str
    value: str
    reason: str
    severity: Severity
    code: IssueCode


@dataclass(frozen=True)
class DecodedText:
    """A csv's text, the encoding used and why; undecodable bytes are kept as lone
    surrogates (``surrogateescape``) until the cells holding them are known."""

    text: str
    encoding: str
    reason: str
    undecodable: int = 0


def read_csv(data: bytes, limits: IntakeLimits) -> Workbook:
    """A csv as one sheet: encoding and delimiter detected, parsed strictly, ragged rows padded.

    Row numbers are records, as Excel numbers a csv's rows (a cell with line breaks is one
    row). A quote that opens a cell and never closes refuses the file with its row: read
    leniently, it would swallow every row after it into one cell."""
    decoded = decode_text(data)
    text = decoded.text
    delimiter = detect_delimiter(text)
    row_cap = limits.max_rows + 100  # headroom for title rows above the header
    # A one-column file is split on a character that never occurs in text (unit separator).
    reader = csv.reader(_lines(text), delimiter=delimiter or "\x1f", strict=True)
    rows: list[list[object]] = []
    try:
        for row in itertools.islice(_shared_cells(reader), row_cap + 1):
            rows.append(row)
    except csv.Error as exc:
        raise _unclosed_quote(text, delimiter, len(rows), exc) from exc
    if len(rows) > row_cap:
        raise IntakeError(
            f"The file has more than {limits.max_rows:,} rows; the limit is {limits.max_rows:,}."
        )
    width = max((len(r) for r in rows), default=0)
    if width > limits.max_columns:
        raise IntakeError(f"The file has {width} columns; the limit is {limits.max_columns}.")
    if any(len(r) != width for r in rows):
        rows = [r + [""] * (width - len(r)) for r in rows]  # ragged lines: missing cells are empty
    notes = _encoding_notes(decoded, rows)
    return Workbook(
        "csv",
        (RawSheet(name="", rows=rows),),
        encoding=decoded.encoding,
        delimiter=delimiter,
        notes=notes,
        encoding_reason=decoded.reason,
    )


def _unclosed_quote(text: str, delimiter: str | None, rows_read: int, exc: csv.Error) -> IntakeError:
    """The error for a record the strict parser refused: the row and line where its cell's
    quote opened (a stray quote), so the user can find it."""
    row = rows_read + 1
    line, column = _record_start(text, delimiter, rows_read)
    where = f"row {row} (line {line}), column {column_letter(column)}" if column is not None else f"row {row}"
    if "field larger" in str(exc) and column is None:
        return IntakeError(
            f"The csv's cell at {where} holds more than {csv.field_size_limit():,} characters: "
            "shorten it or split it over several cells, save and import again."
        )
    return IntakeError(
        f"The csv has a quote opened at {where} that is never closed as csv requires ({_first_line(exc)}): "
        "read on, the rows after it would merge into one cell. Remove the stray quote or close it, "
        "save and import again."
    )


def _record_start(text: str, delimiter: str | None, records: int) -> tuple[int, int | None]:
    """(physical line, 0-based column of the first quoted cell left open on that line) of the
    record after the first ``records`` complete ones."""
    reader = csv.reader(_lines(text), delimiter=delimiter or "\x1f", strict=False)
    for _ in itertools.islice(reader, records):
        pass
    line = reader.line_num + 1
    first = next(itertools.islice(_lines(text), line - 1, None), "")
    return line, _open_quote_column(first.rstrip("\r\n"), delimiter or "\x1f")


def _open_quote_column(line: str, delimiter: str) -> int | None:
    """The column whose quoted cell is still open at the end of ``line`` (or, for text after
    a closing quote, the cell holding it); None when every cell on the line is well formed."""
    column, pos = 0, 0
    while pos <= len(line):
        if line.startswith('"', pos):
            end = pos + 1
            while True:
                end = line.find('"', end)
                if end < 0:
                    return column  # never closed on this line
                if line.startswith('""', end):
                    end += 2
                    continue
                break
            if end + 1 < len(line) and line[end + 1] != delimiter:
                return column  # text after the closing quote
            pos = end + 2
        else:
            nxt = line.find(delimiter, pos)
            if nxt < 0:
                return None
            pos = nxt + 1
        column += 1
    return None


def _encoding_notes(decoded: DecodedText, rows: list[list[object]]) -> tuple[ReaderNote, ...]:
    """A note for an encoding chosen on evidence, and one per cell holding undecodable bytes
    (the bytes then shown as U+FFFD)."""
    notes = []
    if decoded.encoding in ("cp1252", "latin-1"):
        notes.append(ReaderNote(None, "", "", decoded.reason, Severity.INFO, IssueCode.LEGACY_ENCODING))
    if not decoded.undecodable:
        return tuple(notes)
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if isinstance(cell, str) and _SURROGATE.search(cell):
                shown = _SURROGATE.sub("\ufffd", cell)
                row[c] = shown
                count = len(_SURROGATE.findall(cell))
                reason = (
                    f"{count} byte{'s' if count > 1 else ''} not valid UTF-8, shown as \ufffd; the rest of the "
                    f"file is UTF-8 ({decoded.reason})"
                )
                notes.append(
                    ReaderNote(
                        r + 1, column_letter(c), shown, reason, Severity.WARNING, IssueCode.UNDECODABLE_TEXT
                    )
                )
    return tuple(notes)


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


def decode_text(data: bytes) -> DecodedText:
    """The text, the encoding used and why. A BOM decides (UTF-8, UTF-16: Excel's "Unicode
    text"); otherwise the evidence of the whole file: UTF-8 when it is valid UTF-8, or when
    its valid UTF-8 characters are at least as many as its invalid bytes (those are then
    reported per cell, never re-decoded); cp1252 (Excel on Windows) when its non-ASCII bytes
    form no more UTF-8 characters than invalid ones; Latin-1 when cp1252 leaves a byte undefined."""
    if data.startswith(codecs.BOM_UTF8):
        body = data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="surrogateescape")
        bad = len(_SURROGATE.findall(body))
        return DecodedText(body, "utf-8-sig", "the file starts with a UTF-8 byte-order mark", bad)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return DecodedText(
            data.decode("utf-16", errors="replace"), "utf-16", "the file starts with a UTF-16 byte-order mark"
        )
    if b"\x00" in data[:CSV_SAMPLE_CHARS]:
        raise IntakeError("The file holds binary data: it is not a spreadsheet or a csv text file.")
    try:
        return DecodedText(data.decode("utf-8"), "utf-8", "the file is valid UTF-8")
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="surrogateescape")
    bad = len(_SURROGATE.findall(text))
    good = len(_NON_ASCII.findall(text))
    if good >= bad:
        reason = f"{good:,} characters are valid UTF-8 and {bad:,} bytes are not"
        return DecodedText(text, "utf-8", reason, bad)
    evidence = f"{bad:,} bytes are not valid UTF-8 and only {good:,} characters are"
    if CP1252_UNDEFINED.search(data):
        return DecodedText(
            data.decode("latin-1"),
            "latin-1",
            f"read as Latin-1: {evidence}, and cp1252 leaves some bytes undefined",
        )
    return DecodedText(data.decode("cp1252"), "cp1252", f"read as Windows cp1252: {evidence}")


def detect_delimiter(text: str) -> str | None:
    """The delimiter whose records have the most consistent number (≥ 2) of fields, judged
    on the first ``DIALECT_RECORDS`` whole records as the strict csv parser reads them (so
    quoted cells holding line breaks or delimiters count as one cell); None for a
    single-column file. A delimiter whose parse breaks on a quote only wins when none reads
    the records cleanly; then the share of records agreeing on one width (a wrong delimiter
    splits a multi-line cell into many ragged records), then the wider table. At least half
    the records (and two) must agree, so a few values with commas in a one-column list do
    not make it comma-separated."""
    best: tuple[bool, float, int, str | None] = (False, 0.0, 0, None)
    for delimiter in CSV_DELIMITERS:
        widths, clean = _record_widths(text, delimiter)
        records = [w for w in widths if w]  # blank lines are no records
        multi = [w for w in records if w >= 2]
        if not multi:
            continue
        modal = max(set(multi), key=lambda w: (multi.count(w), w))
        agreeing = records.count(modal)
        if agreeing >= max(2, len(records) / 2) or (len(records) == 1 and agreeing == 1):
            best = max(best, (clean, agreeing / len(records), modal, delimiter), key=lambda b: b[:3])
    return best[3]


def _record_widths(text: str, delimiter: str) -> tuple[list[int], bool]:
    """Field counts of the first records (0 for a blank line), and whether they parsed cleanly."""
    reader = csv.reader(_lines(text), delimiter=delimiter, strict=True)
    widths: list[int] = []
    try:
        for row in itertools.islice(reader, DIALECT_RECORDS):
            widths.append(0 if not any(cell.strip() for cell in row) else len(row))
    except csv.Error:
        return widths, False
    return widths, True
