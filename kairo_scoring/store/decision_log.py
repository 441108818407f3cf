"""Decisions and their sign-off in the store: `DecisionOperations`, the `PortfolioStore`
operations that propose decisions on a snapshot's pilots, approve or reject them (never
one's own) and list them; each write authorised, checked and audited.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from kairo_scoring.access import (
    LOCAL_OPERATOR,
    Action,
    Actor,
    authorize,
    identity_key,
    recorded_identity_key,
)
from kairo_scoring.errors import DecisionRefused
from kairo_scoring.store.governance import (
    DECISION_RECORD_COLUMNS,
    AuditAction,
    DecisionProblem,
    DecisionProposal,
    DecisionStatus,
    checked_proposal,
    content_hash_of,
    proposal_hash,
    sign_comment,
)
from kairo_scoring.store.snapshots import SnapshotReads
from kairo_scoring.store.store_base import _audit_entry, _now, _utc


def _ids(decision_ids: int | Iterable[int]) -> list[int]:
    """One decision id or several, as a list without repeats (in the order given)."""
    given = [decision_ids] if isinstance(decision_ids, int | str) else list(decision_ids)
    ids: list[int] = []
    for value in given:
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise DecisionRefused(
                f"'{value}' is not a decision number; the decisions list shows them.",
                code=DecisionProblem.UNKNOWN_DECISION.value,
            ) from None
        if number not in ids:
            ids.append(number)
    if not ids:
        raise DecisionRefused(
            "No decision was chosen; choose one or more to sign off.",
            code=DecisionProblem.NOTHING_TO_DECIDE.value,
        )
    return ids


def _identified(actor: Actor, what: str) -> None:
    if not actor.identified:
        raise DecisionRefused(
            f"{what} records who did it: sign in, or type your name (on the CLI, --user NAME).",
            code=DecisionProblem.NO_IDENTITY.value,
        )


class DecisionOperations(SnapshotReads):
    """Proposing decisions, signing them off and listing them."""

    # --- decisions and sign-off ------------------------------------------------------
    def propose_decisions(
        self, snapshot_id: int, proposals: Iterable[DecisionProposal], *, actor: Actor = LOCAL_OPERATOR
    ) -> list[int]:
        """Record decisions on pilots of snapshot ``snapshot_id``, all in one transaction (all or
        none), each with its audit row; returns the new decision ids in order.

        Every decision starts ``proposed``; a pilot's pending proposal, if any, is superseded
        by the new one (one pending decision per pilot). The rules (`checked_proposal`) are
        checked for every proposal before anything is written: the first broken one raises
        `DecisionRefused` naming every pilot that breaks it. The actor must be identified
        (a signed-in email or a typed name). Needs `Action.PROPOSE_DECISION`.
        """
        role = authorize(actor, Action.PROPOSE_DECISION)
        _identified(actor, "Recording a decision")
        given = list(proposals)
        if not given:
            raise DecisionRefused(
                "No pilot was chosen; choose one or more pilots to decide on.",
                code=DecisionProblem.NOTHING_TO_DECIDE.value,
            )
        info = self.snapshot_info(snapshot_id)
        proposed_at = _now()
        checked, refused = [], []
        for proposal in given:
            try:
                checked.append(checked_proposal(proposal, today=proposed_at.date()))
            except DecisionRefused as exc:
                refused.append(exc)
        if refused:
            first = refused[0]
            same = [e for e in refused if e.code == first.code]
            more = f" ({len(same) - 1} more pilots likewise)" if len(same) > 1 else ""
            raise DecisionRefused(f"{first}{more}", code=first.code)
        known = set(self.load_pilots(info.snapshot_id)["pilot_id"].astype(str))
        ids = [p.pilot_id for p in checked]
        unknown = [pilot for pilot in ids if pilot not in known]
        if unknown:
            raise DecisionRefused(
                f"Snapshot {info.snapshot_id} has no pilot {', '.join(unknown[:5])}; choose pilots of the "
                "snapshot shown.",
                code=DecisionProblem.UNKNOWN_PILOT.value,
            )
        twice = sorted({pilot for pilot in ids if ids.count(pilot) > 1})
        if twice:
            raise DecisionRefused(
                f"Pilot {', '.join(twice[:5])} is chosen twice in one decision; choose each pilot once.",
                code=DecisionProblem.UNKNOWN_PILOT.value,
            )
        audits = [
            _audit_entry(
                actor,
                role,
                AuditAction.PROPOSE_DECISION,
                proposed_at,
                portfolio=info.portfolio,
                detail=f"{p.kind} {p.option or ''} for pilot {p.pilot_id}".replace("  ", " "),
                content_hash=proposal_hash(p, info.portfolio, info.snapshot_id),
            )
            for p in checked
        ]
        return self._backend.propose_decisions(
            info.snapshot_id,
            checked,
            proposed_by=actor.who,
            verified=actor.verified,
            proposed_at=proposed_at,
            audits=audits,
        )

    def propose_decision(
        self, snapshot_id: int, proposal: DecisionProposal, *, actor: Actor = LOCAL_OPERATOR
    ) -> int:
        """`propose_decisions` for one pilot; returns the decision id."""
        return self.propose_decisions(snapshot_id, [proposal], actor=actor)[0]

    def approve_decisions(
        self, decision_ids: int | Iterable[int], *, comment: str = "", actor: Actor = LOCAL_OPERATOR
    ) -> list[int]:
        """Approve proposed decisions (one or several, in one transaction, each with its audit row).

        Refused with `DecisionRefused` when a decision is not ``proposed`` any more or ``actor``
        proposed it (nobody signs off their own); an approved decision counts as decided and
        supersedes the pilot's previously approved one. Needs `Action.SIGN_OFF`.
        """
        return self.sign_off(decision_ids, approve=True, comment=comment, actor=actor)

    def reject_decisions(
        self, decision_ids: int | Iterable[int], *, comment: str = "", actor: Actor = LOCAL_OPERATOR
    ) -> list[int]:
        """Reject proposed decisions; the rules of `approve_decisions` apply. Needs `Action.SIGN_OFF`."""
        return self.sign_off(decision_ids, approve=False, comment=comment, actor=actor)

    def sign_off(
        self,
        decision_ids: int | Iterable[int],
        *,
        approve: bool,
        comment: str = "",
        actor: Actor = LOCAL_OPERATOR,
    ) -> list[int]:
        """Approve (``approve=True``) or reject proposed decisions, in one transaction, each with its
        audit row; `approve_decisions` and `reject_decisions` say which in their name. Needs
        `Action.SIGN_OFF`."""
        role = authorize(actor, Action.SIGN_OFF)
        status = DecisionStatus.APPROVED if approve else DecisionStatus.REJECTED
        verb = "Approving" if status is DecisionStatus.APPROVED else "Rejecting"
        _identified(actor, f"{verb} a decision")
        ids = _ids(decision_ids)
        comment = sign_comment(comment)
        signer = identity_key(actor)
        signed_at = _now()
        action = (
            AuditAction.APPROVE_DECISION if status is DecisionStatus.APPROVED else AuditAction.REJECT_DECISION
        )

        def check(record: dict[str, object]) -> None:
            decision_id = record["decision_id"]
            if "status" not in record:
                raise DecisionRefused(
                    f"There is no decision {decision_id}; the decisions list shows them.",
                    code=DecisionProblem.UNKNOWN_DECISION.value,
                )
            if record["status"] != DecisionStatus.PROPOSED.value:
                raise DecisionRefused(
                    f"Decision {decision_id} is {record['status']} already; only a proposed decision can be "
                    "approved or rejected.",
                    code=DecisionProblem.NOT_PENDING.value,
                )
            proposer = recorded_identity_key(str(record["proposed_by"]), bool(record["proposed_by_verified"]))
            if proposer == signer:
                raise DecisionRefused(
                    f"Decision {decision_id} was proposed by {actor.who}; someone else with the approver role "
                    "must sign it off.",
                    code=DecisionProblem.SELF_SIGN_OFF.value,
                )

        audits = [
            _audit_entry(
                actor,
                role,
                action,
                signed_at,
                detail=f"decision {decision_id} {status.value}" + (f": {comment}" if comment else ""),
                content_hash=content_hash_of(
                    {"decision_id": decision_id, "status": status.value, "comment": comment, "by": actor.who}
                ),
            )
            for decision_id in ids
        ]
        return self._backend.sign_off(
            ids,
            status=status.value,
            signed_by=actor.who,
            verified=actor.verified,
            signed_at=signed_at,
            comment=comment,
            check=check,
            audits=audits,
        )

    def decisions(
        self, portfolio: str | None = None, *, pilot_id: str | None = None, in_force: bool = False
    ) -> pd.DataFrame:
        """Decisions recorded (``DECISION_RECORD_COLUMNS``), newest first: every one ever taken,
        or with ``in_force`` only the proposed and approved ones. Times are UTC."""
        frame = self._backend.list_decisions(portfolio, pilot_id, in_force=in_force)
        frame = _utc(frame, "proposed_at", "signed_at", "superseded_at")
        frame["review_date"] = pd.to_datetime(frame["review_date"]).dt.date
        for column in ("decision_id", "snapshot_id", "profile_version", "superseded_by"):
            frame[column] = frame[column].astype("Int64")
        for column in ("proposed_by_verified", "signed_by_verified"):
            frame[column] = frame[column].astype("boolean")
        return frame[list(DECISION_RECORD_COLUMNS)].reset_index(drop=True)
