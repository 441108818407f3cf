"""The decisions' SQL: `DecisionSql`, the statements on ``decisions`` and ``decision_pilots``:
proposing decisions (superseding a pilot's pending one), signing them off (an approval
supersedes the pilot's approved one) and listing them. Every decision write raises the
pilot's revision in ``decision_pilots`` first, so concurrent writes on one pilot conflict.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import datetime

import pandas as pd

from kairo_scoring.errors import StoreError
from kairo_scoring.store.governance import (
    DECISION_RECORD_COLUMNS,
    AuditEntry,
    DecisionProposal,
    DecisionStatus,
)
from kairo_scoring.store.sql_audit import AuditSql
from kairo_scoring.store.sql_units import Cursor

# The decision columns as `list_decisions` returns them (``d`` decisions, ``p`` portfolios).
_DECISION_SELECT = ", ".join(
    "p.name AS portfolio" if column == "portfolio" else f"d.{column}" for column in DECISION_RECORD_COLUMNS
)


class DecisionSql(AuditSql):
    """Proposing, signing off and listing decisions."""

    @staticmethod
    def _touch_pilot(cursor: Cursor, portfolio_id: int, pilot_id: str, at: datetime) -> None:
        """Raise the pilot's decision revision: concurrent decision writes on one pilot conflict here."""
        row = cursor.execute(
            "SELECT revision FROM decision_pilots WHERE portfolio_id = ? AND pilot_id = ?",
            [portfolio_id, pilot_id],
        ).fetchone()
        if row is None:
            cursor.execute(
                "INSERT INTO decision_pilots (portfolio_id, pilot_id, revision, updated_at) VALUES (?, ?, 1, ?)",
                [portfolio_id, pilot_id, at],
            )
        else:
            cursor.execute(
                "UPDATE decision_pilots SET revision = ?, updated_at = ? WHERE portfolio_id = ? AND pilot_id = ?",
                [int(row[0]) + 1, at, portfolio_id, pilot_id],
            )

    def propose_decisions(
        self,
        snapshot_id: int,
        proposals: Sequence[DecisionProposal],
        *,
        proposed_by: str,
        verified: bool,
        proposed_at: datetime,
        audits: Sequence[AuditEntry],
    ) -> list[int]:
        """Record decisions on pilots of a snapshot, each with its audit row, in one transaction.

        Each pilot's pending decision, if any, is marked superseded by the new one. Raises
        StoreError when the snapshot does not exist (any more).
        """

        def work(cursor: Cursor) -> list[int]:
            row = cursor.execute(
                "SELECT portfolio_id FROM snapshots WHERE snapshot_id = ?", [snapshot_id]
            ).fetchone()
            if row is None:
                raise StoreError(
                    f"Snapshot {snapshot_id} does not exist any more; reload the portfolio and decide again."
                )
            portfolio_id = int(row[0])
            ids = []
            for proposal, audit in zip(proposals, audits, strict=True):
                self._touch_pilot(cursor, portfolio_id, proposal.pilot_id, proposed_at)
                (decision_id,) = cursor.execute("SELECT nextval('decision_id_seq')").fetchone()
                cursor.execute(
                    "UPDATE decisions SET status = ?, superseded_by = ?, superseded_at = ? "
                    "WHERE portfolio_id = ? AND pilot_id = ? AND status = ?",
                    [
                        DecisionStatus.SUPERSEDED.value,
                        decision_id,
                        proposed_at,
                        portfolio_id,
                        proposal.pilot_id,
                        DecisionStatus.PROPOSED.value,
                    ],
                )
                cursor.execute(
                    """INSERT INTO decisions (decision_id, portfolio_id, pilot_id, snapshot_id, kind, option,
                    reason, review_date, verdict, recommended, readiness, profile_name, profile_version,
                    profile_hash, proposed_by, proposed_by_verified, proposed_at, status)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    [
                        decision_id,
                        portfolio_id,
                        proposal.pilot_id,
                        snapshot_id,
                        proposal.kind,
                        proposal.option,
                        proposal.reason,
                        proposal.review_date,
                        proposal.verdict,
                        proposal.recommended,
                        proposal.readiness,
                        proposal.profile_name,
                        proposal.profile_version,
                        proposal.profile_hash,
                        proposed_by,
                        verified,
                        proposed_at,
                        DecisionStatus.PROPOSED.value,
                    ],
                )
                self._insert_audit(cursor, dataclasses.replace(audit, object_id=f"decision {decision_id}"))
                ids.append(int(decision_id))
            return ids

        return self._write(work, serializable=True)

    def sign_off(
        self,
        decision_ids: Sequence[int],
        *,
        status: str,
        signed_by: str,
        verified: bool,
        signed_at: datetime,
        comment: str,
        check: Callable[[dict[str, object]], None],
        audits: Sequence[AuditEntry],
    ) -> list[int]:
        """Approve or reject proposed decisions, each with its audit row, in one transaction.

        ``check`` sees each decision as stored (``DECISION_RECORD_COLUMNS``) inside the
        transaction and raises to refuse it (not pending any more, the signer proposed it).
        Approving one supersedes the pilot's previously approved decision.
        """

        def work(cursor: Cursor) -> list[int]:
            for decision_id, audit in zip(decision_ids, audits, strict=True):
                row = cursor.execute(
                    f"SELECT d.portfolio_id, {_DECISION_SELECT} FROM decisions d "
                    "JOIN portfolios p USING (portfolio_id) WHERE d.decision_id = ?",
                    [decision_id],
                ).fetchone()
                if row is None:
                    check({"decision_id": decision_id})  # refuses: there is no such decision
                    raise StoreError(f"Decision {decision_id} does not exist.")
                portfolio_id = int(row[0])
                record = dict(zip(DECISION_RECORD_COLUMNS, row[1:], strict=True))
                check(record)
                pilot_id = str(record["pilot_id"])
                self._touch_pilot(cursor, portfolio_id, pilot_id, signed_at)
                if status == DecisionStatus.APPROVED.value:
                    cursor.execute(
                        "UPDATE decisions SET status = ?, superseded_by = ?, superseded_at = ? "
                        "WHERE portfolio_id = ? AND pilot_id = ? AND status = ?",
                        [
                            DecisionStatus.SUPERSEDED.value,
                            decision_id,
                            signed_at,
                            portfolio_id,
                            pilot_id,
                            DecisionStatus.APPROVED.value,
                        ],
                    )
                cursor.execute(
                    "UPDATE decisions SET status = ?, signed_by = ?, signed_by_verified = ?, signed_at = ?, "
                    "sign_comment = ? WHERE decision_id = ?",
                    [status, signed_by, verified, signed_at, comment, decision_id],
                )
                self._insert_audit(
                    cursor,
                    dataclasses.replace(
                        audit, portfolio=str(record["portfolio"]), object_id=f"decision {decision_id}"
                    ),
                )
            return [int(i) for i in decision_ids]

        # Serializable: a concurrent sign-off of the same decision must fail and retry, then see it signed.
        return self._write(work, serializable=True)

    def list_decisions(
        self, portfolio: str | None = None, pilot_id: str | None = None, *, in_force: bool = False
    ) -> pd.DataFrame:
        """Decisions (``DECISION_RECORD_COLUMNS``), newest first; optionally of one portfolio or pilot,
        or only those in force (proposed or approved)."""
        conditions, params = [], []
        if portfolio is not None:
            conditions.append("p.name = ?")
            params.append(portfolio)
        if pilot_id is not None:
            conditions.append("d.pilot_id = ?")
            params.append(pilot_id)
        if in_force:
            conditions.append("d.status IN (?, ?)")
            params += [DecisionStatus.PROPOSED.value, DecisionStatus.APPROVED.value]
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        return self._read(
            lambda cursor: cursor.execute(
                f"SELECT {_DECISION_SELECT} FROM decisions d JOIN portfolios p USING (portfolio_id) {where} "
                "ORDER BY d.proposed_at DESC, d.decision_id DESC",
                params,
            ).df()
        )
