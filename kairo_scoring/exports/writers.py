"""One writer per thing the CLI and the pages write: the scored table by extension
(`write_scored`: .xlsx, .csv or .parquet, and the rejected rows beside it), the per-pilot
questions, the decisions and the audit trail. Each writes through `write_outputs`."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pandas as pd
import xlsxwriter

from kairo_scoring.errors import OutputError, Remedy
from kairo_scoring.exports.atomic import write_outputs
from kairo_scoring.exports.formulas import WORKBOOK_OPTIONS, neutralise_formulas
from kairo_scoring.exports.tables import _write_csv_frame, ordered_columns, write_csv
from kairo_scoring.exports.xlsx import DECISIONS_SHEET, _write_sheets, write_xlsx
from kairo_scoring.present.labels import column_label
from kairo_scoring.present.report import decision_log
from kairo_scoring.profile import Profile

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
