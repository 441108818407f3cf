"""What an assessment import reports: the codes, their status and meaning, and the result.

`ReturnCode` names what became of one answer, row or workbook (the rules that give each code
are in the docstring of `returns`), `CODE_STATUS` says whether it reaches the store and
`CODE_MEANINGS` what it means in a sentence; a report has `REPORT_COLUMNS`. `AssessmentReturns`
holds the answers, the report and its `ReturnsSummary`; `rejected_csv` / `rejected_xlsx` write
the report's rows that did not reach the store, for the people who correct them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from enum import StrEnum

import pandas as pd
import xlsxwriter

from kairo_scoring.exports import WORKBOOK_OPTIONS, export_csv, neutralise_formulas
from kairo_scoring.present.formats import count_phrase


class ReturnCode(StrEnum):
    """What became of one answer, row or workbook of an assessment return."""

    ANSWERED = "answered"
    CORRECTED = "corrected"
    CONFLICT_APPLIED = "conflict_applied"
    CONFLICT_OVERRIDDEN = "conflict_overridden"
    CONFLICT_UNRESOLVED = "conflict_unresolved"
    SAME_ANSWER = "same_answer"
    UNCHANGED = "unchanged"
    BAD_VALUE = "bad_value"
    UNKNOWN_PILOT = "unknown_pilot"
    LOCKED_CHANGED = "locked_changed"
    DUPLICATE_ROW = "duplicate_row"
    MISSING_ROW = "missing_row"
    UNKNOWN_COLUMN = "unknown_column"
    OTHER_PORTFOLIO = "other_portfolio"
    NOT_ASSESSMENT = "not_assessment"
    BLANK_SHEET = "blank_sheet"
    DUPLICATE_WORKBOOK = "duplicate_workbook"
    RUBRIC_NOT_STORED = "rubric_not_stored"


class ReturnStatus(StrEnum):
    """Whether a report row's content reaches the store."""

    APPLIED = "applied"
    REJECTED = "rejected"  # an answer refused: in the rejected-answers download
    NOT_APPLIED = "not applied"  # a row or a workbook left out: in the download too
    NOTE = "note"  # nothing to apply (unchanged, the same answer twice, a missing row…)


CODE_STATUS: dict[ReturnCode, ReturnStatus] = {
    ReturnCode.ANSWERED: ReturnStatus.APPLIED,
    ReturnCode.CORRECTED: ReturnStatus.APPLIED,
    ReturnCode.CONFLICT_APPLIED: ReturnStatus.APPLIED,
    ReturnCode.CONFLICT_OVERRIDDEN: ReturnStatus.REJECTED,
    ReturnCode.CONFLICT_UNRESOLVED: ReturnStatus.REJECTED,
    ReturnCode.SAME_ANSWER: ReturnStatus.NOTE,
    ReturnCode.UNCHANGED: ReturnStatus.NOTE,
    ReturnCode.BAD_VALUE: ReturnStatus.REJECTED,
    ReturnCode.UNKNOWN_PILOT: ReturnStatus.NOT_APPLIED,
    ReturnCode.LOCKED_CHANGED: ReturnStatus.NOT_APPLIED,
    ReturnCode.DUPLICATE_ROW: ReturnStatus.NOT_APPLIED,
    ReturnCode.MISSING_ROW: ReturnStatus.NOTE,
    ReturnCode.UNKNOWN_COLUMN: ReturnStatus.NOT_APPLIED,
    ReturnCode.OTHER_PORTFOLIO: ReturnStatus.NOT_APPLIED,
    ReturnCode.NOT_ASSESSMENT: ReturnStatus.NOT_APPLIED,
    ReturnCode.BLANK_SHEET: ReturnStatus.NOT_APPLIED,
    ReturnCode.DUPLICATE_WORKBOOK: ReturnStatus.NOTE,
    ReturnCode.RUBRIC_NOT_STORED: ReturnStatus.NOTE,
}
CODE_MEANINGS: dict[ReturnCode, str] = {
    ReturnCode.ANSWERED: "an unknown value answered: applied",
    ReturnCode.CORRECTED: "a prefilled value changed: applied as a correction",
    ReturnCode.CONFLICT_APPLIED: "answered differently in another workbook; this one was made later and applies",
    ReturnCode.CONFLICT_OVERRIDDEN: "answered differently in a workbook made later, whose answer applies",
    ReturnCode.CONFLICT_UNRESOLVED: "workbooks made at the same moment disagree: none applies; ask again",
    ReturnCode.SAME_ANSWER: "the same answer is in another workbook; it is applied once",
    ReturnCode.UNCHANGED: "the latest snapshot already holds this answer from this respondent",
    ReturnCode.BAD_VALUE: "not an answer (not a rubric level, text in a number, out of range): correct the cell",
    ReturnCode.UNKNOWN_PILOT: "the pilot ID is not in the portfolio: nothing of the row applied",
    ReturnCode.LOCKED_CHANGED: "a locked cell (ID, name, unit, owner) was changed: nothing of the row applied",
    ReturnCode.DUPLICATE_ROW: "the pilot has two rows in the workbook: neither applied",
    ReturnCode.MISSING_ROW: "the pilot's row was deleted from the workbook: no answers for it",
    ReturnCode.UNKNOWN_COLUMN: "row 2 names no Kairo answer field: the column was not read",
    ReturnCode.OTHER_PORTFOLIO: "the workbook was made for another portfolio: nothing of it applied",
    ReturnCode.NOT_ASSESSMENT: "the file is not a Kairo assessment workbook: nothing of it applied",
    ReturnCode.BLANK_SHEET: "the Answers sheet holds no rows: nothing of the workbook applied",
    ReturnCode.DUPLICATE_WORKBOOK: "the same file was given twice: read once",
    ReturnCode.RUBRIC_NOT_STORED: "the workbook's profile version is not in the store: read with this profile's rubric",
}
REPORT_COLUMNS: tuple[str, ...] = (
    "file",
    "sheet",
    "cell",
    "pilot_id",
    "field",
    "value",
    "code",
    "status",
    "correction",
    "reason",
)


@dataclass(frozen=True)
class ReturnsSummary:
    """The import's summary, as data: what the CLI prints and the Intake page shows."""

    workbooks: int
    workbooks_refused: int
    answers_applied: int
    corrections: int
    rejected: int
    rows_refused: int
    conflicts: int
    unchanged: int
    pilots_answered: int
    pilots_newly_decided: int
    completeness_before: float
    completeness_after: float

    def lines(self) -> list[str]:
        """The summary in a few lines."""
        refused = f" ({self.workbooks_refused} refused: see the report)" if self.workbooks_refused else ""
        lines = [f"Read {count_phrase(self.workbooks, 'workbook')}{refused}."]
        if not self.answers_applied:
            lines.append(
                "Nothing changed: no answer to apply"
                + (" (every answer is already in the latest snapshot)." if self.unchanged else ".")
            )
        lines += [
            f"Answers applied: {self.answers_applied:,} ({count_phrase(self.pilots_answered, 'pilot')})",
            f"Corrections (prefilled values changed): {self.corrections:,}",
            f"Rejected: {count_phrase(self.rejected, 'answer')}, {count_phrase(self.rows_refused, 'row')}",
            f"Conflicts: {self.conflicts:,} (the later-made workbook's answer applies)",
            f"Pilots newly decided: {self.pilots_newly_decided:,}",
            f"Completeness: {self.completeness_before:.0f}% -> {self.completeness_after:.0f}%",
        ]
        return lines


@dataclass(frozen=True)
class AssessmentReturns:
    """Returned workbooks read and checked, nothing written yet.

    ``answers`` (``ANSWER_COLUMNS``) is what `save_returns` lays over snapshot
    ``base_snapshot_id`` (the portfolio's latest when read); ``report`` (``REPORT_COLUMNS``)
    says what became of every answer, row and workbook; ``summary`` adds it up, with the
    pilots the answers decide and the completeness before and after.
    """

    portfolio: str
    base_snapshot_id: int
    files: tuple[str, ...]
    answers: pd.DataFrame = field(hash=False)
    report: pd.DataFrame = field(hash=False)
    summary: ReturnsSummary

    @property
    def changed(self) -> bool:
        """Whether saving would store a new snapshot."""
        return not self.answers.empty

    def rejected(self) -> pd.DataFrame:
        """The report's rows that did not reach the store: rejected answers, refused rows and workbooks."""
        status = self.report["status"]
        return self.report[status.isin([ReturnStatus.REJECTED, ReturnStatus.NOT_APPLIED])].reset_index(
            drop=True
        )


def _report_row(file: str, code: ReturnCode, reason: str, **where: object) -> dict[str, object]:
    row = dict.fromkeys(REPORT_COLUMNS)
    row.update(file=file, code=code.value, status=CODE_STATUS[code].value, correction=False, reason=reason)
    row.update(where)
    return row


def rejected_csv(returns: AssessmentReturns) -> bytes:
    """The answers, rows and workbooks that did not reach the store, as csv (formula-safe)."""
    return export_csv(returns.rejected())


def rejected_xlsx(returns: AssessmentReturns) -> bytes:
    """The same as `rejected_csv`, as one 'Rejected' sheet people open in Excel."""
    frame = neutralise_formulas(returns.rejected().astype("string"))
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {**WORKBOOK_OPTIONS, "in_memory": True})
    sheet = book.add_worksheet("Rejected")
    bold = book.add_format({"bold": True})
    for col, name in enumerate(frame.columns):
        sheet.write_string(0, col, name, bold)
        for row, value in enumerate(frame[name], start=1):
            sheet.write_string(row, col, "" if pd.isna(value) else str(value))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(frame), 1), len(frame.columns) - 1)
    book.close()
    return buffer.getvalue()
