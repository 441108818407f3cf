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

The import's parts: `reading` opens and reads each file, `answers` decides answer by answer,
`report` holds the codes and the result; `read_returns` here runs them over the files given
and adds up the summary, and `save_returns` lands the answers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from kairo_scoring.access import LOCAL_OPERATOR, Actor
from kairo_scoring.assessment.answers import _against_latest, _check_rows, _resolve
from kairo_scoring.assessment.reading import _Reader, _sources, _Workbook
from kairo_scoring.assessment.report import (
    CODE_MEANINGS,
    REPORT_COLUMNS,
    AssessmentReturns,
    ReturnCode,
    ReturnsSummary,
    ReturnStatus,
    rejected_csv,
    rejected_xlsx,
)
from kairo_scoring.errors import StoreError
from kairo_scoring.present.formats import count_phrase
from kairo_scoring.profile import Profile
from kairo_scoring.provenance import apply_answers
from kairo_scoring.schema import UNDECIDED
from kairo_scoring.scoring import score
from kairo_scoring.store import PortfolioStore, SavedAnswers


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
