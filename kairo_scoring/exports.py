"""Exports people open outside the tool: formatted xlsx and csv, safe against formula injection,
and the one way the CLI writes a file.

The csv (and parquet) keep the codes, for other tools to read. The xlsx is for people: every
option, verdict, field and gate is named by its label (`present.labels`), unknown reads
'unknown', scores are whole numbers and money carries the profile's currency in its header.

A spreadsheet evaluates a cell that starts with = + - @ (and some tools also tab, CR or
NUL) as a formula. Text from uploads can start that way, so every text cell that does is
written as text: in xlsx as a string cell with Excel's quote prefix, in csv with a
leading apostrophe (OWASP's advice for CSV injection).

The workbook is streamed row by row (xlsxwriter's constant_memory mode), so its memory does
not grow with the table. Files are written through `write_outputs`: a temporary file beside
the target, renamed over it only once complete, so a full disk or a refused write leaves no
partial file, and an input is never overwritten.

A text longer than an Excel cell holds (32,767 characters) is never cut silently: the xlsx
cell keeps as much as fits and ends with a marker saying how long the text was and where it is
whole (`CUT_MARKER`), a 'Cut cells' sheet lists every such cell, and `xlsx_cut_cells` finds them
for the CLI and the Export page to say so. The csv and parquet keep every text whole.

Over 400 lines because every file format the product writes for people and machines (csv, parquet,
the formatted xlsx with its extra sheets, the atomic write) shares one set of column rules, kept in
one place.
"""

from __future__ import annotations

import contextlib
import errno
import io
import math
import os
import secrets
import stat
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.exceptions import FileCreateError

from kairo_scoring.errors import OutputError, Remedy
from kairo_scoring.present.formats import count, count_phrase
from kairo_scoring.present.labels import (
    blockers_in_words,
    column_label,
    field_label,
    is_known_column,
    label_values,
    option_label,
    verdict_label,
)
from kairo_scoring.present.palette import VERDICT_COLOURS
from kairo_scoring.present.provenance import provenance_sheet
from kairo_scoring.present.report import decision_log
from kairo_scoring.profile import Profile
from kairo_scoring.schema import CANONICAL_COLUMNS, OPTIONS, VERDICTS
from kairo_scoring.values import column_letter

FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
LEADING_COLUMNS = (
    "pilot_id", "name", "business_unit", "owner", "stage", "current_mode", "recommended", "target",
    "verdict", "readiness", "completeness", "fit_assisted", "fit_workspace", "fit_pipeline",
    "supply_level", "demand", "next_step", "blockers", "missing_fields",
)  # fmt: skip
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
ROW_CHUNK = 5_000  # rows turned into Python values at once while streaming a sheet
MAX_CELL_TEXT = 32_767  # Excel's limit for one cell (xlsxwriter clips to it, in UTF-16 units)
# Ends a cell cut to fit: its text's full length, and where the text is whole.
CUT_MARKER = "… [cut: {characters} characters; full text in {where}]"
CUT_SHEET = "Cut cells"
CUT_CELL_COLUMNS = ("Sheet", "Cell", "Column", "Characters", "Full text in")
WHOLE_IN = {"Pilots": "the csv export"}  # every other sheet's text comes from the source file


def _text_columns(frame: pd.DataFrame) -> list[str]:
    return [
        c
        for c in frame.columns
        if isinstance(frame[c].dtype, pd.StringDtype | pd.CategoricalDtype) or frame[c].dtype == object
    ]


def _risky(series: pd.Series) -> np.ndarray:
    text = series.astype("string")
    return text.str.slice(0, 1).isin(FORMULA_TRIGGERS).fillna(False).to_numpy(bool)


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy in which every text cell that a spreadsheet would run as a formula starts with an apostrophe."""
    out = frame.copy()
    for column in _text_columns(out):
        risky = _risky(out[column])
        if risky.any():
            text = out[column].astype("string")
            out[column] = text.where(~risky, "'" + text)
    return out


def ordered_columns(table: pd.DataFrame) -> list[str]:
    """Decision columns first, then the inputs, then everything else."""
    first = [c for c in LEADING_COLUMNS if c in table.columns]
    inputs = [c for c in CANONICAL_COLUMNS if c in table.columns and c not in first]
    rest = [c for c in table.columns if c not in first and c not in inputs]
    return first + inputs + rest


def export_csv(table: pd.DataFrame) -> bytes:
    """The table as UTF-8 csv (with BOM so Excel reads accents), formula-safe."""
    buffer = io.BytesIO()
    write_csv(buffer, table)
    return buffer.getvalue()


def write_csv(target: str | Path | IO[bytes], table: pd.DataFrame) -> None:
    """Write the table as `export_csv` does to a path or binary file."""
    _write_csv_frame(target, neutralise_formulas(table[ordered_columns(table)]))


def _write_csv_frame(target: str | Path | IO[bytes], frame: pd.DataFrame) -> None:
    # RFC 4180 line ends make the writer quote any field holding a CR or LF. The header row is
    # neutralised too: rejected rows keep the upload's own column names.
    header = [_neutral_label(column) for column in frame.columns]
    frame.to_csv(target, index=False, header=header, lineterminator="\r\n", encoding="utf-8-sig")


def _neutral_label(column: object) -> str:
    text = str(column)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


# 0–100 figures people read as whole numbers (the pages show them so too).
WHOLE_NUMBER_COLUMNS = ("readiness", "completeness", "fit_assisted", "fit_workspace", "fit_pipeline")


def _money_header(currency: str) -> str:
    return f"{column_label('monthly_value')} ({currency})"


def people_frame(table: pd.DataFrame, profile: Profile) -> pd.DataFrame:
    """The scored table as the xlsx shows it: labels for codes, 'unknown' for missing text,
    whole-number scores, blockers in words, and headers people read."""
    frame = table[ordered_columns(table)]
    frame = label_values(frame)
    for column in frame.columns:
        if column in WHOLE_NUMBER_COLUMNS or str(column).startswith("score_"):
            frame[column] = frame[column].astype("float64").round(0)
        elif column == "monthly_value":
            frame[column] = frame[column].astype("float64").round(2)
    if "blockers" in frame.columns:
        codes, uniques = pd.factorize(table["blockers"].astype(object), use_na_sentinel=True)
        words = [blockers_in_words(u, profile) for u in uniques] + [""]
        frame["blockers"] = [words[c] for c in codes]
    headers = {c: column_label(str(c)) for c in frame.columns if is_known_column(c)}
    if "monthly_value" in headers:
        headers["monthly_value"] = _money_header(profile.currency)
    return frame.rename(columns=headers)


def summary_frame(table: pd.DataFrame, currency: str = "") -> pd.DataFrame:
    """Counts and monthly value per verdict, the portfolio's one-glance summary."""
    value = table["monthly_value"] if "monthly_value" in table.columns else pd.Series(0.0, index=table.index)
    grouped = (
        pd.DataFrame({"verdict": table["verdict"].astype("string"), "value": value})
        .groupby("verdict", observed=True)
        .agg(pilots=("value", "size"), monthly_value=("value", "sum"))
    )
    rows = [
        {
            column_label("verdict"): verdict_label(v),
            column_label("pilots"): int(grouped["pilots"].get(v, 0)),
            _money_header(currency) if currency else column_label("monthly_value"): round(
                float(grouped["monthly_value"].get(v, 0.0)), 2
            ),
        }
        for v in VERDICTS
    ]
    return pd.DataFrame(rows)


def profile_frame(profile: Profile) -> pd.DataFrame:
    """The profile that scored the table, as rows a reader can audit (in words)."""
    api, workspace = option_label(OPTIONS[2]), option_label(OPTIONS[1])
    volume, users = field_label("monthly_volume").lower(), field_label("users").lower()
    rows = [("Profile", "Profile name", profile.name), ("Profile", "Version", profile.version)]
    rows += [("Profile", "Content hash", profile.content_hash), ("Profile", "Currency", profile.currency)]
    rows += [("Weight", dim.capitalize(), weight) for dim, weight in profile.weights.items()]
    rows += [
        ("Dimension", dim.capitalize(), ", ".join(field_label(f) for f in fields))
        for dim, fields in profile.dimensions.items()
    ]
    rows += [
        ("Demand", f"{api} when {volume} is at least", count(profile.api_pipeline_min_volume)),
        ("Demand", f"{workspace} when {volume} is at least", count(profile.shared_workspace_min_volume)),
        ("Demand", f"{workspace} when {users} are at least", count(profile.shared_workspace_min_users)),
        ("Fit", "Gates weight", profile.fit_gates_weight),
        ("Fit", "Demand weight", profile.fit_demand_weight),
        ("Verdicts", "Priority", " > ".join(verdict_label(v) for v in profile.verdict_priority)),
    ]
    rows += [("Gate", option_label(g.option), g.phrase()) for g in profile.gates]
    return pd.DataFrame(rows, columns=["Part", "Item", "Value"]).astype({"Value": str})


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


# The per-pilot questions workbook's headers (its csv keeps the codes).
QUESTION_HEADERS: dict[str, str] = {
    "questions": "Questions to ask, in order",
    "exact": "No smaller set decides it",
}


def export_questions_csv(pilots: pd.DataFrame) -> bytes:
    """The per-pilot questions as `write_questions` writes its csv (the page's download)."""
    buffer = io.BytesIO()
    _write_csv_frame(buffer, neutralise_formulas(pilots))
    return buffer.getvalue()


def write_questions(path: Path, pilots: pd.DataFrame, *, inputs: Sequence[Path] = ()) -> list[Path]:
    """Write the per-pilot questions (`present.pilot_questions_frame`) as csv (the columns as
    they are, formula-safe) or xlsx (a 'Questions' sheet with headers people read), through
    `write_outputs`."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return write_outputs(
            {path: lambda temp: _write_csv_frame(temp, neutralise_formulas(pilots))}, inputs=inputs
        )
    if suffix != ".xlsx":
        raise OutputError(
            f"the questions are written as .csv or .xlsx: {path.name}", remedy=Remedy.OUTPUT_PATH
        )
    headers = {c: QUESTION_HEADERS.get(c) or column_label(c) for c in pilots.columns}

    def write(temp: Path) -> None:
        book = xlsxwriter.Workbook(
            str(temp), {**WORKBOOK_OPTIONS, "constant_memory": True, "tmpdir": str(temp.parent)}
        )
        _write_sheets(book, {"Questions": pilots.rename(columns=headers)})
        book.close()

    return write_outputs({path: write}, inputs=inputs)


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


def scored_outputs(path: Path, *, with_rejected: bool) -> list[Path]:
    """The files `write_scored` writes for `path`: the table, and the rejected rows' sibling csv."""
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".csv", ".parquet"):
        raise ValueError(f"unsupported output type: {path.name}")
    if with_rejected and path.suffix.lower() != ".xlsx":
        return [path, path.with_suffix(".rejected.csv")]
    return [path]


def write_scored(
    table: pd.DataFrame,
    profile: Profile,
    path: Path,
    *,
    rejected: pd.DataFrame | None = None,
    provenance: pd.DataFrame | None = None,
    inputs: Sequence[Path] = (),
    decisions: pd.DataFrame | None = None,
) -> list[Path]:
    """Write a scored table by extension (.xlsx, .csv, .parquet); returns the files written.

    `decisions`, when it holds any, become the xlsx's 'Decisions' sheet (`write_xlsx`).

    Rejected rows go to a 'Rejected' sheet in xlsx, or to a sibling `*.rejected.csv`; the
    provenance, when given, to the xlsx's 'Provenance' sheet (csv and parquet keep the table only). Written
    through `write_outputs`: all files complete or none changed, and none of `inputs` overwritten.
    """
    path = Path(path)
    has_rejected = rejected is not None and len(rejected) > 0
    paths = scored_outputs(path, with_rejected=has_rejected)
    suffix = path.suffix.lower()
    writers: dict[Path, Callable[[Path], object]] = {}
    if suffix == ".xlsx":
        writers[path] = lambda temp: write_xlsx(
            temp,
            table,
            profile,
            rejected=rejected,
            provenance=provenance,
            scratch_dir=temp.parent,
            decisions=decisions,
        )
    elif suffix == ".csv":
        writers[path] = lambda temp: write_csv(temp, table)
    else:
        writers[path] = lambda temp: table[ordered_columns(table)].to_parquet(temp, index=False)
    if len(paths) > 1:
        writers[paths[1]] = lambda temp: _write_csv_frame(temp, neutralise_formulas(rejected))
    return write_outputs(writers, inputs=inputs)


DECISIONS_SHEET = "Decisions"


def _pilot_names(table: pd.DataFrame) -> dict[str, str]:
    if "name" not in table:
        return {}
    return dict(zip(table["pilot_id"].astype(str), table["name"].astype(str), strict=True))


def write_decisions(
    path: Path,
    decisions: pd.DataFrame,
    *,
    names: Mapping[str, str] | None = None,
    inputs: Sequence[Path] = (),
) -> list[Path]:
    """Write decisions (`PortfolioStore.decisions`) as csv (the stored columns, formula-safe, for
    scripts) or xlsx (a 'Decisions' sheet with the `decision_log` headers people read), through
    `write_outputs`. ``names`` maps pilot IDs to the names shown on the sheet."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return write_outputs(
            {path: lambda temp: _write_csv_frame(temp, neutralise_formulas(decisions))}, inputs=inputs
        )
    if suffix != ".xlsx":
        raise OutputError(f"decisions are written as .csv or .xlsx: {path.name}", remedy=Remedy.OUTPUT_PATH)

    def write(temp: Path) -> None:
        book = xlsxwriter.Workbook(
            str(temp), {**WORKBOOK_OPTIONS, "constant_memory": True, "tmpdir": str(temp.parent)}
        )
        _write_sheets(book, {DECISIONS_SHEET: decision_log(decisions, names=names)})
        book.close()

    return write_outputs({path: write}, inputs=inputs)


def export_audit_csv(audit: pd.DataFrame) -> bytes:
    """The audit trail (`PortfolioStore.audit`) as csv bytes, formula-safe (the Audit page's download)."""
    buffer = io.BytesIO()
    _write_csv_frame(buffer, neutralise_formulas(audit))
    return buffer.getvalue()


def write_audit(path: Path, audit: pd.DataFrame, *, inputs: Sequence[Path] = ()) -> list[Path]:
    """Write the audit trail as csv (its columns as stored, formula-safe), through `write_outputs`."""
    path = Path(path)
    if path.suffix.lower() != ".csv":
        raise OutputError(f"the audit trail is written as .csv: {path.name}", remedy=Remedy.OUTPUT_PATH)
    return write_outputs(
        {path: lambda temp: _write_csv_frame(temp, neutralise_formulas(audit))}, inputs=inputs
    )


# --- writing files -----------------------------------------------------------------------
def write_outputs(
    writers: Mapping[Path, Callable[[Path], object]], *, inputs: Sequence[str | Path] = ()
) -> list[Path]:
    """Write each output through its writer, all or nothing; returns the paths written.

    Each writer gets a temporary path in its output's folder; only when every writer has
    finished (and its file is on disk) are the temporary files renamed over the outputs, so
    no output is ever left half written.
    Any failure removes the temporary files, leaves every output as it was, and is raised
    as an `OutputError` that names the file. An output that is one of `inputs` (the same
    file, also through a symlink or hard link) or whose folder is missing is refused first.
    """
    paths = [Path(p) for p in writers]
    for path in paths:
        check_output(path, inputs=inputs)
    temps: list[Path] = []
    current = paths[0] if paths else Path()
    try:
        for path, write in zip(paths, writers.values(), strict=True):
            current = path
            temps.append(_reserve_temp(path))
            write(temps[-1])
            _flush(temps[-1])
            if path.exists():  # a replaced file keeps its permissions
                os.chmod(temps[-1], stat.S_IMODE(path.stat().st_mode))
        for path, temp in zip(paths, temps, strict=True):
            current = path
            os.replace(temp, path)
    except (OSError, FileCreateError) as failed:
        raise _output_error(current, failed) from failed
    finally:
        for temp in temps:
            _remove(temp)
    return paths


def check_output(path: str | Path, *, inputs: Sequence[str | Path] = ()) -> Path:
    """Refuse an output path that is one of `inputs`, is a folder, or lies in a missing folder."""
    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        raise OutputError(
            f"folder {folder} does not exist: create it or choose another output path",
            remedy=Remedy.OUTPUT_PATH,
        )
    if path.is_dir():
        raise OutputError(f"{path} is a folder: give an output file name", remedy=Remedy.OUTPUT_PATH)
    for source in inputs:
        if _same_file(Path(source), path):
            what = "file" if Path(source) == path else str(source)
            raise OutputError(
                f"the output {path} is the input {what}: choose another output path",
                remedy=Remedy.OUTPUT_PATH,
            )
    return path


def _same_file(source: Path, output: Path) -> bool:
    if not output.exists() or not source.exists():
        return False
    try:
        return os.path.samefile(source, output)  # symlinks and hard links too
    except OSError:
        return source.resolve() == output.resolve()


def _reserve_temp(path: Path) -> Path:
    """A new, empty file beside `path` (same folder, so the final rename is atomic)."""
    while True:
        temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
        try:  # 0o666 less the umask, like any new file
            os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return temp


def _flush(temp: Path) -> None:
    """Force the file to disk, so a full disk shows up here and not after the rename."""
    with open(temp, "rb+") as handle:
        os.fsync(handle.fileno())


def _remove(temp: Path) -> None:
    with contextlib.suppress(OSError):  # the original failure is the one worth reporting
        temp.unlink(missing_ok=True)


def _output_error(path: Path, failed: BaseException) -> OutputError:
    if isinstance(failed, FileCreateError) and failed.args and isinstance(failed.args[0], OSError):
        failed = failed.args[0]  # xlsxwriter wraps the OSError of its final write
    code = getattr(failed, "errno", None)
    reason = getattr(failed, "strerror", None) or str(failed) or type(failed).__name__
    if code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return OutputError(
            f"cannot write {path}: {reason}; free some space or choose another output path",
            remedy=Remedy.OUTPUT_PATH,
        )
    if isinstance(failed, PermissionError) or code in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputError(
            f"cannot write {path}: {reason}; choose a folder you can write to", remedy=Remedy.OUTPUT_PATH
        )
    if isinstance(failed, FileNotFoundError) and not path.parent.is_dir():
        return OutputError(
            f"cannot write {path}: folder {path.parent} is gone; create it or choose another output path",
            remedy=Remedy.OUTPUT_PATH,
        )
    if isinstance(failed, FileNotFoundError | IsADirectoryError | NotADirectoryError):
        return OutputError(
            f"cannot write {path}: {reason}; choose a folder you can write to", remedy=Remedy.OUTPUT_PATH
        )
    return OutputError(
        f"cannot write {path}: {reason}; choose another output path", remedy=Remedy.OUTPUT_PATH
    )


__all__ = [
    "cut_cells_sentence",
    "export_audit_csv",
    "export_csv",
    "export_questions_csv",
    "export_xlsx",
    "neutralise_formulas",
    "people_frame",
    "write_audit",
    "write_decisions",
    "write_questions",
    "write_scored",
    "xlsx_cut_cells",
]
