"""Writing snapshots: `SnapshotWrites`, the `PortfolioStore` operations that store an import
as a snapshot, lay answers over a snapshot as a new one (`SavedAnswers`) and delete one,
each authorised and audited, with the rules that turn their input into a `SnapshotRecord`.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from kairo_scoring.access import LOCAL_OPERATOR, Action, Actor, authorize
from kairo_scoring.errors import StoreError
from kairo_scoring.intake.result import IntakeResult
from kairo_scoring.provenance import (
    APP_SOURCE,
    OPEN_MODE,
    UNCHANGED,
    ProvenanceKind,
    apply_answers,
    conform_provenance,
)
from kairo_scoring.schema import FIELDS
from kairo_scoring.store import frames, provenance_frames
from kairo_scoring.store.backend import SnapshotRecord
from kairo_scoring.store.governance import AuditAction
from kairo_scoring.store.snapshots import SnapshotInfo, SnapshotReads
from kairo_scoring.store.store_base import _audit_entry, _now, _required_name, _text_hash


@dataclass(frozen=True)
class SavedAnswers:
    """What `PortfolioStore.save_answers` did: the new snapshot (or, when no answer changed
    anything, the base snapshot with ``is_new=False``) and what became of each answer
    (``outcomes``: pilot_id, field, before, after, outcome; see `AnsweredPilots`)."""

    snapshot: SnapshotInfo
    outcomes: pd.DataFrame = field(hash=False)


def _as_of(given: date | None, written_at: datetime) -> date:
    """The as-of date to store: the one given (a datetime counts by its date), else the write's date."""
    if given is None:
        return written_at.date()
    if isinstance(given, datetime):
        return given.date()
    if not isinstance(given, date):
        raise StoreError(f"An as-of date must be a date, not {given!r}.")
    return given


def _stamped_answers(answers: pd.DataFrame, actor: Actor, saved_at: datetime) -> pd.DataFrame:
    """Answers with the app's source and respondent set from ``actor`` and a missing
    ``recorded_at`` set to ``saved_at`` (UTC)."""
    given = answers.reset_index(drop=True).copy()
    for column in ("kind", "source", "respondent", "recorded_at"):
        if column not in given.columns:
            given[column] = None
    from_app = given["kind"].astype("string").eq(ProvenanceKind.APP.value).fillna(False).to_numpy(dtype=bool)
    who = (actor.email or actor.label) if actor.signed_in else OPEN_MODE
    given.loc[from_app, "source"] = APP_SOURCE
    given.loc[from_app, "respondent"] = who
    stamps = pd.to_datetime(given["recorded_at"], utc=True)
    # The fill value takes the column's own resolution (pandas warns when they differ).
    given["recorded_at"] = stamps.fillna(pd.Timestamp(saved_at, tz="UTC").as_unit(stamps.dt.unit))
    return given


def _provenance_fields(
    provenance: pd.DataFrame, pilots: pd.DataFrame, stored_at: datetime
) -> dict[str, object]:
    defaults_json, rows = provenance_frames.encode_provenance(provenance, pilots, stored_at)
    return {"provenance": rows, "provenance_defaults_json": defaults_json}


def _answers_hash(base: SnapshotInfo, answers: pd.DataFrame) -> str:
    """The content of an answers snapshot: its base and the answers (value and source)."""
    keyed = conform_provenance(answers).assign(value=answers["value"].astype(str).to_numpy())
    text = keyed.drop(columns="recorded_at").sort_values(["pilot_id", "field"]).to_json(orient="values")
    return "answers:" + _text_hash(f"{base.content_hash}|{base.snapshot_id}|{text}")


class SnapshotWrites(SnapshotReads):
    """Importing a register, saving answers and deleting a snapshot (each write authorised first)."""

    def import_snapshot(
        self,
        result: IntakeResult,
        *,
        portfolio: str,
        profile_name: str | None = None,
        profile_version: int | None = None,
        profile_hash: str | None = None,
        note: str = "",
        as_of: date | None = None,
        actor: Actor = LOCAL_OPERATOR,
    ) -> SnapshotInfo:
        """Store an import as a new snapshot of ``portfolio`` (created if needed), in one transaction.

        ``as_of`` is the date the register describes (the History page labels snapshots by
        it); without one it is the import's own date (UTC).

        A file already imported into this portfolio with the same mapping (same content
        hash) is recognised: its existing snapshot comes back with ``is_new=False`` and
        nothing is written. Needs `Action.IMPORT`; the audit trail gets one row (in the same
        transaction) when a snapshot is written.
        """
        role = authorize(actor, Action.IMPORT)
        portfolio = _required_name("portfolio", portfolio)
        if not result.content_hash:
            raise StoreError(
                f"The import of '{result.source_name}' has no content hash; it cannot be stored."
            )
        created_at = _now()
        record = SnapshotRecord(
            portfolio=portfolio,
            created_at=created_at,
            source_name=str(result.source_name),
            content_hash=str(result.content_hash),
            mapping_name=str(result.mapping_name),
            sheet=result.sheet,
            header_row=None if result.header_row is None else int(result.header_row),
            column_mapping_json=json.dumps(dict(result.column_mapping), ensure_ascii=False),
            unmapped_columns_json=json.dumps([str(c) for c in result.unmapped_columns], ensure_ascii=False),
            missing_inputs_json=json.dumps(list(result.missing_inputs)),
            derived_id=bool(result.derived_id),
            profile_name=profile_name,
            profile_version=None if profile_version is None else int(profile_version),
            profile_hash=profile_hash,
            note=note,
            frame_dtypes_json=frames.frame_dtypes_json(result.pilots, result.rejected, result.issues),
            pilots=frames.encode_pilots(result.pilots),
            rejected=frames.encode_rejected(result.rejected),
            issues=frames.encode_issues(result.issues),
            **_provenance_fields(result.field_provenance(), result.pilots, created_at),
            as_of=_as_of(as_of, created_at),
        )
        audit = _audit_entry(
            actor,
            role,
            AuditAction.IMPORT,
            created_at,
            portfolio=portfolio,
            detail=f"{record.source_name}: {record.pilot_count} pilots, {record.rejected_count} rejected",
            content_hash=record.content_hash,
        )
        snapshot_id, is_new = self._backend.insert_snapshot(record, audit)
        return dataclasses.replace(self.snapshot_info(snapshot_id), is_new=is_new)

    def save_answers(
        self,
        base_snapshot_id: int,
        answers: pd.DataFrame,
        *,
        source_name: str,
        profile_name: str | None = None,
        profile_version: int | None = None,
        profile_hash: str | None = None,
        note: str = "",
        as_of: date | None = None,
        actor: Actor = LOCAL_OPERATOR,
    ) -> SavedAnswers:
        """Lay ``answers`` over snapshot ``base_snapshot_id`` and store the result as ONE new
        snapshot of the same portfolio, in one transaction; the base is not changed.

        ``answers`` has ``ANSWER_COLUMNS`` (pilot_id, field, value, kind, and where the
        answer came from). Answered fields get the answer's provenance (kind ``assessment``
        or ``app``); every other value keeps the base's. For ``app`` answers the store
        records who asked: ``respondent`` is ``actor``'s email (``"open mode"`` with no
        sign-in) and ``source`` is ``"app"``, whatever the caller wrote. An answer without
        ``recorded_at`` is recorded now. Rejected rows and the validation report are the
        base's. Any bad answer raises `StoreError` and nothing is written (`apply_answers`);
        when no answer changes anything (the same values from the same source and
        respondent) nothing is written and the base comes back with ``is_new=False``.
        ``as_of`` is the date the answers describe (today, UTC, without one).
        Needs `Action.SAVE_ANSWERS`; the audit trail gets one row when a snapshot is written.
        """
        role = authorize(actor, Action.SAVE_ANSWERS)
        source_name = _required_name("snapshot source", source_name)
        base = self.snapshot_info(base_snapshot_id)
        saved_at = _now()
        given = _stamped_answers(answers, actor, saved_at)
        answered = apply_answers(
            self.load_pilots(base.snapshot_id), self.load_provenance(base.snapshot_id), given
        )
        if not answered.changed:
            return SavedAnswers(base, answered.outcomes)
        rejected, issues = self.load_rejected(base.snapshot_id), self.load_issues(base.snapshot_id)
        missing = tuple(f.name for f in FIELDS if not f.required and answered.pilots[f.name].isna().all())
        record = SnapshotRecord(
            portfolio=base.portfolio,
            created_at=saved_at,
            source_name=source_name,
            content_hash=_answers_hash(base, given),
            mapping_name=base.mapping_name,
            sheet=base.sheet,
            header_row=base.header_row,
            column_mapping_json=json.dumps(base.column_mapping, ensure_ascii=False),
            unmapped_columns_json=json.dumps(list(base.unmapped_columns), ensure_ascii=False),
            missing_inputs_json=json.dumps(list(missing)),
            derived_id=base.derived_id,
            profile_name=profile_name,
            profile_version=None if profile_version is None else int(profile_version),
            profile_hash=profile_hash,
            note=note,
            frame_dtypes_json=frames.frame_dtypes_json(answered.pilots, rejected, issues),
            pilots=frames.encode_pilots(answered.pilots),
            rejected=frames.encode_rejected(rejected),
            issues=frames.encode_issues(issues),
            **_provenance_fields(answered.provenance, answered.pilots, saved_at),
            base_snapshot_id=base.snapshot_id,
            as_of=_as_of(as_of, saved_at),
        )
        changed = int((answered.outcomes["outcome"] != UNCHANGED).sum())
        audit = _audit_entry(
            actor,
            role,
            AuditAction.SAVE_ANSWERS,
            saved_at,
            portfolio=base.portfolio,
            detail=f"{source_name}: {len(given)} answers over snapshot {base.snapshot_id} ({changed} changed values)",
            content_hash=record.content_hash,
        )
        snapshot_id, is_new = self._backend.insert_snapshot(record, audit)
        info = dataclasses.replace(self.snapshot_info(snapshot_id), is_new=is_new)
        return SavedAnswers(info, answered.outcomes)

    def delete_snapshot(self, snapshot_id: int, *, actor: Actor = LOCAL_OPERATOR) -> None:
        """Delete a snapshot and all its rows, in one transaction with its audit row.

        Decisions taken on it stay (they belong to their pilots). Needs `Action.DELETE_SNAPSHOT`.
        """
        role = authorize(actor, Action.DELETE_SNAPSHOT)
        audit = _audit_entry(actor, role, AuditAction.DELETE_SNAPSHOT, _now(), detail="snapshot deleted")
        if not self._backend.delete_snapshot(int(snapshot_id), audit):
            raise StoreError(f"Snapshot {snapshot_id} does not exist; nothing was deleted.")
