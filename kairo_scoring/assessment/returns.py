"""Assessment returns: read filled workbooks, check every answer on its own, and build the
answers that land as ONE new snapshot (the latest snapshot plus the answers).

What happens to each thing a return can hold (``ReturnCode``, one report row each; tests
and pages match on the codes):

- an answer in a blank cell is applied (``answered``); a prefilled value that was changed is
  applied as a correction (``corrected``); a prefilled value left as it was is not an answer
  (its provenance stays the register's or the derivation's) and gets no row;
- a bad cell (not a rubric level, text in a number, out of range) is ``bad_value``, with
  sheet, cell, value and reason; the rest of its row still counts;
- a row whose pilot ID is not in the portfolio (``unknown_pilot``), a row whose locked cells
  (ID, name, unit, owner) no longer match the pilot the workbook was made for
  (``locked_changed``), a pilot given twice in one workbook (``duplicate_row``): reported,
  nothing of the row applied; a pilot of the workbook without a row is ``missing_row``;
- a workbook of another portfolio (``other_portfolio``), a file that is not an assessment
  workbook (``not_assessment``), one with no answer rows (``blank_sheet``), the same file
  given twice (``duplicate_workbook``): reported, nothing of it applied;
- two workbooks answering one field of one pilot differently: every value is shown; the
  answer of the later-made workbook applies (``conflict_applied``), the others do not
  (``conflict_overridden``); workbooks made at the same moment cannot be ordered, so none of
  their values applies (``conflict_unresolved``). The same value twice is ``same_answer``;
- an answer the latest snapshot already holds from the same respondent is ``unchanged``:
  re-importing the same files changes nothing and says so.

Answers are read with the rubric of the profile version named in the workbook's About sheet
(the shipped profile's when the store does not hold it, with a ``rubric_not_stored`` note).

Over 400 lines because it does one job: reading returned workbooks and deciding, answer by answer,
what applies; the outcome rules are documented here in one place.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import xlsxwriter

from kairo_scoring.access import LOCAL_OPERATOR, Actor
from kairo_scoring.assessment.workbook import (
    ABOUT_SHEET,
    ANSWER_FIELDS,
    ANSWERS_SHEET,
    ASSESSMENT_FORMAT,
    FIRST_ANSWER_ROW,
    KEY_ROW,
    LOCKED_FIELDS,
    PILOT_LIST_COLUMN,
    QUESTIONS_KEY,
    parse_answer,
)
from kairo_scoring.errors import IntakeError, ProfileError, StoreError
from kairo_scoring.exports import WORKBOOK_OPTIONS, export_csv, neutralise_formulas
from kairo_scoring.intake.limits import IntakeLimits
from kairo_scoring.intake.readers import check_file_size, check_xlsx_archive
from kairo_scoring.present.formats import count_phrase
from kairo_scoring.present.labels import field_label
from kairo_scoring.profile import Profile, Rubric, profile_from_toml
from kairo_scoring.provenance import ANSWER_COLUMNS, ProvenanceKind, answer_problem, apply_answers
from kairo_scoring.schema import UNDECIDED
from kairo_scoring.scoring import score
from kairo_scoring.store import PortfolioStore, SavedAnswers
from kairo_scoring.values import column_letter, is_blank, is_missing


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
_NUMBER_TEXT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_INFO_KEYS = frozenset({*LOCKED_FIELDS, QUESTIONS_KEY})


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


def _report_row(file: str, code: ReturnCode, reason: str, **where: object) -> dict[str, object]:
    row = dict.fromkeys(REPORT_COLUMNS)
    row.update(file=file, code=code.value, status=CODE_STATUS[code].value, correction=False, reason=reason)
    row.update(where)
    return row


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


def _number(value: object) -> object:
    """A number cell's value as a number; text that is a plain number reads as one."""
    if isinstance(value, str) and _NUMBER_TEXT.match(value.strip()):
        return float(value.strip())
    return value


def _parsed(rubric: Rubric, name: str, value: object) -> tuple[object, str | None]:
    """(the canonical answer, None) or (None, why the cell is no answer)."""
    label = field_label(name)
    if rubric.entry(name).choices:
        parsed = parse_answer(rubric, name, value)
        if parsed is None:
            return None, f"{label}: '{_shown(value)}' is not one of its answers: pick one from the dropdown"
        return parsed, answer_problem(name, parsed)
    if isinstance(value, datetime):
        return None, f"{label}: a date is not a number"
    number = _number(value)
    if isinstance(number, str):
        return None, f"{label}: '{value}' is text, not a number"
    problem = answer_problem(name, number)
    return (None, problem) if problem else (float(number), None)


def _same_value(a: object, b: object) -> bool:
    if is_missing(a) or is_missing(b):
        return is_missing(a) and is_missing(b)
    if isinstance(a, str) or isinstance(b, str):
        return str(a) == str(b)
    return float(a) == float(b)  # type: ignore[arg-type]


def read_returns(
    store: PortfolioStore,
    portfolio: str,
    files: Sequence[tuple[str, bytes] | str | Path],
    profile: Profile,
) -> AssessmentReturns:
    """Read returned workbooks (paths, or (file name, bytes) pairs) for ``portfolio`` and check
    every answer against its latest snapshot; nothing is written (`save_returns` writes).

    ``profile`` scores the before/after of the summary. StoreError when the portfolio has
    no snapshot; every problem of a file is reported, never raised.
    """
    base_id = store.latest_snapshot_id(portfolio)
    if base_id is None:
        known = ", ".join(store.portfolios()["portfolio"].astype(str)) or "none"
        raise StoreError(f"The store has no snapshot of portfolio '{portfolio}'; portfolios stored: {known}.")
    latest = store.load_pilots(base_id).reset_index(drop=True)
    latest_provenance = store.load_provenance(base_id)
    reader = _Reader(store, portfolio, profile)
    seen: dict[str, str] = {}
    books: list[_Workbook] = []
    sources = _sources(files)
    for name, data in sources:
        digest = hashlib.sha256(data).hexdigest()
        if digest in seen:
            reader.note(
                name, ReturnCode.DUPLICATE_WORKBOOK, f"{name} is the same file as {seen[digest]}: read once"
            )
            continue
        seen[digest] = name
        book = reader.workbook(name, data)
        if book is not None:
            books.append(book)

    made_for: dict[int, pd.DataFrame] = {}
    candidates: list[dict[str, object]] = []
    by_id = latest.set_index(latest["pilot_id"].astype(str))
    for book in books:
        origin = _origin(store, book, made_for, latest)
        candidates += _check_rows(reader, book, origin, by_id)

    chosen = _resolve(reader, candidates)
    answers, applied = _against_latest(reader, chosen, latest_provenance, by_id)
    summary = _summary(
        reader.report,
        applied,
        workbooks=len(sources),
        refused=sum(1 for r in reader.report if r["code"] in _WORKBOOK_REFUSALS),
        latest=latest,
        provenance=latest_provenance,
        answers=answers,
        profile=profile,
    )
    report = pd.DataFrame(reader.report, columns=list(REPORT_COLUMNS)).astype(
        {c: "string" for c in REPORT_COLUMNS if c != "correction"} | {"correction": bool}
    )
    return AssessmentReturns(
        portfolio=portfolio,
        base_snapshot_id=base_id,
        files=tuple(name for name, _ in sources),
        answers=answers,
        report=report,
        summary=summary,
    )


_WORKBOOK_REFUSALS = frozenset(
    {ReturnCode.NOT_ASSESSMENT.value, ReturnCode.OTHER_PORTFOLIO.value, ReturnCode.BLANK_SHEET.value}
)


def _origin(store: PortfolioStore, book: _Workbook, cache: dict[int, pd.DataFrame], latest: pd.DataFrame):
    """The pilots of the snapshot the workbook was made from (what it prefilled and locked)."""
    if book.snapshot_id is None:
        return latest.set_index(latest["pilot_id"].astype(str))
    if book.snapshot_id not in cache:
        try:
            pilots = store.load_pilots(book.snapshot_id)
        except StoreError:
            pilots = latest
        cache[book.snapshot_id] = pilots.set_index(pilots["pilot_id"].astype(str))
    return cache[book.snapshot_id]


def _check_rows(reader: _Reader, book: _Workbook, origin: pd.DataFrame, latest: pd.DataFrame):
    """Every answer cell of the workbook checked on its own; returns the usable answers."""
    expected = set(book.pilot_ids)
    counts: dict[str, int] = {}
    for _, cells in book.rows:
        pid = _text(cells.get("pilot_id"))
        if pid:
            counts[pid] = counts.get(pid, 0) + 1
    fields = [k for k in book.columns if k in ANSWER_FIELDS]
    out: list[dict[str, object]] = []
    returned: set[str] = set()
    for number, cells in book.rows:
        pid = _text(cells.get("pilot_id"))
        where = {"sheet": ANSWERS_SHEET, "cell": f"{column_letter(book.columns['pilot_id'])}{number}"}
        if pid is None:
            reader.note(book.file, ReturnCode.UNKNOWN_PILOT, f"row {number} has no pilot ID", **where)
            continue
        returned.add(pid)
        if pid not in latest.index:
            reader.note(
                book.file,
                ReturnCode.UNKNOWN_PILOT,
                f"pilot ID '{pid}' (row {number}) is not in the portfolio",
                pilot_id=pid,
                value=pid,
                **where,
            )
            continue
        changed = _locked_changes(cells, pid, origin, expected)
        if changed:
            reader.note(
                book.file,
                ReturnCode.LOCKED_CHANGED,
                f"row {number}: {changed}; nothing of the row applied",
                pilot_id=pid,
                **where,
            )
            continue
        if counts[pid] > 1:
            reader.note(
                book.file,
                ReturnCode.DUPLICATE_ROW,
                f"pilot '{pid}' has {counts[pid]} rows in the workbook: none applied",
                pilot_id=pid,
                **where,
            )
            continue
        for name in fields:
            value = cells.get(name)
            if is_blank(value):
                continue
            cell = f"{column_letter(book.columns[name])}{number}"
            answer, problem = _parsed(book.rubric, name, value)
            if problem:
                reader.note(
                    book.file,
                    ReturnCode.BAD_VALUE,
                    problem,
                    sheet=ANSWERS_SHEET,
                    cell=cell,
                    pilot_id=pid,
                    field=name,
                    value=_shown(value),
                )
                continue
            prefilled = origin[name].get(pid) if pid in origin.index else None
            if _same_value(prefilled, answer):
                continue  # the prefilled value left as it was: no answer
            out.append(
                {
                    "file": book.file,
                    "made_at": book.made_at,
                    "respondent": book.respondent,
                    "cell": cell,
                    "row": number,
                    "pilot_id": pid,
                    "field": name,
                    "value": answer,
                    "shown": _shown(value),
                    "correction": not is_missing(prefilled),
                }
            )
    for pid in book.pilot_ids:
        if pid not in returned:
            reader.note(
                book.file,
                ReturnCode.MISSING_ROW,
                f"pilot '{pid}' has no row in the returned workbook (deleted?): no answers for it",
                sheet=ANSWERS_SHEET,
                pilot_id=pid,
            )
    return out


def _locked_changes(cells: dict[str, object], pid: str, origin: pd.DataFrame, expected: set[str]) -> str:
    if pid not in expected or pid not in origin.index:
        return f"pilot ID '{pid}' is not one of this workbook's pilots (the locked ID was changed)"
    changes = []
    for name in LOCKED_FIELDS[1:]:
        if name not in cells:
            continue
        given, made = _text(cells[name]), _text(origin.at[pid, name])
        if given != made:
            changes.append(f"{field_label(name)} reads '{given or ''}', not '{made or ''}'")
    return "; ".join(changes)


def _resolve(reader: _Reader, candidates: list[dict[str, object]]) -> list[dict[str, object]]:
    """One answer per (pilot, field): conflicts decided by the later-made workbook."""
    groups: dict[tuple[str, str], list[dict[str, object]]] = {}
    for answer in candidates:
        groups.setdefault((str(answer["pilot_id"]), str(answer["field"])), []).append(answer)
    chosen = []
    for group in groups.values():
        if len(group) == 1:
            chosen.append({**group[0], "code": None})
            continue
        latest_made = max(a["made_at"] for a in group)
        newest = [a for a in group if a["made_at"] == latest_made]
        distinct = {_key(a["value"]) for a in group}
        winner_values = {_key(a["value"]) for a in newest}
        others = "; ".join(f"{a['file']} ({a['cell']}): {a['shown']}" for a in group)
        if len(distinct) > 1 and len(winner_values) > 1:
            for a in group:
                _note_answer(reader, a, ReturnCode.CONFLICT_UNRESOLVED, f"answered differently: {others}")
            continue
        winner = newest[-1]
        code = ReturnCode.CONFLICT_APPLIED if len(distinct) > 1 else None
        chosen.append({**winner, "code": code, "reason": f"answered differently: {others}"})
        for a in group:
            if a is winner:
                continue
            if _key(a["value"]) == _key(winner["value"]):
                _note_answer(reader, a, ReturnCode.SAME_ANSWER, f"the same answer as {winner['file']}")
            else:
                _note_answer(
                    reader,
                    a,
                    ReturnCode.CONFLICT_OVERRIDDEN,
                    f"answered differently: {others}; {winner['file']} was made later and applies",
                )
    return chosen


def _key(value: object) -> object:
    return value if isinstance(value, str) else float(value)  # type: ignore[arg-type]


def _note_answer(reader: _Reader, answer: dict[str, object], code: ReturnCode, reason: str) -> None:
    reader.note(
        str(answer["file"]),
        code,
        reason,
        sheet=ANSWERS_SHEET,
        cell=answer["cell"],
        pilot_id=answer["pilot_id"],
        field=answer["field"],
        value=answer["shown"],
        correction=bool(answer["correction"]),
    )


def _against_latest(reader, chosen, provenance: pd.DataFrame, latest: pd.DataFrame):
    """The answers that change the latest snapshot, and the applied ones as records."""
    held_by = {
        key: (kind, respondent)
        for key, kind, respondent in zip(
            zip(provenance["pilot_id"], provenance["field"], strict=True),
            provenance["kind"],
            provenance["respondent"],
            strict=True,
        )
    }
    columns = {name: latest[name].to_dict() for name in {str(a["field"]) for a in chosen}}
    rows, applied = [], []
    for a in chosen:
        pid, name = str(a["pilot_id"]), str(a["field"])
        current = columns[name][pid]
        if _same_value(current, a["value"]) and (pid, name) in held_by:
            kind, respondent = held_by[(pid, name)]
            if kind == ProvenanceKind.ASSESSMENT.value and respondent == a["respondent"]:
                _note_answer(
                    reader, a, ReturnCode.UNCHANGED, "already in the latest snapshot from this respondent"
                )
                continue
        code = a["code"] or (ReturnCode.CORRECTED if a["correction"] else ReturnCode.ANSWERED)
        reason = a.get("reason") if code is ReturnCode.CONFLICT_APPLIED else CODE_MEANINGS[code]
        _note_answer(reader, a, code, str(reason))
        applied.append(a)
        made = pd.Timestamp(a["made_at"]).strftime("%Y-%m-%d %H:%M:%S UTC")
        rows.append(
            {
                "pilot_id": pid,
                "field": name,
                "value": a["value"],
                "kind": ProvenanceKind.ASSESSMENT.value,
                "source": a["file"],
                "sheet": ANSWERS_SHEET,
                "row": a["row"],
                "detail": f"cell {a['cell']} of the workbook made {made}",
                "respondent": a["respondent"],
                "recorded_at": None,
            }
        )
    answers = pd.DataFrame(rows, columns=list(ANSWER_COLUMNS))
    answers["value"] = answers["value"].astype(object)
    # Recorded when saved (the store stamps a missing time); typed so the stamp fits.
    answers["recorded_at"] = pd.Series(pd.NaT, index=answers.index, dtype="datetime64[ns, UTC]")
    return answers, applied


def _undecided(table: pd.DataFrame) -> np.ndarray:
    return (table["verdict"].to_numpy(object) == "needs_data") | (
        table["recommended"].to_numpy(object) == UNDECIDED
    )


def _summary(report, applied, *, workbooks, refused, latest, provenance, answers, profile) -> ReturnsSummary:
    before = score(latest, profile).table
    if answers.empty:
        after = before
    else:
        after = score(apply_answers(latest, provenance, answers).pilots, profile).table
    codes = pd.Series([r["code"] for r in report], dtype="string")
    newly = _undecided(before) & ~_undecided(after)
    conflicts = {
        (r["pilot_id"], r["field"])
        for r in report
        if r["code"]
        in (ReturnCode.CONFLICT_APPLIED, ReturnCode.CONFLICT_OVERRIDDEN, ReturnCode.CONFLICT_UNRESOLVED)
    }
    row_codes = (ReturnCode.UNKNOWN_PILOT, ReturnCode.LOCKED_CHANGED, ReturnCode.DUPLICATE_ROW)
    return ReturnsSummary(
        workbooks=workbooks,
        workbooks_refused=refused,
        answers_applied=len(applied),
        corrections=sum(1 for a in applied if a["correction"]),
        rejected=int(codes.isin([ReturnCode.BAD_VALUE, ReturnCode.CONFLICT_UNRESOLVED]).sum()),
        rows_refused=int(codes.isin(row_codes).sum()),
        conflicts=len(conflicts),
        unchanged=int((codes == ReturnCode.UNCHANGED).sum()),
        pilots_answered=len({a["pilot_id"] for a in applied}),
        pilots_newly_decided=int(newly.sum()),
        completeness_before=float(before["completeness"].mean()) if len(before) else 0.0,
        completeness_after=float(after["completeness"].mean()) if len(after) else 0.0,
    )


def save_returns(
    store: PortfolioStore,
    returns: AssessmentReturns,
    *,
    profile: Profile,
    as_of: date | None = None,
    actor: Actor = LOCAL_OPERATOR,
) -> SavedAnswers | None:
    """Land the returns' answers as ONE new snapshot (the latest plus the answers), in one
    transaction; None when there is nothing to apply (nothing is written). ``as_of`` is the
    date the answers describe (today, UTC, without one).

    StoreError when the portfolio got a newer snapshot since the returns were read (read
    them again); `AccessDenied` when ``actor`` may not save answers.
    """
    if not returns.changed:
        return None
    latest = store.latest_snapshot_id(returns.portfolio)
    if latest != returns.base_snapshot_id:
        raise StoreError(
            f"Portfolio '{returns.portfolio}' has a newer snapshot (#{latest}) than the one these returns "
            f"were checked against (#{returns.base_snapshot_id}): read the returns again, then save."
        )
    names = sorted(set(returns.answers["source"].astype(str)))
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return store.save_answers(
        returns.base_snapshot_id,
        returns.answers,
        source_name=f"assessment returns: {shown}",
        profile_name=profile.name,
        profile_version=profile.version,
        profile_hash=profile.content_hash,
        note=f"{count_phrase(len(returns.answers), 'answer')} from {count_phrase(len(names), 'workbook')}",
        as_of=as_of,
        actor=actor,
    )


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


__all__ = [
    "CODE_MEANINGS",
    "REPORT_COLUMNS",
    "AssessmentReturns",
    "ReturnCode",
    "ReturnStatus",
    "ReturnsSummary",
    "read_returns",
    "rejected_csv",
    "rejected_xlsx",
    "save_returns",
]
