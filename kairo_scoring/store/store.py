"""`PortfolioStore`: the portfolio store as pages, the CLI and tests see it, whatever database holds it.

Over 400 lines because `PortfolioStore` is the one facade of every store operation (each write
authorised in it), whatever backend holds the data.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import TracebackType

import pandas as pd

from kairo_scoring.access import (
    LOCAL_OPERATOR,
    Action,
    Actor,
    Role,
    authorize,
    identity_key,
    recorded_identity_key,
)
from kairo_scoring.errors import DecisionRefused, Remedy, StoreError
from kairo_scoring.intake.result import IntakeResult
from kairo_scoring.provenance import (
    APP_SOURCE,
    BEFORE_PROVENANCE,
    OPEN_MODE,
    UNCHANGED,
    ProvenanceKind,
    apply_answers,
    conform_provenance,
    provenance_of_pilots,
)
from kairo_scoring.schema import FIELDS
from kairo_scoring.store import frames
from kairo_scoring.store.backend import SnapshotRecord, StoreBackend
from kairo_scoring.store.duckdb_backend import DuckDBBackend, display_path
from kairo_scoring.store.governance import (
    AUDIT_COLUMNS,
    DECISION_RECORD_COLUMNS,
    AuditAction,
    AuditEntry,
    DecisionProblem,
    DecisionProposal,
    DecisionStatus,
    checked_proposal,
    content_hash_of,
    proposal_hash,
    sign_comment,
)
from kairo_scoring.store.postgres_backend import PostgresBackend, is_database_url, safe_label

# <repo>/data/kairo.duckdb: the data folder next to the kairo_scoring package.
DEFAULT_STORE_PATH: Path = Path(__file__).resolve().parents[2] / "data" / "kairo.duckdb"
STORE_PATH_ENV = "KAIRO_STORE"


def resolve_store_path(path: str | Path | None = None) -> Path | str:
    """The store to open: ``path`` if given, else ``$KAIRO_STORE``, else `DEFAULT_STORE_PATH`.

    A ``postgresql://user:password@host:port/database`` URL is passed through (a PostgreSQL
    store); so is ``":memory:"`` (a private, in-process store, handy in tests). A folder
    that does not exist raises StoreError: a mistyped path must not quietly grow a tree of
    folders with a fresh, empty store at its end.
    """
    chosen = path if path is not None else os.environ.get(STORE_PATH_ENV) or DEFAULT_STORE_PATH
    if str(chosen) == ":memory:":
        return ":memory:"
    if is_database_url(str(chosen)):
        return str(chosen)
    resolved = Path(chosen).expanduser()
    if not resolved.parent.is_dir():
        # The app reads the path from $KAIRO_STORE; a caller that passed it (the CLI's --db)
        # names its own option through the remedy.
        where = f" (${STORE_PATH_ENV})" if path is None and os.environ.get(STORE_PATH_ENV) else ""
        raise StoreError(
            f"The folder {display_path(resolved.parent)} for the store {resolved.name} does not exist: "
            f"create it, or choose a store in an existing folder{where}.",
            remedy=Remedy.STORE_PATH,
        )
    return resolved


@dataclass(frozen=True)
class SnapshotInfo:
    """One stored import: where it came from, what it holds and how it was read.

    ``is_new`` is False when `PortfolioStore.import_snapshot` recognised the file as
    already imported and returned the existing snapshot instead of writing one.
    ``created_at`` is timezone-aware UTC. ``base_snapshot_id`` is the snapshot that
    answers were laid over (`PortfolioStore.save_answers`), None for an imported register.
    """

    snapshot_id: int
    portfolio: str
    created_at: datetime
    source_name: str
    content_hash: str
    pilots: int
    rejected: int
    issues: int
    is_new: bool = False
    mapping_name: str = ""
    sheet: str | None = None
    header_row: int | None = None
    column_mapping: dict[str, str] = field(default_factory=dict, hash=False)
    unmapped_columns: tuple[str, ...] = ()
    missing_inputs: tuple[str, ...] = ()
    derived_id: bool = False
    profile_name: str | None = None
    profile_version: int | None = None
    profile_hash: str | None = None
    note: str = ""
    base_snapshot_id: int | None = None
    as_of: date | None = None  # the date the data describes (the import date when none was given)


@dataclass(frozen=True)
class SavedAnswers:
    """What `PortfolioStore.save_answers` did: the new snapshot (or, when no answer changed
    anything, the base snapshot with ``is_new=False``) and what became of each answer
    (``outcomes``: pilot_id, field, before, after, outcome; see `AnsweredPilots`)."""

    snapshot: SnapshotInfo
    outcomes: pd.DataFrame = field(hash=False)


def _now() -> datetime:
    # Stored naive in UTC: both DuckDB TIMESTAMP and a future PostgreSQL column take it as is.
    return datetime.now(UTC).replace(tzinfo=None)


def _utc(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for column in columns:
        frame[column] = pd.to_datetime(frame[column]).dt.tz_localize("UTC")
    return frame


def _as_of(given: date | None, written_at: datetime) -> date:
    """The as-of date to store: the one given (a datetime counts by its date), else the write's date."""
    if given is None:
        return written_at.date()
    if isinstance(given, datetime):
        return given.date()
    if not isinstance(given, date):
        raise StoreError(f"An as-of date must be a date, not {given!r}.")
    return given


def _text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _required_name(kind: str, name: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise StoreError(f"A {kind} needs a name; got {name!r}.")
    return name.strip()


def _optional(value: object) -> object:
    return None if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)) else value


def _audit_entry(
    actor: Actor,
    role: Role,
    action: AuditAction,
    at: datetime,
    *,
    portfolio: str | None = None,
    object_id: str | None = None,
    detail: str = "",
    content_hash: str = "",
) -> AuditEntry:
    """The audit row of a write by ``actor`` (with the role it was authorised with)."""
    return AuditEntry(
        recorded_at=at,
        who=actor.who,
        verified=actor.verified,
        role=role.label,
        action=action.value,
        portfolio=portfolio,
        object_id=object_id,
        detail=detail,
        content_hash=content_hash,
    )


def _naive_utc(moment: date | datetime | None, *, end_of_day: bool = False) -> datetime | None:
    """A filter bound as stored (naive UTC): a date is its midnight UTC (the next one with ``end_of_day``)."""
    if moment is None:
        return None
    if isinstance(moment, datetime):
        return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
    if not isinstance(moment, date):
        raise StoreError(f"A date or time is needed to filter the audit trail, not {moment!r}.")
    start = datetime(moment.year, moment.month, moment.day)
    return start + timedelta(days=1) if end_of_day else start


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
    defaults_json, rows = frames.encode_provenance(provenance, pilots, stored_at)
    return {"provenance": rows, "provenance_defaults_json": defaults_json}


def _answers_hash(base: SnapshotInfo, answers: pd.DataFrame) -> str:
    """The content of an answers snapshot: its base and the answers (value and source)."""
    keyed = conform_provenance(answers).assign(value=answers["value"].astype(str).to_numpy())
    text = keyed.drop(columns="recorded_at").sort_values(["pilot_id", "field"]).to_json(orient="values")
    return "answers:" + _text_hash(f"{base.content_hash}|{base.snapshot_id}|{text}")


class PortfolioStore:
    """The portfolio store: snapshots of imported portfolios, scoring profiles and mapping profiles.

    One object holds one connection and is safe to share between threads (e.g. as a
    Streamlit ``cache_resource``): every method is its own unit of work, and every
    write is one transaction that is retried when a concurrent writer conflicts.

    Raises `StoreLockedError` when another process holds the store file, and
    `StoreError` when the store is newer than this code or not a Kairo store.

    Every write takes the `Actor` asking for it and checks, before anything else, that
    the actor's role read at that moment allows it (`authorize`, `AccessDenied` if not).
    The actor defaults to `LOCAL_OPERATOR` (the CLI, tests, the app's own seeding); the
    app passes the signed-in user on every write.
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        read_only: bool = False,
        backend: StoreBackend | None = None,
        label: str | None = None,
    ):
        """Open the store at ``path`` (`resolve_store_path`): a DuckDB file, or PostgreSQL for a
        ``postgresql://`` URL; or wrap ``backend``.

        ``backend`` is an already opened backend; ``label`` names it in messages, e.g. a
        database URL without its password (`safe_label`), which is what a URL store shows.
        """
        if backend is not None:
            if path is not None or read_only:
                raise TypeError("pass either a path (and read_only) or an opened backend, not both")
            self.path: Path | str = label or type(backend).__name__
            self._label = str(self.path)
            self._backend = backend
            return
        self.path = resolve_store_path(path)
        if is_database_url(self.path):
            self._label = safe_label(str(self.path))
            self._backend = PostgresBackend(str(self.path), read_only=read_only)
            return
        self._label = display_path(self.path)
        self._backend = DuckDBBackend(self.path, read_only=read_only)

    @classmethod
    def from_backend(cls, backend: StoreBackend, *, label: str) -> PortfolioStore:
        """A store over an already opened backend: ``cls(backend=backend, label=label)``."""
        return cls(backend=backend, label=label)

    @property
    def read_only(self) -> bool:
        """True when the store was opened read-only."""
        return self._backend.read_only

    def close(self) -> None:
        """Close the store's connection; further calls raise StoreError."""
        self._backend.close()

    def __enter__(self) -> PortfolioStore:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = "read-only" if self.read_only else "read-write"
        return f"PortfolioStore({self._label!r}, {mode})"

    # --- imports ---------------------------------------------------------------------
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

    # --- browsing --------------------------------------------------------------------
    def portfolios(self) -> pd.DataFrame:
        """Portfolios by name: portfolio, created_at, snapshots, latest_snapshot_id, latest_created_at."""
        return _utc(self._backend.list_portfolios(), "created_at", "latest_created_at")

    def snapshots(self, portfolio: str | None = None) -> pd.DataFrame:
        """Snapshots newest first (of one portfolio, or all), with their row counts and the profile used."""
        return _utc(self._backend.list_snapshots(portfolio), "created_at")

    def latest_snapshot_id(self, portfolio: str) -> int | None:
        """The newest snapshot of ``portfolio``, or None when it has none (or does not exist)."""
        return self._backend.latest_snapshot_id(portfolio)

    def snapshot_info(self, snapshot_id: int) -> SnapshotInfo:
        """What is known about one snapshot; StoreError when it does not exist."""
        row = self._snapshot_row(snapshot_id)
        header_row = _optional(row["header_row"])
        profile_version = _optional(row["profile_version"])
        return SnapshotInfo(
            snapshot_id=int(row["snapshot_id"]),
            portfolio=str(row["portfolio"]),
            created_at=pd.Timestamp(row["created_at"]).to_pydatetime().replace(tzinfo=UTC),
            source_name=str(row["source_name"]),
            content_hash=str(row["content_hash"]),
            pilots=int(row["pilot_count"]),
            rejected=int(row["rejected_count"]),
            issues=int(row["issue_count"]),
            is_new=False,
            mapping_name=str(row["mapping_name"]),
            sheet=_optional(row["sheet"]),
            header_row=None if header_row is None else int(header_row),
            column_mapping=json.loads(row["column_mapping"]),
            unmapped_columns=tuple(json.loads(row["unmapped_columns"])),
            missing_inputs=tuple(json.loads(row["missing_inputs"])),
            derived_id=bool(row["derived_id"]),
            profile_name=_optional(row["profile_name"]),
            profile_version=None if profile_version is None else int(profile_version),
            profile_hash=_optional(row["profile_hash"]),
            note=str(row["note"]),
            base_snapshot_id=None
            if _optional(row["base_snapshot_id"]) is None
            else int(row["base_snapshot_id"]),
            as_of=pd.Timestamp(row["as_of"]).date(),
        )

    def _snapshot_row(self, snapshot_id: int) -> dict[str, object]:
        row = self._backend.snapshot_row(int(snapshot_id))
        if row is None:
            raise StoreError(f"Snapshot {snapshot_id} does not exist in the store {self._label}.")
        return row

    def _dtypes(self, snapshot_id: int) -> dict[str, frames.DtypeSpec]:
        return frames.parse_frame_dtypes(str(self._snapshot_row(snapshot_id)["frame_dtypes"]))

    def load_pilots(self, snapshot_id: int) -> pd.DataFrame:
        """A snapshot's pilots in import order: the canonical columns (``schema.conform``) plus ``source_row``."""
        spec = self._dtypes(snapshot_id)["pilots"]
        return frames.decode_pilots(self._backend.pilot_rows(int(snapshot_id)), spec)

    def load_rejected(self, snapshot_id: int) -> pd.DataFrame:
        """A snapshot's rejected rows: the original columns and values, ``source_row``, ``reject_reason``."""
        spec = self._dtypes(snapshot_id)["rejected"]
        return frames.decode_rejected(self._backend.rejected_rows(int(snapshot_id)), spec)

    def load_issues(self, snapshot_id: int) -> pd.DataFrame:
        """A snapshot's validation report (columns ``ISSUE_COLUMNS``), as intake produced it."""
        spec = self._dtypes(snapshot_id)["issues"]
        return frames.decode_issues(self._backend.issue_rows(int(snapshot_id)), spec)

    def load_provenance(self, snapshot_id: int) -> pd.DataFrame:
        """Where each known value of a snapshot's pilots came from (``PROVENANCE_COLUMNS``),
        one row per (pilot, field), in pilot then field order.

        A snapshot stored before provenance was recorded (store schema < 4) gets it from
        what the snapshot kept: a field its column mapping maps is ``register`` (its file,
        sheet and row), any other known value can only have been ``derived``; the detail of
        each says ``BEFORE_PROVENANCE`` and ``recorded_at`` is when it was stored.
        """
        row = self._snapshot_row(snapshot_id)
        if _optional(row["provenance_count"]) is not None:
            return frames.decode_provenance(
                self._backend.provenance_rows(int(snapshot_id)),
                str(row["provenance_defaults"]),
                self.load_pilots(snapshot_id),
            )
        legacy = provenance_of_pilots(
            self.load_pilots(snapshot_id),
            source=str(row["source_name"]),
            sheet=_optional(row["sheet"]),
            column_mapping=json.loads(row["column_mapping"]),
            derivations={},
            detail=BEFORE_PROVENANCE,
        )
        created_at = pd.Timestamp(row["created_at"]).tz_localize("UTC")
        return conform_provenance(legacy.assign(recorded_at=created_at))

    # --- scoring profiles ------------------------------------------------------------
    def save_profile(
        self, name: str, version: int, toml_text: str, content_hash: str, *, actor: Actor = LOCAL_OPERATOR
    ) -> bool:
        """Store scoring profile ``name`` version ``version``; False when that exact version is already stored.

        A stored version never changes: saving different content under an existing
        name and version raises StoreError. Needs `Action.EDIT_PROFILE`; a new version gets one
        audit row.
        """
        role = authorize(actor, Action.EDIT_PROFILE)
        name = _required_name("scoring profile", name)
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise StoreError(
                f"Scoring profile '{name}' needs a version number of 1 or more; got {version!r}."
            )
        saved_at = _now()
        audit = _audit_entry(
            actor,
            role,
            AuditAction.SAVE_PROFILE,
            saved_at,
            object_id=f"{name} v{version}",
            detail=f"scoring profile {name} version {version}",
            content_hash=content_hash,
        )
        return self._backend.save_profile(name, version, toml_text, content_hash, saved_at, audit)

    def profiles(self) -> pd.DataFrame:
        """Stored scoring profiles: name, version, hash, created_at."""
        return _utc(self._backend.list_profiles(), "created_at")

    def load_profile_text(self, name: str, version: int | None = None) -> str:
        """A scoring profile's TOML text: the given version, or the latest when ``version`` is None."""
        text = self._backend.profile_text(name, version)
        if text is None:
            known = sorted(set(self._backend.list_profiles()["name"]))
            which = f"'{name}'" if version is None else f"'{name}' version {version}"
            raise StoreError(
                f"No scoring profile {which} in the store; stored profiles: {', '.join(known) or 'none'}."
            )
        return text

    # --- mapping profiles ------------------------------------------------------------
    def save_mapping(self, name: str, toml_text: str, *, actor: Actor = LOCAL_OPERATOR) -> int:
        """Save mapping profile ``name`` (insert or replace); returns its version, raised only when the text changed.

        Needs `Action.SAVE_MAPPING`; a changed text gets one audit row.
        """
        role = authorize(actor, Action.SAVE_MAPPING)
        name = _required_name("mapping profile", name)
        saved_at, content_hash = _now(), _text_hash(toml_text)
        audit = _audit_entry(
            actor,
            role,
            AuditAction.SAVE_MAPPING,
            saved_at,
            detail=f"mapping profile {name}",
            content_hash=content_hash,
        )
        return self._backend.save_mapping(name, toml_text, content_hash, saved_at, audit)

    def mappings(self) -> pd.DataFrame:
        """Stored mapping profiles: name, version, hash, created_at, updated_at."""
        return _utc(self._backend.list_mappings(), "created_at", "updated_at")

    def load_mapping_text(self, name: str) -> str:
        """A mapping profile's TOML text; StoreError when there is none of that name."""
        text = self._backend.mapping_text(name)
        if text is None:
            known = sorted(self._backend.list_mappings()["name"])
            raise StoreError(
                f"No mapping profile '{name}' in the store; stored mappings: {', '.join(known) or 'none'}."
            )
        return text

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

    # --- the audit trail ---------------------------------------------------------------
    def audit(
        self,
        since: date | datetime | None = None,
        *,
        until: date | datetime | None = None,
        portfolio: str | None = None,
        action: AuditAction | str | None = None,
        who: str | None = None,
        actor: Actor = LOCAL_OPERATOR,
    ) -> pd.DataFrame:
        """The audit trail (``AUDIT_COLUMNS``) in the order it was written: every write of the
        store, who did it (``verified``: a signed-in identity, not a typed name), with which
        role, what and the content hash of what changed. ``since`` and ``until`` are dates
        (whole days, UTC) or times; ``until`` is exclusive for a time, inclusive for a date.

        There is no way to change or remove an audit row through the store. Needs
        `Action.READ_AUDIT` (approver or admin).
        """
        authorize(actor, Action.READ_AUDIT)
        frame = self._backend.list_audit(
            _naive_utc(since),
            _naive_utc(until, end_of_day=not isinstance(until, datetime)),
            portfolio=portfolio,
            action=None if action is None else AuditAction(action).value,
            who=who,
        )
        frame = _utc(frame, "recorded_at")
        frame["audit_id"] = frame["audit_id"].astype("Int64")
        frame["verified"] = frame["verified"].astype(bool)
        return frame[list(AUDIT_COLUMNS)].reset_index(drop=True)

    # --- maintenance -----------------------------------------------------------------
    def schema_version(self) -> int:
        """The schema version recorded in the store."""
        return self._backend.schema_version()

    def integrity_check(self) -> list[str]:
        """Every inconsistency in the store, one sentence each; an empty list means it is sound.

        Checks that each snapshot's recorded pilot, rejected and issue counts match its
        rows, that no row belongs to a missing snapshot or portfolio, and that no
        portfolio holds the same import twice.
        """
        return self._backend.integrity_problems()

    def row_counts(self) -> dict[str, int]:
        """Number of rows in each table of the store."""
        return self._backend.row_counts()
