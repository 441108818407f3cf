"""Reading one returned file: open it within the register's limits and read its two sheets.

`_sources` reads the files given (paths, or name and bytes); `_open` opens one as an xlsx
workbook within the intake's size and archive limits, or says why it cannot; `_Reader` checks
its About sheet (the format, the portfolio, when it was made, the profile whose rubric reads
it) and reads the Answers sheet's rows by the field keys of row 2 into a `_Workbook`, with a
report row for every file, sheet or column it refuses.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd

from kairo_scoring.assessment.layout import (
    ABOUT_SHEET,
    ANSWER_FIELDS,
    ANSWERS_SHEET,
    ASSESSMENT_FORMAT,
    FIRST_ANSWER_ROW,
    KEY_ROW,
    LOCKED_FIELDS,
    PILOT_LIST_COLUMN,
    QUESTIONS_KEY,
)
from kairo_scoring.assessment.report import ReturnCode, _report_row
from kairo_scoring.errors import IntakeError, ProfileError, StoreError
from kairo_scoring.intake.limits import IntakeLimits
from kairo_scoring.intake.readers import check_file_size, check_xlsx_archive
from kairo_scoring.profile import Profile, Rubric, profile_from_toml
from kairo_scoring.store import PortfolioStore
from kairo_scoring.values import column_letter, is_blank, is_missing

_INFO_KEYS = frozenset({*LOCKED_FIELDS, QUESTIONS_KEY})


@dataclass
class _Workbook:
    file: str
    made_at: pd.Timestamp
    respondent: str
    snapshot_id: int | None
    rubric: Rubric
    pilot_ids: list[str]
    rows: list[tuple[int, dict[str, object]]]  # (Excel row, key → cell value)
    columns: dict[str, int]  # key → 0-based column


def _text(value: object) -> str | None:
    if is_blank(value):
        return None
    return unicodedata.normalize("NFC", str(value).strip())


def _shown(value: object) -> str | None:
    if is_missing(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sources(files: Iterable[tuple[str, bytes] | str | Path]) -> list[tuple[str, bytes]]:
    out = []
    for item in files:
        if isinstance(item, tuple):
            out.append((str(item[0]), bytes(item[1])))
        else:
            path = Path(item)
            try:
                out.append((path.name, path.read_bytes()))
            except OSError as exc:
                raise StoreError(
                    f"Cannot read the return {path}: {exc.strerror or exc}; check the path."
                ) from None
    return out


def _open(name: str, data: bytes):
    """The openpyxl workbook, or the reason it is no assessment workbook."""
    try:
        limits = IntakeLimits()
        check_file_size(len(data), limits)  # the same size limit as a register
        check_xlsx_archive(data, limits)
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True), None
    except IntakeError as exc:
        return None, f"{name} cannot be read as an xlsx workbook: {exc}"
    except Exception as exc:  # noqa: BLE001 - any unreadable file is reported, never raised
        return None, f"{name} cannot be read as an xlsx workbook ({type(exc).__name__})"


class _Reader:
    """Reads one return after another against the portfolio's store."""

    def __init__(self, store: PortfolioStore, portfolio: str, profile: Profile):
        self.store, self.portfolio, self.profile = store, portfolio, profile
        self.report: list[dict[str, object]] = []
        self._rubrics: dict[tuple[str, int], Rubric | None] = {}

    def note(self, file: str, code: ReturnCode, reason: str, **where: object) -> None:
        self.report.append(_report_row(file, code, reason, **where))

    def rubric(self, name: str, version: str) -> Rubric | None:
        try:
            key = (name, int(version))
        except ValueError:
            return None
        if key not in self._rubrics:
            try:
                self._rubrics[key] = profile_from_toml(self.store.load_profile_text(*key)).rubric
            except (StoreError, ProfileError):
                self._rubrics[key] = None
        return self._rubrics[key]

    def workbook(self, name: str, data: bytes) -> _Workbook | None:
        book, problem = _open(name, data)
        if book is None:
            self.note(name, ReturnCode.NOT_ASSESSMENT, problem or "")
            return None
        try:
            return self._read(name, book)
        finally:
            book.close()

    def _read(self, name: str, book) -> _Workbook | None:
        if ABOUT_SHEET not in book.sheetnames or ANSWERS_SHEET not in book.sheetnames:
            self.note(
                name,
                ReturnCode.NOT_ASSESSMENT,
                f"{name} has no '{ANSWERS_SHEET}' and '{ABOUT_SHEET}' sheets: return the workbook as it was sent",
            )
            return None
        about: dict[str, str] = {}
        pilot_ids: list[str] = []
        for number, row in enumerate(book[ABOUT_SHEET].iter_rows(values_only=True), start=1):
            cells = list(row) + [None] * (PILOT_LIST_COLUMN + 1 - len(row))
            if _text(cells[0]) and cells[1] is not None:
                about[str(cells[0]).strip()] = str(cells[1]).strip()
            if number > 1 and _text(cells[PILOT_LIST_COLUMN]):
                pilot_ids.append(_text(cells[PILOT_LIST_COLUMN]))
        if about.get("format") != ASSESSMENT_FORMAT:
            self.note(name, ReturnCode.NOT_ASSESSMENT, f"{name}'s About sheet is not a Kairo assessment's")
            return None
        if about.get("portfolio") != self.portfolio:
            self.note(
                name,
                ReturnCode.OTHER_PORTFOLIO,
                f"{name} was made for portfolio '{about.get('portfolio')}', not '{self.portfolio}': "
                "import it into that portfolio",
            )
            return None
        made_at = pd.to_datetime(about.get("made_at"), utc=True, errors="coerce")
        if pd.isna(made_at):
            self.note(name, ReturnCode.NOT_ASSESSMENT, f"{name}'s About sheet has no valid 'made_at'")
            return None
        rubric = self.rubric(about.get("profile_name", ""), about.get("profile_version", ""))
        if rubric is None:
            rubric = self.profile.rubric
            self.note(
                name,
                ReturnCode.RUBRIC_NOT_STORED,
                f"profile {about.get('profile_name')} v{about.get('profile_version')} is not in the store: "
                f"read with the rubric of {self.profile.label}",
            )
        rows = list(book[ANSWERS_SHEET].iter_rows(min_row=KEY_ROW, values_only=True))
        keys = [_text(k) for k in rows[0]] if rows else []
        columns = {k: i for i, k in enumerate(keys) if k}
        body = [
            (number, row)
            for number, row in enumerate(rows[1:], start=FIRST_ANSWER_ROW)
            if any(not is_blank(v) for v in row)
        ]
        if "pilot_id" not in columns or not body:
            self.note(
                name,
                ReturnCode.BLANK_SHEET,
                f"{name}'s {ANSWERS_SHEET} sheet has no answer rows (or lost its row 2 of field keys): "
                "return the workbook as it was sent",
                sheet=ANSWERS_SHEET,
            )
            return None
        for key, col in columns.items():
            if key not in ANSWER_FIELDS and key not in _INFO_KEYS:
                self.note(
                    name,
                    ReturnCode.UNKNOWN_COLUMN,
                    f"row {KEY_ROW} of column {column_letter(col)} says '{key}', which is no answer field",
                    sheet=ANSWERS_SHEET,
                    cell=f"{column_letter(col)}{KEY_ROW}",
                    value=key,
                )
        read_rows = [
            (n, {k: (row[c] if c < len(row) else None) for k, c in columns.items()}) for n, row in body
        ]
        snapshot_id = about.get("snapshot_id", "")
        return _Workbook(
            file=name,
            made_at=made_at,
            respondent=about.get("respondent", ""),
            snapshot_id=int(snapshot_id) if snapshot_id.isdigit() else None,
            rubric=rubric,
            pilot_ids=pilot_ids,
            rows=read_rows,
            columns=columns,
        )
