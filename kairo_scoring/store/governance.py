"""Decision records and the audit trail as the store keeps them, and the rules every write obeys.

The decision model's rules that a write must never break live here, below the model, so the
store enforces them whatever path the write takes (a page, the CLI, a script): an override
needs a written reason and another option than the recommendation, a defer needs a review
date, nobody signs off their own decision. `kairo_scoring.decisions` builds proposals from a
scored portfolio and reads the states back; this module needs neither scoring nor a database.

One decision per pilot in force: a pilot has at most one ``proposed`` decision (a new
proposal supersedes the pending one) and at most one ``approved`` decision (approving a
proposal supersedes the previously approved one). Superseded decisions stay, with who and
when, as the pilot's decision history; nothing is ever deleted.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import date, datetime
from enum import StrEnum

from kairo_scoring.errors import DecisionRefused
from kairo_scoring.schema import NOT_READY, OPTIONS, UNDECIDED

# A reason or comment longer than this is refused: a decision log is read by people.
MAX_TEXT_CHARS = 4000
# What an override may choose: an option, or not ready (keep it where it is).
DECIDABLE_OPTIONS: tuple[str, ...] = (NOT_READY, *OPTIONS)


class DecisionKind(StrEnum):
    """What people decided about a pilot."""

    ACCEPT = "accept"  # take the recommendation
    OVERRIDE = "override"  # choose another option, with a written reason
    DEFER = "defer"  # decide later, on a review date
    RETIRE = "retire"  # stop the pilot


class DecisionStatus(StrEnum):
    """Where a decision is in its sign-off."""

    PROPOSED = "proposed"  # recorded, awaiting sign-off by an approver
    APPROVED = "approved"  # signed off: it counts as decided
    REJECTED = "rejected"  # refused at sign-off
    SUPERSEDED = "superseded"  # replaced by a later proposal or approval for the same pilot


# Statuses of a decision that is still in force (the others are history).
IN_FORCE: tuple[str, ...] = (DecisionStatus.PROPOSED.value, DecisionStatus.APPROVED.value)


class DecisionProblem(StrEnum):
    """Why a decision or sign-off was refused (`DecisionRefused.code`)."""

    UNKNOWN_KIND = "unknown_kind"
    UNKNOWN_PILOT = "unknown_pilot"
    ACCEPT_UNDECIDED = "accept_undecided"
    OVERRIDE_NEEDS_REASON = "override_needs_reason"
    OVERRIDE_SAME_OPTION = "override_same_option"
    UNKNOWN_OPTION = "unknown_option"
    DEFER_NEEDS_DATE = "defer_needs_date"
    DEFER_DATE_PAST = "defer_date_past"
    TEXT_TOO_LONG = "text_too_long"
    NO_IDENTITY = "no_identity"
    UNKNOWN_DECISION = "unknown_decision"
    NOT_PENDING = "not_pending"
    SELF_SIGN_OFF = "self_sign_off"
    NOTHING_TO_DECIDE = "nothing_to_decide"


class AuditAction(StrEnum):
    """The kinds of write the audit trail records."""

    IMPORT = "import"
    SAVE_ANSWERS = "save_answers"
    SAVE_PROFILE = "save_profile"
    SAVE_MAPPING = "save_mapping"
    DELETE_SNAPSHOT = "delete_snapshot"
    PROPOSE_DECISION = "propose_decision"
    APPROVE_DECISION = "approve_decision"
    REJECT_DECISION = "reject_decision"


# Columns of `PortfolioStore.decisions()`, in order.
DECISION_RECORD_COLUMNS: tuple[str, ...] = (
    "decision_id",
    "portfolio",
    "pilot_id",
    "snapshot_id",
    "kind",
    "option",
    "reason",
    "review_date",
    "verdict",
    "recommended",
    "readiness",
    "profile_name",
    "profile_version",
    "profile_hash",
    "proposed_by",
    "proposed_by_verified",
    "proposed_at",
    "status",
    "signed_by",
    "signed_by_verified",
    "signed_at",
    "sign_comment",
    "superseded_by",
    "superseded_at",
)
# Columns of `PortfolioStore.audit()`, in order.
AUDIT_COLUMNS: tuple[str, ...] = (
    "audit_id",
    "recorded_at",
    "who",
    "verified",
    "role",
    "action",
    "portfolio",
    "object_id",
    "detail",
    "content_hash",
)


@dataclass(frozen=True)
class DecisionProposal:
    """One decision to record on a pilot, with the evidence it was taken on.

    ``verdict``, ``recommended``, ``readiness`` and the profile are the pilot's as scored
    when the decision was taken (`kairo_scoring.proposals_from_scored` fills them in).
    ``option`` is the recommendation for ``accept``, the chosen option for ``override``,
    None otherwise.
    """

    pilot_id: str
    kind: str
    verdict: str | None
    recommended: str | None
    readiness: float | None = None
    option: str | None = None
    reason: str = ""
    review_date: date | None = None
    profile_name: str | None = None
    profile_version: int | None = None
    profile_hash: str | None = None


@dataclass(frozen=True)
class AuditEntry:
    """One audit row as a write hands it to the backend, which stores it in the write's own
    transaction (``object_id`` may be left for the backend to fill, e.g. a new snapshot's id)."""

    recorded_at: datetime  # naive, UTC
    who: str
    verified: bool
    role: str
    action: str
    portfolio: str | None
    object_id: str | None
    detail: str
    content_hash: str


def text_hash(text: str) -> str:
    """SHA-256 of ``text`` (UTF-8), hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def content_hash_of(values: dict[str, object]) -> str:
    """A stable hash of a record's values (sorted keys, dates as ISO text)."""
    return text_hash(json.dumps(values, sort_keys=True, default=str, ensure_ascii=False))


def _refuse(code: DecisionProblem, message: str) -> DecisionRefused:
    return DecisionRefused(message, code=code.value)


def _text(value: object, what: str) -> str:
    text = "" if value is None else " ".join(str(value).split())
    if len(text) > MAX_TEXT_CHARS:
        raise _refuse(
            DecisionProblem.TEXT_TOO_LONG,
            f"The {what} is {len(text):,} characters long; shorten it to {MAX_TEXT_CHARS:,} or fewer.",
        )
    return text


def checked_proposal(proposal: DecisionProposal, *, today: date) -> DecisionProposal:
    """``proposal`` as it will be stored, or `DecisionRefused` naming the rule it breaks.

    accept: the option is the recommendation (refused while the recommendation is undecided);
    override: an option other than the recommendation and a written reason; defer: a review
    date from ``today`` on; retire: nothing more. The reason is kept for every kind.
    """
    pilot = str(proposal.pilot_id or "").strip()
    if not pilot:
        raise _refuse(
            DecisionProblem.UNKNOWN_PILOT, "A decision needs the pilot it is about; choose a pilot."
        )
    try:
        kind = DecisionKind(str(proposal.kind).strip().lower())
    except ValueError:
        kinds = ", ".join(k.value for k in DecisionKind)
        raise _refuse(
            DecisionProblem.UNKNOWN_KIND, f"'{proposal.kind}' is not a kind of decision; use one of {kinds}."
        ) from None
    reason = _text(proposal.reason, "reason")
    option = None if proposal.option is None else str(proposal.option).strip() or None
    review_date = None
    if kind is DecisionKind.ACCEPT:
        if proposal.recommended in (None, UNDECIDED):
            raise _refuse(
                DecisionProblem.ACCEPT_UNDECIDED,
                f"Pilot {pilot} has no settled recommendation to accept: answer its open questions, "
                "choose an option (override) or defer the decision.",
            )
        option = str(proposal.recommended)
    elif kind is DecisionKind.OVERRIDE:
        if option not in DECIDABLE_OPTIONS:
            raise _refuse(
                DecisionProblem.UNKNOWN_OPTION,
                f"'{option}' is not an option an override can choose; use one of {', '.join(DECIDABLE_OPTIONS)}.",
            )
        if option == proposal.recommended:
            raise _refuse(
                DecisionProblem.OVERRIDE_SAME_OPTION,
                f"Pilot {pilot} is already recommended {option}: accept the recommendation instead of "
                "overriding it, or choose another option.",
            )
        if not reason:
            raise _refuse(
                DecisionProblem.OVERRIDE_NEEDS_REASON,
                f"Overriding the recommendation for pilot {pilot} needs a written reason; give one "
                "(on the CLI: --reason TEXT).",
            )
    elif kind is DecisionKind.DEFER:
        option = None
        review_date = proposal.review_date
        if isinstance(review_date, datetime):
            review_date = review_date.date()
        if not isinstance(review_date, date):
            raise _refuse(
                DecisionProblem.DEFER_NEEDS_DATE,
                f"Deferring the decision on pilot {pilot} needs a review date; give one (on the CLI: --defer DATE).",
            )
        if review_date < today:
            raise _refuse(
                DecisionProblem.DEFER_DATE_PAST,
                f"The review date {review_date:%Y-%m-%d} is in the past; give today or a later date.",
            )
    else:  # retire
        option = None
    return DecisionProposal(
        pilot_id=pilot,
        kind=kind.value,
        verdict=None if proposal.verdict is None else str(proposal.verdict),
        recommended=None if proposal.recommended is None else str(proposal.recommended),
        readiness=None if proposal.readiness is None else float(proposal.readiness),
        option=option,
        reason=reason,
        review_date=review_date,
        profile_name=proposal.profile_name,
        profile_version=None if proposal.profile_version is None else int(proposal.profile_version),
        profile_hash=proposal.profile_hash,
    )


def proposal_hash(proposal: DecisionProposal, portfolio: str, snapshot_id: int) -> str:
    """The content hash the audit trail records for a proposed decision."""
    return content_hash_of({**asdict(proposal), "portfolio": portfolio, "snapshot_id": snapshot_id})


def sign_comment(comment: object) -> str:
    """A sign-off comment as stored (white space collapsed), refused when too long."""
    return _text(comment, "comment")


__all__ = [
    "AUDIT_COLUMNS",
    "DECISION_RECORD_COLUMNS",
    "AuditAction",
    "DecisionKind",
    "DecisionProblem",
    "DecisionProposal",
    "DecisionStatus",
]
