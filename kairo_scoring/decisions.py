"""People decide, the model recommends: decisions on pilots as the pages, the CLI and exports see them.

`record_decisions` takes each pilot's evidence (verdict, recommendation, readiness, profile)
from a `ScoredPortfolio` and stores the decisions through the store, which enforces the
rules (store/governance.py). `decision_states` reads the decisions back against the current
scoring: per pilot, decided / proposed / to review / undecided and what changed. The rule
is computed here once; pages, exports and the CLI only show it.

"To review": the decision in force for a pilot (its approved decision, else its pending
proposal) was taken on a verdict or a recommendation that differs from the pilot's current
one, or it is a deferral whose review date has come. Readiness and the profile may move
without flagging a review: they are shown beside it (``readiness_then``), not a trigger.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum

import pandas as pd

from kairo_scoring.access import LOCAL_OPERATOR, Actor
from kairo_scoring.errors import DecisionRefused
from kairo_scoring.scoring import ScoredPortfolio
from kairo_scoring.store import PortfolioStore
from kairo_scoring.store.governance import (
    DecisionKind,
    DecisionProblem,
    DecisionProposal,
    DecisionStatus,
)
from kairo_scoring.values import is_missing


class DecisionState(StrEnum):
    """Where a pilot stands with its decision, against the current scoring."""

    DECIDED = "decided"  # an approved decision, still resting on the current evidence
    TO_REVIEW = "to_review"  # the decision in force rests on evidence that changed (or a review date came)
    PROPOSED = "proposed"  # only a proposal, awaiting sign-off
    UNDECIDED = "undecided"  # no decision in force


# What changed since a decision, as `decision_states` lists it in ``changes``.
CHANGE_VERDICT = "verdict"
CHANGE_RECOMMENDED = "recommended"
CHANGE_REVIEW_DATE = "review_date"

DECISION_STATE_COLUMNS: tuple[str, ...] = (
    "pilot_id",
    "state",
    "decision_id",
    "kind",
    "option",
    "status",
    "reason",
    "review_date",
    "proposed_by",
    "proposed_by_verified",
    "proposed_at",
    "signed_by",
    "signed_at",
    "decided_verdict",
    "decided_recommended",
    "readiness_then",
    "verdict",
    "recommended",
    "changes",
    "awaiting_sign_off",
    "pending_decision_id",
)


@dataclass(frozen=True)
class DecisionSummary:
    """Headline counts of `decision_states`: pilots per state, and how many await sign-off
    (a pending proposal, also where an approved decision is in force)."""

    pilots: int
    decided: int
    to_review: int
    proposed: int
    undecided: int
    awaiting_sign_off: int


def proposals_from_scored(
    scored: ScoredPortfolio,
    pilot_ids: Iterable[str],
    kind: DecisionKind | str,
    *,
    option: str | None = None,
    reason: str = "",
    review_date: date | None = None,
) -> list[DecisionProposal]:
    """One `DecisionProposal` per pilot (repeats dropped), each carrying the pilot's verdict,
    recommendation, readiness and profile as ``scored`` has them. A pilot ``scored`` does
    not hold raises `DecisionRefused`; the rules are checked when the store records them."""
    wanted = list(dict.fromkeys(str(p) for p in pilot_ids))
    table = scored.table.set_index(scored.table["pilot_id"].astype(str))
    missing = [p for p in wanted if p not in table.index]
    if missing:
        raise DecisionRefused(
            f"The scored snapshot has no pilot {', '.join(missing[:5])}; check the pilot ID (the "
            "Portfolio table lists them).",
            code=DecisionProblem.UNKNOWN_PILOT.value,
        )
    proposals = []
    for pilot_id in wanted:
        row = table.loc[pilot_id]
        if isinstance(row, pd.DataFrame):  # a repeated pilot_id: the first row is the pilot
            row = row.iloc[0]
        readiness = row.get("readiness")
        proposals.append(
            DecisionProposal(
                pilot_id=pilot_id,
                kind=str(kind),
                verdict=None if is_missing(row.get("verdict")) else str(row["verdict"]),
                recommended=None if is_missing(row.get("recommended")) else str(row["recommended"]),
                readiness=None if is_missing(readiness) else float(readiness),
                option=option,
                reason=reason,
                review_date=review_date,
                profile_name=scored.profile.name,
                profile_version=scored.profile.version,
                profile_hash=scored.profile.content_hash,
            )
        )
    return proposals


def record_decisions(
    store: PortfolioStore,
    scored: ScoredPortfolio,
    snapshot_id: int,
    pilot_ids: Iterable[str],
    kind: DecisionKind | str,
    *,
    option: str | None = None,
    reason: str = "",
    review_date: date | None = None,
    actor: Actor = LOCAL_OPERATOR,
) -> list[int]:
    """Record one decision of ``kind`` on each of ``pilot_ids`` (one or a bulk selection) of
    snapshot ``snapshot_id``, scored as ``scored``: all in one transaction, all or none.

    Returns the new decision ids, each ``proposed`` until an approver signs it off. Refusals
    are `DecisionRefused` (a broken rule, with its code) and `AccessDenied` (the role).
    """
    proposals = proposals_from_scored(
        scored, pilot_ids, kind, option=option, reason=reason, review_date=review_date
    )
    return store.propose_decisions(snapshot_id, proposals, actor=actor)


def _as_utc(moment: datetime | date) -> pd.Timestamp:
    stamp = pd.Timestamp(moment)
    return stamp.tz_localize(UTC) if stamp.tzinfo is None else stamp.tz_convert(UTC)


def decisions_as_of(decisions: pd.DataFrame, moment: datetime | date) -> pd.DataFrame:
    """The decisions as they stood at ``moment`` (UTC when naive): those proposed by then, each
    with the status it had then (approved later reads as proposed, superseded later as it was)."""
    at = _as_utc(moment)
    if isinstance(moment, date) and not isinstance(moment, datetime):
        at = at + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)  # the whole day
    then = decisions[decisions["proposed_at"] <= at].copy()
    signed = then["signed_at"].notna() & (then["signed_at"] <= at)
    superseded = then["superseded_at"].notna() & (then["superseded_at"] <= at)
    was_approved = then["status"].isin([DecisionStatus.APPROVED.value, DecisionStatus.SUPERSEDED.value])
    status = pd.Series(DecisionStatus.PROPOSED.value, index=then.index, dtype=object)
    status[signed & was_approved] = DecisionStatus.APPROVED.value
    status[signed & ~was_approved] = DecisionStatus.REJECTED.value
    status[superseded] = DecisionStatus.SUPERSEDED.value
    then["status"] = status
    for column in ("signed_by", "signed_at", "sign_comment"):
        then.loc[~signed, column] = None
    return then


def _latest(decisions: pd.DataFrame, status: str, by: str) -> pd.DataFrame:
    rows = decisions[decisions["status"] == status].sort_values([by, "decision_id"])
    return rows.drop_duplicates("pilot_id", keep="last").set_index("pilot_id")


def decision_states(
    decisions: pd.DataFrame, scored: ScoredPortfolio, *, as_of: datetime | date | None = None
) -> pd.DataFrame:
    """Per pilot of ``scored`` (in its order): its decision state against the current scoring.

    ``decisions`` is `PortfolioStore.decisions` of the portfolio (all of them: superseded and
    rejected ones are ignored). With ``as_of`` the decisions are taken as they stood then
    (`decisions_as_of`), for the History page. Columns `DECISION_STATE_COLUMNS`: the decision
    in force (its approved one, else its pending proposal) with what it was taken on
    (``decided_verdict``, ``decided_recommended``, ``readiness_then``), the current
    ``verdict`` and ``recommended``, ``changes`` (a tuple of ``verdict``, ``recommended``,
    ``review_date``), ``awaiting_sign_off`` and the pending proposal's id.
    """
    if as_of is not None:
        decisions = decisions_as_of(decisions, as_of)
    today = (as_of.date() if isinstance(as_of, datetime) else as_of) or datetime.now(UTC).date()
    approved = _latest(decisions, DecisionStatus.APPROVED.value, "signed_at")
    pending = _latest(decisions, DecisionStatus.PROPOSED.value, "proposed_at")
    rows = []
    for _, pilot in scored.table.iterrows():
        pilot_id = str(pilot["pilot_id"])
        verdict = None if is_missing(pilot.get("verdict")) else str(pilot["verdict"])
        recommended = None if is_missing(pilot.get("recommended")) else str(pilot["recommended"])
        in_force = (
            approved.loc[pilot_id]
            if pilot_id in approved.index
            else (pending.loc[pilot_id] if pilot_id in pending.index else None)
        )
        row: dict[str, object] = dict.fromkeys(DECISION_STATE_COLUMNS)
        row.update(pilot_id=pilot_id, verdict=verdict, recommended=recommended, changes=())
        row["awaiting_sign_off"] = pilot_id in pending.index
        row["pending_decision_id"] = (
            int(pending.loc[pilot_id, "decision_id"]) if pilot_id in pending.index else None
        )
        if in_force is None:
            row["state"] = DecisionState.UNDECIDED.value
            rows.append(row)
            continue
        changes = []
        if in_force["verdict"] != verdict:
            changes.append(CHANGE_VERDICT)
        if in_force["recommended"] != recommended:
            changes.append(CHANGE_RECOMMENDED)
        review = in_force["review_date"]
        if in_force["kind"] == DecisionKind.DEFER.value and not is_missing(review) and review <= today:
            changes.append(CHANGE_REVIEW_DATE)
        if changes:
            state = DecisionState.TO_REVIEW
        elif in_force["status"] == DecisionStatus.APPROVED.value:
            state = DecisionState.DECIDED
        else:
            state = DecisionState.PROPOSED
        row.update(
            state=state.value,
            decision_id=int(in_force["decision_id"]),
            kind=in_force["kind"],
            option=in_force["option"],
            status=in_force["status"],
            reason=in_force["reason"],
            review_date=None if is_missing(review) else review,
            proposed_by=in_force["proposed_by"],
            proposed_by_verified=bool(in_force["proposed_by_verified"]),
            proposed_at=in_force["proposed_at"],
            signed_by=in_force["signed_by"],
            signed_at=in_force["signed_at"],
            decided_verdict=in_force["verdict"],
            decided_recommended=in_force["recommended"],
            readiness_then=in_force["readiness"],
            changes=tuple(changes),
        )
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(DECISION_STATE_COLUMNS))
    for column in ("decision_id", "pending_decision_id"):
        frame[column] = frame[column].astype("Int64")
    frame["awaiting_sign_off"] = frame["awaiting_sign_off"].astype(bool)
    for column in ("proposed_at", "signed_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


def decision_summary(states: pd.DataFrame) -> DecisionSummary:
    """Headline counts of a `decision_states` frame."""
    counts = states["state"].value_counts()
    return DecisionSummary(
        pilots=len(states),
        decided=int(counts.get(DecisionState.DECIDED.value, 0)),
        to_review=int(counts.get(DecisionState.TO_REVIEW.value, 0)),
        proposed=int(counts.get(DecisionState.PROPOSED.value, 0)),
        undecided=int(counts.get(DecisionState.UNDECIDED.value, 0)),
        awaiting_sign_off=int(states["awaiting_sign_off"].sum()),
    )


__all__ = [
    "DECISION_STATE_COLUMNS",
    "DecisionState",
    "DecisionSummary",
    "decision_states",
    "decision_summary",
    "decisions_as_of",
    "proposals_from_scored",
    "record_decisions",
]
