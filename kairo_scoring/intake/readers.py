"""Reading bytes into grids of cells: xlsx/xlsm with python-calamine, csv with the csv module.

Everything a file can do wrong is turned into ``IntakeError`` with a one-line reason here,
before any parser sees it: wrong file type, oversized file, zip bomb (refused from the zip
directory, before inflating), XML with a document type declaration (the entity-expansion
attack; Excel never writes one), password protection, old binary formats.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import python_calamine

from kairo_scoring.errors import IntakeError
from kairo_scoring.intake.limits import MIB, IntakeLimits

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
        raise IntakeError("The file is empty.")


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
                "The workbook is password-protected: remove the password in Excel and upload it again."
            )
        raise IntakeError("This is an old binary Excel file (.xls): open it in Excel and save it as .xlsx.")
    for magic, what in FILE_SIGNATURES:
        if data.startswith(magic):
            raise IntakeError(f"The file is {what}, not a spreadsheet: upload an .xlsx, .xlsm or .csv file.")
    if suffix in EXCEL_SUFFIXES:
        raise IntakeError(
            f"The file is named {suffix} but is not an Excel workbook (it is not a zip archive)."
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
    return RawSheet(
        name=meta.name,
        rows=sheet.to_python(skip_empty_area=True),
        first_row=start_row + 1,
        first_col=start_col,
        merged=merged,
        visible=str(meta.visible).endswith("Visible"),
    )


def check_xlsx_archive(data: bytes, limits: IntakeLimits) -> None:
    """Refuse a zip that is not a workbook, is too big or too compressed once inflated (judged
    from the zip directory, before inflating), is encrypted, or holds XML with a DTD."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            _check_members(members, limits)
            _check_no_dtd(archive, members)
    except DAMAGED_ZIP_ERRORS as exc:
        raise _damaged_zip(exc) from exc


def _damaged_zip(exc: BaseException) -> IntakeError:
    return IntakeError(f"The file looks like an xlsx but its zip structure is damaged: {_first_line(exc)}")


def _check_members(members: list[zipfile.ZipInfo], limits: IntakeLimits) -> None:
    names = {m.filename for m in members}
    if "xl/workbook.bin" in names:
        raise IntakeError("Binary workbooks (.xlsb) are not supported: save it as .xlsx.")
    if "xl/workbook.xml" not in names:
        raise IntakeError("The file is a zip archive but not an Excel workbook (no xl/workbook.xml).")
    if len(members) > limits.max_zip_members:
        raise IntakeError(
            f"The workbook holds {len(members):,} parts; the limit is {limits.max_zip_members:,}."
        )
    if any(m.flag_bits & 0x1 for m in members):
        raise IntakeError(
            "The workbook's parts are encrypted: remove the password in Excel and upload it again."
        )
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
    except Exception as exc:  # openpyxl raises many types; a report is not worth failing the import
        raise IntakeError(f"The workbook's formulas cannot be read: {_first_line(exc)}") from exc


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
