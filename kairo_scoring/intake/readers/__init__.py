"""Reading bytes into grids of cells, one module per format: ``xlsx`` (xlsx/xlsm), ``legacy``
(.xls, .xlsb, .ods), ``csv`` (csv/tsv/txt); ``common`` holds what they share (the grid types,
file checks, calamine's error boundary) and ``extent`` the cell-placement bounds every
format's pre-scan uses. ``read_workbook`` sniffs the content and hands it to one of them.

Everything a file can do wrong is turned into ``IntakeError`` with a one-line reason here,
before any parser sees it: wrong file type, oversized file, zip bomb (refused from the zip
directory, before inflating), XML with a document type declaration (the entity-expansion
attack; Excel never writes one), password protection, and a workbook whose sheets, used
ranges, shared strings or text would make the reader allocate beyond the limits (judged by
scanning the format's own cell records before calamine opens it).
"""

from __future__ import annotations

from pathlib import Path

from kairo_scoring.errors import IntakeError
from kairo_scoring.intake.limits import IntakeLimits
from kairo_scoring.intake.readers.common import (
    EXCEL_SUFFIXES,
    FILE_SIGNATURES,
    OLE_MAGIC,
    READABLE_FORMATS,
    READABLE_SUFFIXES,
    ZIP_MAGICS,
    RawSheet,
    ReaderNote,
    Workbook,
    _read_with_calamine,
    check_file_size,
    load_bytes,
)
from kairo_scoring.intake.readers.csv import decode_text, detect_delimiter, read_csv
from kairo_scoring.intake.readers.legacy import _zip_kind, read_xls, read_zipped_legacy
from kairo_scoring.intake.readers.xlsx import (
    _scan_sheet_part,  # noqa: F401 (where tests/reliability/test_reliability_xlsx_rows.py reads it)
    check_xlsx_archive,
    check_xlsx_extent,
    formula_cells,
    has_formulas,
)

__all__ = [
    "READABLE_FORMATS",
    "READABLE_SUFFIXES",
    "RawSheet",
    "ReaderNote",
    "Workbook",
    "check_file_size",
    "check_xlsx_archive",
    "check_xlsx_extent",
    "decode_text",
    "detect_delimiter",
    "formula_cells",
    "has_formulas",
    "load_bytes",
    "read_workbook",
]


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
