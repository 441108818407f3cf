"""The formatted workbook (`export_xlsx`, `write_xlsx`): Pilots, Summary, Rejected,
Provenance, Decisions and Profile sheets, each with a dark frozen header and filters, verdicts
in their colours.

The workbook is streamed row by row (xlsxwriter's constant_memory mode), so its memory does
not grow with the table. A text longer than an Excel cell holds (32,767 characters) is never
cut silently: the cell keeps as much as fits and ends with a marker saying how long the text
was and where it is whole (`CUT_MARKER`), a 'Cut cells' sheet lists every such cell, and
`xlsx_cut_cells` finds them for the CLI and the Export page to say so."""

from __future__ import annotations

import io
import math
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
import xlsxwriter

from kairo_scoring.exports.formulas import FORMULA_TRIGGERS, WORKBOOK_OPTIONS
from kairo_scoring.exports.tables import people_frame, profile_frame, summary_frame
from kairo_scoring.present.formats import count, count_phrase
from kairo_scoring.present.labels import column_label, verdict_label
from kairo_scoring.present.palette import VERDICT_COLOURS
from kairo_scoring.present.provenance import provenance_sheet
from kairo_scoring.present.report import decision_log
from kairo_scoring.profile import Profile
from kairo_scoring.values import column_letter

ROW_CHUNK = 5_000  # rows turned into Python values at once while streaming a sheet
MAX_CELL_TEXT = 32_767  # Excel's limit for one cell (xlsxwriter clips to it, in UTF-16 units)
# Ends a cell cut to fit: its text's full length, and where the text is whole.
CUT_MARKER = "… [cut: {characters} characters; full text in {where}]"
CUT_SHEET = "Cut cells"
CUT_CELL_COLUMNS = ("Sheet", "Cell", "Column", "Characters", "Full text in")
WHOLE_IN = {"Pilots": "the csv export"}  # every other sheet's text comes from the source file


def export_xlsx(
    table: pd.DataFrame,
    profile: Profile,
    *,
    rejected: pd.DataFrame | None = None,
    provenance: pd.DataFrame | None = None,
    decisions: pd.DataFrame | None = None,
) -> bytes:
    """A formatted workbook: Pilots (frozen header, filters, verdict colours), Summary, Rejected,
    Provenance (when given), Decisions (when there are any) and Profile."""
    buffer = io.BytesIO()
    write_xlsx(buffer, table, profile, rejected=rejected, provenance=provenance, decisions=decisions)
    return buffer.getvalue()


def write_xlsx(
    target: str | Path | IO[bytes],
    table: pd.DataFrame,
    profile: Profile,
    *,
    rejected: pd.DataFrame | None = None,
    provenance: pd.DataFrame | None = None,
    scratch_dir: str | Path | None = None,
    decisions: pd.DataFrame | None = None,
) -> None:
    """Write the `export_xlsx` workbook to a path or binary file, streamed row by row.

    `provenance` (a snapshot's provenance table, ``PROVENANCE_COLUMNS``) adds a Provenance
    sheet: one row per known value of the table's pilots, with its source in words.
    `decisions` (`PortfolioStore.decisions`) adds a Decisions sheet when it holds any: who
    decided what, when, why and the sign-off (`decision_log`), pilots named as the table names them.
    Rows are flushed as they are written, to temporary files in `scratch_dir` (the system's
    temporary folder by default) that are removed when the workbook is done or has failed.
    """
    sheets = _xlsx_sheets(table, profile, rejected=rejected, provenance=provenance, decisions=decisions)
    cut = _cut_cells(sheets)
    if len(cut):
        sheets[CUT_SHEET] = cut
    with tempfile.TemporaryDirectory(prefix="kairo-xlsx-", dir=scratch_dir) as scratch:
        target = str(target) if isinstance(target, Path) else target
        book = xlsxwriter.Workbook(target, {**WORKBOOK_OPTIONS, "constant_memory": True, "tmpdir": scratch})
        _write_sheets(book, sheets)
        _colour_verdicts(book, book.get_worksheet_by_name("Pilots"), sheets["Pilots"])
        book.close()


def _xlsx_sheets(
    table: pd.DataFrame,
    profile: Profile,
    *,
    rejected: pd.DataFrame | None = None,
    provenance: pd.DataFrame | None = None,
    decisions: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """The frames `write_xlsx` writes, by sheet name, in order."""
    sheets = {"Pilots": people_frame(table, profile), "Summary": summary_frame(table, profile.currency)}
    if rejected is not None and len(rejected):
        sheets["Rejected"] = rejected
    if provenance is not None:
        shown = provenance[provenance["pilot_id"].isin(table["pilot_id"].astype("string")).to_numpy()]
        sheets["Provenance"] = provenance_sheet(shown)
    if decisions is not None and len(decisions):
        sheets[DECISIONS_SHEET] = decision_log(decisions, names=_pilot_names(table))
    sheets["Profile"] = profile_frame(profile)
    return sheets


def xlsx_cut_cells(
    table: pd.DataFrame,
    profile: Profile,
    *,
    rejected: pd.DataFrame | None = None,
    provenance: pd.DataFrame | None = None,
    decisions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The cells the `export_xlsx` workbook of these arguments cuts to fit Excel's 32,767
    characters (`CUT_CELL_COLUMNS`: sheet, cell as Excel names it, column header, the text's
    full length, where the text is whole); empty when nothing is cut. The workbook lists the
    same cells on its 'Cut cells' sheet."""
    return _cut_cells(
        _xlsx_sheets(table, profile, rejected=rejected, provenance=provenance, decisions=decisions)
    )


def cut_cells_sentence(cut: int) -> str:
    """What the CLI and the Export page say when the xlsx cuts `cut` cells ('' for none)."""
    if not cut:
        return ""
    return (
        f"{count_phrase(cut, 'cell')} longer than an Excel cell holds ({count(MAX_CELL_TEXT)} characters) "
        f"{'is' if cut == 1 else 'are'} cut in the xlsx, marked '[cut: …]' and listed on its "
        f"'{CUT_SHEET}' sheet; the csv export keeps {'it' if cut == 1 else 'them'} whole."
    )


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _too_long(text: str) -> bool:
    # Excel counts UTF-16 units; a text of at most half the limit cannot exceed it.
    return len(text) > MAX_CELL_TEXT // 2 and _utf16_length(text) > MAX_CELL_TEXT


def _cut_text(text: str, sheet_name: str) -> str:
    """The text cut to fit one cell, ending with `CUT_MARKER` (the whole cell fits the limit)."""
    marker = CUT_MARKER.format(characters=count(len(text)), where=WHOLE_IN.get(sheet_name, "the source file"))
    keep = MAX_CELL_TEXT - _utf16_length(marker)
    # errors="ignore" drops half a surrogate pair left at the cut.
    kept = text.encode("utf-16-le")[: keep * 2].decode("utf-16-le", errors="ignore")
    return kept + marker


def _cut_cells(sheets: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Every text cell of `sheets` too long for Excel, in sheet, row and column order."""
    rows = []
    for sheet_name, frame in sheets.items():
        for col, column in enumerate(frame.columns):
            values = frame[column]
            if values.dtype.kind not in "OSU" and not isinstance(values.dtype, pd.StringDtype):
                continue
            lengths = values.map(lambda v: len(v) if isinstance(v, str) else 0).to_numpy()
            for position in np.flatnonzero(lengths > MAX_CELL_TEXT // 2):
                text = values.iat[position]
                if _too_long(text):
                    rows.append(
                        (
                            sheet_name,
                            f"{column_letter(col)}{position + 2}",  # row 1 is the header
                            str(column),
                            len(text),
                            WHOLE_IN.get(sheet_name, "the source file"),
                            position,
                            col,
                        )
                    )
    rows.sort(key=lambda r: (list(sheets).index(r[0]), r[5], r[6]))
    return pd.DataFrame([r[:5] for r in rows], columns=list(CUT_CELL_COLUMNS)).astype({"Characters": "int64"})


def _write_sheets(book, sheets: Mapping[str, pd.DataFrame]) -> None:
    """Each frame as a sheet: a dark header row (quote-prefixed), frozen, filtered, sized."""
    text_format = book.add_format({"quote_prefix": True})
    header = book.add_format(
        # Quote-prefixed like risky text cells: rejected rows keep the upload's own headers.
        {
            "bold": True,
            "bg_color": "#1F2937",
            "font_color": "#FFFFFF",
            "text_wrap": True,
            "quote_prefix": True,
        }
    )
    for name, frame in sheets.items():
        sheet = book.add_worksheet(name)
        for col, column in enumerate(frame.columns):
            sheet.write_string(0, col, str(column), header)
        _write_rows(sheet, frame, text_format, sheet_name=name)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(frame), 1), max(len(frame.columns) - 1, 0))
        _size_columns(sheet, frame)


def _write_rows(sheet, frame: pd.DataFrame, text_format, *, sheet_name: str = "") -> None:
    """The frame's cells below the header, in row order (constant_memory keeps one row at a time).

    Text that starts like a formula is written quote-prefixed; numbers stay numbers; missing
    values stay blank; infinities are written as text, as pandas does; a text too long for a
    cell is cut to fit and marked (`CUT_MARKER`), never clipped silently.
    """
    write_string, write_number, write_boolean = sheet.write_string, sheet.write_number, sheet.write_boolean
    for row, record in enumerate(_records(frame), start=1):
        for col, value in enumerate(record):
            if value is None:
                continue
            kind = type(value)
            if kind is str:
                if not value:
                    continue  # an empty text is a blank cell, as pandas writes it
                if len(value) > MAX_CELL_TEXT // 2 and _too_long(value):
                    value = _cut_text(value, sheet_name)
                write_string(row, col, value, text_format if value.startswith(FORMULA_TRIGGERS) else None)
            elif kind is bool or kind is np.bool_:
                write_boolean(row, col, bool(value))
            elif isinstance(value, int | float | np.number) and math.isfinite(value):
                write_number(row, col, value)
            else:  # infinities, dates, anything else: its text, formula-safe like any text
                text = str(value)
                if _too_long(text):
                    text = _cut_text(text, sheet_name)
                write_string(row, col, text, text_format if text.startswith(FORMULA_TRIGGERS) else None)


def _records(frame: pd.DataFrame, chunk: int = ROW_CHUNK):
    """The frame's rows as tuples of Python values (None for missing), a chunk of rows at a time,
    so the Python objects alive at once stay few however long the frame."""
    for start in range(0, len(frame), chunk):
        part = frame.iloc[start : start + chunk]
        columns = [part[column].astype(object).where(part[column].notna(), None).tolist() for column in part]
        yield from zip(*columns, strict=True)


def _size_columns(sheet, frame: pd.DataFrame) -> None:
    for col, column in enumerate(frame.columns):
        sample = frame[column].head(200).astype("string").str.len().max()
        width = max(len(str(column)), 0 if pd.isna(sample) else int(sample))
        sheet.set_column(col, col, min(max(width + 2, 8), 60))


def _colour_verdicts(book, sheet, pilots: pd.DataFrame) -> None:
    header = column_label("verdict")
    if header not in pilots.columns or pilots.empty:
        return
    col = pilots.columns.get_loc(header)
    for verdict, colour in VERDICT_COLOURS.items():
        fill = book.add_format({"bg_color": colour, "font_color": "#FFFFFF"})
        sheet.conditional_format(
            1,
            col,
            len(pilots),
            col,
            {"type": "cell", "criteria": "==", "value": f'"{verdict_label(verdict)}"', "format": fill},
        )


DECISIONS_SHEET = "Decisions"


def _pilot_names(table: pd.DataFrame) -> dict[str, str]:
    if "name" not in table:
        return {}
    return dict(zip(table["pilot_id"].astype(str), table["name"].astype(str), strict=True))
