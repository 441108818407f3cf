"""What an assessment export asks of whom: `plan_assessment` and its `AssessmentPlan`.

From a portfolio's latest snapshot and its deciding questions, the plan gives every pilot its
respondent (its owner or business unit, `GROUPINGS`), the workbook it goes into (one distinct,
safe file name per respondent) and its deciding questions, and adds up the index of what each
workbook holds (`INDEX_COLUMNS`). `workbook` writes the plan's workbooks and index.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd

from kairo_scoring.assessment.layout import ANSWER_FIELDS
from kairo_scoring.errors import StoreError
from kairo_scoring.present.labels import field_label
from kairo_scoring.profile import Profile
from kairo_scoring.questions import deciding_questions
from kairo_scoring.scoring import score
from kairo_scoring.store import PortfolioStore, SnapshotInfo

GROUPINGS: tuple[str, ...] = ("owner", "business_unit")
INDEX_NAME = "index.csv"
INDEX_COLUMNS: tuple[str, ...] = (
    "file",
    "by",
    "respondent",
    "pilots",
    "undecided",
    "deciding_cells",
    "prefilled_cells",
    "blank_cells",
)


def no_group_label(by: str) -> str:
    """The respondent of the pilots that name no owner (or unit)."""
    return f"(no {field_label(by).lower()})"


@dataclass(frozen=True)
class AssessmentPlan:
    """What an assessment export will write: made from one snapshot with one profile.

    ``pilots`` holds the snapshot's pilots with ``respondent`` (the owner or unit, or
    `no_group_label`), ``file`` (its workbook) and ``questions`` (a tuple of the pilot's
    deciding questions, () when it is decided). ``index`` has one row per workbook
    (``INDEX_COLUMNS``). ``field_rank`` orders the fields by how many pilots they decide.
    """

    portfolio: str
    snapshot: SnapshotInfo
    profile: Profile
    by: str
    made_at: datetime
    pilots: pd.DataFrame = field(hash=False)
    index: pd.DataFrame = field(hash=False)
    field_rank: tuple[str, ...] = ()


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "_", ascii_text).strip("_").lower()
    return slug[:60].rstrip("_") or "unnamed"


def _file_names(respondents: Sequence[str]) -> dict[str, str]:
    """One distinct, safe file name per respondent (a number added when two slugs meet)."""
    names: dict[str, str] = {}
    taken: set[str] = {INDEX_NAME.casefold()}
    for respondent in respondents:
        stem = f"assessment_{_slug(respondent)}"
        name, n = f"{stem}.xlsx", 1
        while name.casefold() in taken:
            n += 1
            name = f"{stem}_{n}.xlsx"
        taken.add(name.casefold())
        names[respondent] = name
    return names


def plan_assessment(
    store: PortfolioStore,
    portfolio: str,
    profile: Profile,
    *,
    by: str = "owner",
    made_at: datetime | None = None,
) -> AssessmentPlan:
    """The workbooks to write for the latest snapshot of ``portfolio``, one per ``by``
    (owner or business_unit). StoreError when the portfolio has no snapshot."""
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {', '.join(GROUPINGS)}; got {by!r}")
    snapshot_id = store.latest_snapshot_id(portfolio)
    if snapshot_id is None:
        known = ", ".join(store.portfolios()["portfolio"].astype(str)) or "none"
        raise StoreError(f"The store has no snapshot of portfolio '{portfolio}'; portfolios stored: {known}.")
    snapshot = store.snapshot_info(snapshot_id)
    pilots = store.load_pilots(snapshot_id).reset_index(drop=True)
    scored = score(pilots, profile)
    questions = deciding_questions(scored)
    asked = dict(zip(questions.pilots["pilot_id"], questions.pilots["questions"], strict=True))
    group = pilots[by].astype("string").str.strip()
    respondent = group.where(group.notna() & group.ne(""), no_group_label(by)).astype(str)
    order = sorted(set(respondent), key=lambda r: (r == no_group_label(by), r.casefold(), r))
    files = _file_names(order)
    planned = pilots.assign(
        respondent=respondent.to_numpy(),
        file=respondent.map(files).to_numpy(),
        questions=[tuple(asked.get(p, ())) for p in pilots["pilot_id"]],
    )
    known = planned[list(ANSWER_FIELDS)].notna()
    deciding = planned["questions"].map(len)
    index = (
        pd.DataFrame(
            {
                "file": planned["file"],
                "respondent": planned["respondent"],
                "undecided": deciding.gt(0).astype(int),
                "deciding_cells": deciding,
                "prefilled_cells": known.sum(axis=1),
                "blank_cells": (~known).sum(axis=1),
            }
        )
        .groupby(["file", "respondent"], sort=False)
        .agg(
            pilots=("undecided", "size"),
            undecided=("undecided", "sum"),
            deciding_cells=("deciding_cells", "sum"),
            prefilled_cells=("prefilled_cells", "sum"),
            blank_cells=("blank_cells", "sum"),
        )
        .reset_index()
        .assign(by=by)
    )
    index = index.set_index("respondent").loc[order].reset_index()[list(INDEX_COLUMNS)]
    rank = tuple(questions.fields["field"]) if len(questions.fields) else ()
    return AssessmentPlan(
        portfolio=snapshot.portfolio,
        snapshot=snapshot,
        profile=profile,
        by=by,
        made_at=made_at or datetime.now(UTC),
        pilots=planned,
        index=index,
        field_rank=rank,
    )
