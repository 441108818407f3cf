"""What every reader shares: the grid a file becomes (``RawSheet``, ``Workbook``) and the
reader's notes, the file-level checks (size, signatures, the zip directory of any zipped
workbook), calamine behind one error boundary, and repeated values shared as one object."""

from __future__ import annotations

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
from kairo_scoring.intake.codes import IssueCode, Severity
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
# Every file name ending intake reads (the content decides how; these say what a user may choose).
READABLE_SUFFIXES: tuple[str, ...] = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".csv", ".tsv", ".txt")
READABLE_FORMATS = "an .xlsx, .xlsm, .xls, .xlsb, .ods or .csv file"
DTD_SCAN_BYTES = 64 * 1024
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)

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


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


SHARED_CELL_TEXTS = 65_536


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
