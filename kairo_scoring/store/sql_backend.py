"""The store's SQL, shared by its backends: every query and write, the retry loop and the migrations.

`SqlBackend` implements the whole `StoreBackend` protocol over a small cursor interface
(`Cursor`: DuckDB's own, or the PostgreSQL adapter in postgres_backend.py); a backend
subclass supplies only what differs between databases: how it connects and hands out a
cursor, which driver errors are conflicts or write failures, and the names of its
tables. The SQL is written once, with ``?`` placeholders and DuckDB's spelling of types;
the PostgreSQL cursor translates both (`postgres_backend.postgres_sql`). It is long
(~750 lines) because it is every query of the store, each beside the unit of work that
runs it; splitting it further would only scatter one unit of work.

Units of work (see docs/store.md):

- A read runs on its own cursor (`_read`); a write is one explicit transaction on its own
  cursor (`_write`), rolled back and run again from the start when it conflicted with a
  concurrent writer (`_is_conflict`), up to `MAX_ATTEMPTS` times with jittered backoff. The
  retry re-reads, so a concurrent import of the same bytes is recognised as a duplicate.
- ``serializable=True`` asks for the strictest isolation the database has for the rules
  that read then write (one decision in force per pilot, a mapping's version): DuckDB's
  optimistic concurrency always gives it; PostgreSQL runs those at SERIALIZABLE.
- A failing disk is not a conflict (`_write_failure`): it fails at once, with its reason.
"""

from __future__ import annotations

import contextlib
import dataclasses
import random
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, ClassVar, Protocol, TypeVar

import pandas as pd

from kairo_scoring.errors import Remedy, StoreError
from kairo_scoring.store.backend import (
    ISSUE_ROW_COLUMNS,
    MAX_STORED_VERSION,
    PILOT_EXTRAS_COLUMN,
    PILOT_ROW_PREFIX,
    PROVENANCE_ROW_COLUMNS,
    REJECTED_ROW_COLUMNS,
    SnapshotRecord,
)
from kairo_scoring.store.governance import (
    AUDIT_COLUMNS,
    DECISION_RECORD_COLUMNS,
    AuditEntry,
    DecisionProposal,
    DecisionStatus,
)
from kairo_scoring.store.sql_schema import (
    AS_OF_COLUMN,
    MIGRATIONS,
    PILOT_FIELDS,
    SNAPSHOT_COLUMNS,
    SNAPSHOT_ROW_TABLES,
    TABLES,
    table,
)

T = TypeVar("T")

# Retries of a unit of work that conflicted with a concurrent writer.
MAX_ATTEMPTS = 8
_BACKOFF_SECONDS = 0.01


class Cursor(Protocol):
    """What the shared SQL needs of a cursor: DuckDB's connection cursor has all of it."""

    description: Any

    def execute(self, statement: str, parameters: object = ..., /) -> Cursor: ...
    def fetchone(self) -> tuple[Any, ...] | None: ...
    def fetchall(self) -> list[tuple[Any, ...]]: ...
    def df(self) -> pd.DataFrame: ...
    def append(self, table_name: str, frame: pd.DataFrame, *, by_name: bool = ...) -> object: ...
    def begin(self) -> object: ...
    def commit(self) -> object: ...
    def rollback(self) -> object: ...
    def close(self) -> object: ...


# The decision columns as `list_decisions` returns them (``d`` decisions, ``p`` portfolios).
_DECISION_SELECT = ", ".join(
    "p.name AS portfolio" if column == "portfolio" else f"d.{column}" for column in DECISION_RECORD_COLUMNS
)
# The meta row of the schema version, written by every migration step (upsert, in both dialects).
_SET_META = (
    "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"
)


class SqlBackend:
    """Every query of the store over a `Cursor`; subclasses connect and classify driver errors."""

    read_only: bool
    # The driver's base exception: anything else a unit of work raises passes through untouched.
    driver_error: ClassVar[type[Exception]] = Exception
    # The database's name in messages ("a DuckDB database but not a Kairo store").
    dialect: ClassVar[str] = "SQL"
    _shown_path: str

    # --- what a backend supplies -----------------------------------------------------
    def _cursor(self) -> Cursor:
        """A cursor for one unit of work (closed by the caller); StoreError when closed or unreachable."""
        raise NotImplementedError

    def _table_names(self, cursor: Cursor) -> set[str]:
        """The tables in the store's database (schema)."""
        raise NotImplementedError

    def _migration_steps(self) -> Sequence[Callable[[Cursor], None]]:
        """The migration steps this backend runs (`sql_schema.MIGRATIONS`; a test may append one)."""
        return MIGRATIONS

    def _begin(self, cursor: Cursor, *, serializable: bool) -> None:
        cursor.begin()

    def _is_conflict(self, exc: Exception) -> bool:
        """True when ``exc`` means another writer got there first, so re-running the unit of work helps."""
        raise NotImplementedError

    def _write_failure(self, exc: Exception) -> tuple[str, str] | None:
        """(reason, action) when ``exc`` means the store could not be written, else None."""
        return None

    def _store_error(self, exc: Exception) -> StoreError:
        return StoreError(
            f"The store {self._shown_path} could not complete the request: {exc}; try again, and if it "
            "keeps failing restore the store from a backup or choose another store path.",
            remedy=Remedy.STORE_PATH,
        )

    def _write_error(self, reason: str, action: str) -> StoreError:
        return StoreError(
            f"The store {self._shown_path} could not be written: {reason}. Nothing was saved; {action}.",
            remedy=Remedy.STORE_PATH,
        )

    # --- units of work ---------------------------------------------------------------
    @staticmethod
    def _rollback_quietly(cursor: Cursor) -> None:
        # The transaction may already be aborted or never have started; either way it is gone.
        with contextlib.suppress(Exception):
            cursor.rollback()

    def _read(self, work: Callable[[Cursor], T]) -> T:
        """Run a read-only unit of work on its own cursor."""
        cursor = self._cursor()
        try:
            return work(cursor)
        except self.driver_error as exc:
            raise self._store_error(exc) from exc
        finally:
            cursor.close()

    def _write(self, work: Callable[[Cursor], T], *, serializable: bool = False) -> T:
        """Run ``work`` in one transaction on its own cursor; retry it when a concurrent writer conflicts."""
        if self.read_only:
            raise StoreError(
                f"The store {self._shown_path} was opened read-only; open it read-write to change it."
            )
        for attempt in range(1, MAX_ATTEMPTS + 1):
            cursor = self._cursor()
            try:
                self._begin(cursor, serializable=serializable)
                result = work(cursor)
                cursor.commit()
                return result
            except self.driver_error as exc:
                self._rollback_quietly(cursor)
                failure = self._write_failure(exc)
                if failure is not None:
                    raise self._write_error(*failure) from exc
                if not self._is_conflict(exc):
                    raise self._store_error(exc) from exc
                if attempt == MAX_ATTEMPTS:
                    raise StoreError(
                        f"The store {self._shown_path} is busy: {MAX_ATTEMPTS} attempts conflicted with other "
                        "writers. Try again."
                    ) from exc
            except BaseException:
                self._rollback_quietly(cursor)
                raise
            finally:
                cursor.close()
            # Jittered exponential backoff so the retrying writers do not collide again in step.
            time.sleep(_BACKOFF_SECONDS * 2 ** (attempt - 1) * (1 + random.random()))
        raise AssertionError("unreachable")  # the loop returns or raises

    # --- schema version and migrations -----------------------------------------------
    def _stored_version(self, cursor: Cursor) -> int:
        tables = self._table_names(cursor)
        if "meta" not in tables:
            if tables:
                raise StoreError(
                    f"{self._shown_path} is a {self.dialect} database but not a Kairo store "
                    f"(tables found: {', '.join(sorted(tables))}); choose another store path.",
                    remedy=Remedy.STORE_PATH,
                )
            return 0
        row = cursor.execute("SELECT value FROM meta WHERE key = ?", ["schema_version"]).fetchone()
        if row is None:
            raise StoreError(
                f"The store {self._shown_path} has no schema version; it is damaged: "
                "restore it from a backup or choose another store path.",
                remedy=Remedy.STORE_PATH,
            )
        recorded = str(row[0]).strip()
        # Written by _migrate as str(version) for versions from 1; anything else is damage.
        if not recorded.isascii() or not recorded.isdigit() or int(recorded) < 1:
            raise StoreError(
                f"The store {self._shown_path} records schema version {str(row[0])[:40]!r}, which is not "
                "a version number; it is damaged: restore it from a backup or choose another store path.",
                remedy=Remedy.STORE_PATH,
            )
        return int(recorded)

    def _migrate_on(self, cursor: Cursor) -> None:
        """Bring the store from its recorded version to the newest, one step per transaction.

        The caller holds whatever lock keeps two processes or backends from migrating at once.
        """
        steps = self._migration_steps()
        target = len(steps)
        try:
            stored = self._stored_version(cursor)
            if stored > target:
                raise StoreError(
                    f"The store {self._shown_path} has schema version {stored}, newer than this version "
                    f"of Kairo understands ({target}): upgrade Kairo or choose another store path.",
                    remedy=Remedy.STORE_PATH,
                )
            if stored < target and self.read_only:
                raise StoreError(
                    f"The store {self._shown_path} has schema version {stored} and needs an upgrade to "
                    f"{target}: open it once read-write (an import into it does)."
                )
            for version in range(stored + 1, target + 1):
                self._begin(cursor, serializable=False)
                try:
                    steps[version - 1](cursor)
                    cursor.execute(_SET_META, ["schema_version", str(version)])
                    cursor.commit()
                except BaseException:
                    self._rollback_quietly(cursor)
                    raise
        except self.driver_error as exc:
            failure = self._write_failure(exc)
            if failure is not None:
                raise self._write_error(*failure) from exc
            raise StoreError(
                f"Cannot prepare the store {self._shown_path}: {exc}; choose another store path.",
                remedy=Remedy.STORE_PATH,
            ) from exc

    def schema_version(self) -> int:
        """The schema version recorded in the store's ``meta`` table."""
        return self._read(self._stored_version)

    # --- snapshots -------------------------------------------------------------------
    def insert_snapshot(self, record: SnapshotRecord, audit: AuditEntry) -> tuple[int, bool]:
        """Store one import and its audit row in one transaction; a same-content re-import writes nothing."""
        if record.profile_version is not None:
            self._check_version(record.profile_name or "", record.profile_version)

        def work(cursor: Cursor) -> tuple[int, bool]:
            snapshot_id, is_new = self._insert_snapshot(cursor, record)
            if is_new:
                self._insert_audit(cursor, dataclasses.replace(audit, object_id=f"snapshot {snapshot_id}"))
            return snapshot_id, is_new

        return self._write(work)

    def _insert_snapshot(self, cursor: Cursor, record: SnapshotRecord) -> tuple[int, bool]:
        portfolio_id = self._portfolio_id(cursor, record.portfolio, record.created_at)
        existing = cursor.execute(
            "SELECT snapshot_id FROM snapshots WHERE portfolio_id = ? AND mapping_name = ? AND content_hash = ?",
            [portfolio_id, record.mapping_name, record.content_hash],
        ).fetchone()
        if existing is not None:
            return int(existing[0]), False
        (snapshot_id,) = cursor.execute("SELECT nextval('snapshot_id_seq')").fetchone()
        cursor.execute(
            """INSERT INTO snapshots (
                snapshot_id, portfolio_id, created_at, source_name, content_hash, mapping_name, sheet,
                header_row, column_mapping, unmapped_columns, missing_inputs, derived_id, profile_name,
                profile_version, profile_hash, note, frame_dtypes, pilot_count, rejected_count, issue_count,
                provenance_count, provenance_defaults, base_snapshot_id, as_of)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                snapshot_id,
                portfolio_id,
                record.created_at,
                record.source_name,
                record.content_hash,
                record.mapping_name,
                record.sheet,
                record.header_row,
                record.column_mapping_json,
                record.unmapped_columns_json,
                record.missing_inputs_json,
                record.derived_id,
                record.profile_name,
                record.profile_version,
                record.profile_hash,
                record.note,
                record.frame_dtypes_json,
                record.pilot_count,
                record.rejected_count,
                record.issue_count,
                record.provenance_count,
                record.provenance_defaults_json,
                record.base_snapshot_id,
                record.as_of,
            ],
        )
        self._insert_pilots(cursor, snapshot_id, record.pilots)
        self._insert_rejected(cursor, snapshot_id, record.rejected)
        self._insert_issues(cursor, snapshot_id, record.issues)
        self._append(cursor, "provenance", snapshot_id, record.provenance[list(PROVENANCE_ROW_COLUMNS)])
        return int(snapshot_id), True

    def _portfolio_id(self, cursor: Cursor, name: str, created_at: datetime) -> int:
        row = cursor.execute("SELECT portfolio_id FROM portfolios WHERE name = ?", [name]).fetchone()
        if row is not None:
            return int(row[0])
        (portfolio_id,) = cursor.execute(
            "INSERT INTO portfolios (portfolio_id, name, created_at) "
            "VALUES (nextval('portfolio_id_seq'), ?, ?) RETURNING portfolio_id",
            [name, created_at],
        ).fetchone()
        return int(portfolio_id)

    def _insert_pilots(self, cursor: Cursor, snapshot_id: int, pilots: pd.DataFrame) -> None:
        self._append(
            cursor, "pilots", snapshot_id, pilots[[*PILOT_ROW_PREFIX, *PILOT_FIELDS, PILOT_EXTRAS_COLUMN]]
        )

    def _insert_rejected(self, cursor: Cursor, snapshot_id: int, rejected: pd.DataFrame) -> None:
        self._append(cursor, "rejected_rows", snapshot_id, rejected[list(REJECTED_ROW_COLUMNS)])

    def _insert_issues(self, cursor: Cursor, snapshot_id: int, issues: pd.DataFrame) -> None:
        self._append(cursor, "issues", snapshot_id, issues[list(ISSUE_ROW_COLUMNS)])

    @staticmethod
    def _append(cursor: Cursor, table_name: str, snapshot_id: int, rows: pd.DataFrame) -> None:
        # One bulk append of the whole frame, inside the cursor's open transaction.
        if rows.empty:
            return
        rows = rows.reset_index(drop=True)
        rows.insert(0, "snapshot_id", snapshot_id)
        cursor.append(table(table_name), rows, by_name=True)

    def snapshot_row(self, snapshot_id: int) -> dict[str, object] | None:
        """One snapshot's metadata as a dict, or None."""

        def work(cursor: Cursor) -> dict[str, object] | None:
            result = cursor.execute(
                f"SELECT {SNAPSHOT_COLUMNS} FROM snapshots s JOIN portfolios p USING (portfolio_id) "
                "WHERE s.snapshot_id = ?",
                [snapshot_id],
            )
            row = result.fetchone()
            if row is None:
                return None
            return dict(zip([d[0] for d in result.description], row, strict=True))

        return self._read(work)

    def list_snapshots(self, portfolio: str | None = None) -> pd.DataFrame:
        """Snapshots, newest first, with their counts and the profile used."""
        columns = (
            f"s.snapshot_id, p.name AS portfolio, s.created_at, {AS_OF_COLUMN}, s.source_name, s.content_hash, "
            "s.mapping_name, s.sheet, s.pilot_count AS pilots, s.rejected_count AS rejected, "
            "s.issue_count AS issues, s.profile_name, s.profile_version, s.profile_hash, s.note"
        )
        where, params = ("WHERE p.name = ?", [portfolio]) if portfolio is not None else ("", [])
        return self._read(
            lambda cursor: cursor.execute(
                f"SELECT {columns} FROM snapshots s JOIN portfolios p USING (portfolio_id) {where} "
                "ORDER BY s.created_at DESC, s.snapshot_id DESC",
                params,
            ).df()
        )

    def list_portfolios(self) -> pd.DataFrame:
        """Portfolios by name, with snapshot count and their latest snapshot."""
        return self._read(
            lambda cursor: cursor.execute(
                """SELECT p.name AS portfolio, p.created_at, count(s.snapshot_id) AS snapshots,
                       (SELECT l.snapshot_id FROM snapshots l WHERE l.portfolio_id = p.portfolio_id
                        ORDER BY l.created_at DESC, l.snapshot_id DESC LIMIT 1) AS latest_snapshot_id,
                       max(s.created_at) AS latest_created_at
                FROM portfolios p LEFT JOIN snapshots s USING (portfolio_id)
                GROUP BY p.portfolio_id, p.name, p.created_at
                ORDER BY p.name"""
            ).df()
        )

    def latest_snapshot_id(self, portfolio: str) -> int | None:
        """The newest snapshot of ``portfolio``, or None."""

        def work(cursor: Cursor) -> int | None:
            row = cursor.execute(
                "SELECT s.snapshot_id FROM snapshots s JOIN portfolios p USING (portfolio_id) "
                "WHERE p.name = ? ORDER BY s.created_at DESC, s.snapshot_id DESC LIMIT 1",
                [portfolio],
            ).fetchone()
            return None if row is None else int(row[0])

        return self._read(work)

    def _rows(self, table_name: str, columns: tuple[str, ...], snapshot_id: int) -> pd.DataFrame:
        column_list = ", ".join(columns)
        return self._read(
            lambda cursor: cursor.execute(
                f"SELECT {column_list} FROM {table(table_name)} WHERE snapshot_id = ? ORDER BY row_order",
                [snapshot_id],
            ).df()
        )

    def pilot_rows(self, snapshot_id: int) -> pd.DataFrame:
        """``source_row`` and the canonical fields of a snapshot's pilots, in import order."""
        return self._rows("pilots", ("source_row", *PILOT_FIELDS, PILOT_EXTRAS_COLUMN), snapshot_id)

    def rejected_rows(self, snapshot_id: int) -> pd.DataFrame:
        """A snapshot's rejected rows (original values as JSON text), in import order."""
        return self._rows("rejected_rows", REJECTED_ROW_COLUMNS[1:], snapshot_id)

    def issue_rows(self, snapshot_id: int) -> pd.DataFrame:
        """A snapshot's validation issues, in import order."""
        return self._rows("issues", ISSUE_ROW_COLUMNS[1:], snapshot_id)

    def provenance_rows(self, snapshot_id: int) -> pd.DataFrame:
        """Where each known value of a snapshot's pilots came from, in stored order."""
        return self._rows("provenance", PROVENANCE_ROW_COLUMNS[1:], snapshot_id)

    def delete_snapshot(self, snapshot_id: int, audit: AuditEntry) -> bool:
        """Delete a snapshot and all its rows, and record it, in one transaction; False when there
        is no such snapshot. Decisions taken on it stay: they belong to their pilots."""

        def work(cursor: Cursor) -> bool:
            row = cursor.execute(
                "SELECT p.name, s.content_hash FROM snapshots s JOIN portfolios p USING (portfolio_id) "
                "WHERE s.snapshot_id = ?",
                [snapshot_id],
            ).fetchone()
            if row is None:
                return False
            for table_name in SNAPSHOT_ROW_TABLES:
                cursor.execute(f"DELETE FROM {table(table_name)} WHERE snapshot_id = ?", [snapshot_id])
            cursor.execute("DELETE FROM snapshots WHERE snapshot_id = ?", [snapshot_id])
            self._insert_audit(
                cursor,
                dataclasses.replace(
                    audit,
                    portfolio=str(row[0]),
                    object_id=f"snapshot {snapshot_id}",
                    content_hash=str(row[1]),
                ),
            )
            return True

        return self._write(work)

    # --- scoring and mapping profiles ------------------------------------------------
    @staticmethod
    def _check_version(name: str, version: int) -> None:
        if not 1 <= version <= MAX_STORED_VERSION:
            raise StoreError(
                f"Scoring profile '{name}' version {version} cannot be stored: versions run from 1 to "
                f"{MAX_STORED_VERSION}; save it under a lower version."
            )

    def save_profile(
        self,
        name: str,
        version: int,
        toml_text: str,
        content_hash: str,
        created_at: datetime,
        audit: AuditEntry,
    ) -> bool:
        """Store a scoring profile version once, with its audit row; a different text under the same
        version is refused."""
        self._check_version(name, version)

        def work(cursor: Cursor) -> bool:
            row = cursor.execute(
                "SELECT content_hash FROM scoring_profiles WHERE name = ? AND version = ?", [name, version]
            ).fetchone()
            if row is not None:
                if row[0] == content_hash:
                    return False
                raise StoreError(
                    f"Scoring profile '{name}' version {version} is already stored with different content; "
                    "save it under a new version."
                )
            cursor.execute(
                "INSERT INTO scoring_profiles (name, version, toml_text, content_hash, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [name, version, toml_text, content_hash, created_at],
            )
            self._insert_audit(cursor, audit)
            return True

        return self._write(work)

    def list_profiles(self) -> pd.DataFrame:
        """Scoring profiles by name, then version."""
        return self._read(
            lambda cursor: cursor.execute(
                "SELECT name, version, content_hash AS hash, created_at FROM scoring_profiles "
                "ORDER BY name, version"
            ).df()
        )

    def profile_text(self, name: str, version: int | None) -> str | None:
        """A scoring profile's TOML text; the highest version when ``version`` is None."""
        if version is not None and not 1 <= version <= MAX_STORED_VERSION:
            return None  # no such version can be stored

        def work(cursor: Cursor) -> str | None:
            if version is None:
                row = cursor.execute(
                    "SELECT toml_text FROM scoring_profiles WHERE name = ? ORDER BY version DESC LIMIT 1",
                    [name],
                ).fetchone()
            else:
                row = cursor.execute(
                    "SELECT toml_text FROM scoring_profiles WHERE name = ? AND version = ?", [name, version]
                ).fetchone()
            return None if row is None else str(row[0])

        return self._read(work)

    def save_mapping(
        self, name: str, toml_text: str, content_hash: str, saved_at: datetime, audit: AuditEntry
    ) -> int:
        """Insert or update a mapping profile, with its audit row; the version goes up (and the
        audit trail gets a row) only when the text changed."""

        def work(cursor: Cursor) -> int:
            row = cursor.execute(
                "SELECT version, content_hash FROM mapping_profiles WHERE name = ?", [name]
            ).fetchone()
            if row is None:
                cursor.execute(
                    "INSERT INTO mapping_profiles (name, version, toml_text, content_hash, created_at, updated_at) "
                    "VALUES (?, 1, ?, ?, ?, ?)",
                    [name, toml_text, content_hash, saved_at, saved_at],
                )
                self._insert_audit(cursor, dataclasses.replace(audit, object_id=f"{name} v1"))
                return 1
            version, stored_hash = int(row[0]), row[1]
            if stored_hash == content_hash:
                return version
            cursor.execute(
                "UPDATE mapping_profiles SET version = ?, toml_text = ?, content_hash = ?, updated_at = ? "
                "WHERE name = ?",
                [version + 1, toml_text, content_hash, saved_at, name],
            )
            self._insert_audit(cursor, dataclasses.replace(audit, object_id=f"{name} v{version + 1}"))
            return version + 1

        # Serializable: two writers saving one mapping must not both raise it to the same version.
        return self._write(work, serializable=True)

    def list_mappings(self) -> pd.DataFrame:
        """Mapping profiles by name."""
        return self._read(
            lambda cursor: cursor.execute(
                "SELECT name, version, content_hash AS hash, created_at, updated_at FROM mapping_profiles "
                "ORDER BY name"
            ).df()
        )

    def mapping_text(self, name: str) -> str | None:
        """A mapping profile's TOML text, or None."""

        def work(cursor: Cursor) -> str | None:
            row = cursor.execute("SELECT toml_text FROM mapping_profiles WHERE name = ?", [name]).fetchone()
            return None if row is None else str(row[0])

        return self._read(work)

    # --- decisions and the audit trail ------------------------------------------------
    @staticmethod
    def _insert_audit(cursor: Cursor, entry: AuditEntry) -> None:
        # The only statement that writes the audit table: an append, in the caller's transaction.
        cursor.execute(
            "INSERT INTO audit (audit_id, recorded_at, who, verified, role, action, portfolio, object_id, "
            "detail, content_hash) VALUES (nextval('audit_id_seq'), ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                entry.recorded_at,
                entry.who,
                entry.verified,
                entry.role,
                entry.action,
                entry.portfolio,
                entry.object_id,
                entry.detail,
                entry.content_hash,
            ],
        )

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

    def list_audit(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        *,
        portfolio: str | None = None,
        action: str | None = None,
        who: str | None = None,
    ) -> pd.DataFrame:
        """Audit rows (``AUDIT_COLUMNS``) in the order they were written, optionally filtered."""
        conditions, params = [], []
        for column, operator, value in (
            ("recorded_at", ">=", since),
            ("recorded_at", "<", until),
            ("portfolio", "=", portfolio),
            ("action", "=", action),
            ("who", "=", who),
        ):
            if value is not None:
                conditions.append(f"{column} {operator} ?")
                params.append(value)
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        columns = ", ".join(AUDIT_COLUMNS)
        return self._read(
            lambda cursor: cursor.execute(
                f"SELECT {columns} FROM audit {where} ORDER BY audit_id", params
            ).df()
        )

    # --- maintenance -----------------------------------------------------------------
    def integrity_problems(self) -> list[str]:
        """Count mismatches, orphan rows, duplicate snapshots and a wrong schema version, as sentences."""

        def work(cursor: Cursor) -> list[str]:
            problems: list[str] = []
            for table_name, count_column in SNAPSHOT_ROW_TABLES.items():
                mismatches = cursor.execute(
                    f"""SELECT s.snapshot_id, s.{count_column}, coalesce(r.n, 0)
                    FROM snapshots s
                    LEFT JOIN (SELECT snapshot_id, count(*) AS n FROM {table(table_name)} GROUP BY snapshot_id) r
                        USING (snapshot_id)
                    WHERE s.{count_column} <> coalesce(r.n, 0)
                    ORDER BY s.snapshot_id"""
                ).fetchall()
                problems += [
                    f"Snapshot {sid} records {recorded} rows in {table_name} but holds {held}."
                    for sid, recorded, held in mismatches
                ]
                orphans = cursor.execute(
                    f"""SELECT r.snapshot_id, count(*) FROM {table(table_name)} r
                    WHERE NOT EXISTS (SELECT 1 FROM snapshots s WHERE s.snapshot_id = r.snapshot_id)
                    GROUP BY r.snapshot_id ORDER BY r.snapshot_id"""
                ).fetchall()
                problems += [
                    f"{table_name} holds {n} rows of snapshot {sid}, which does not exist."
                    for sid, n in orphans
                ]
            orphan_snapshots = cursor.execute(
                """SELECT s.snapshot_id FROM snapshots s
                WHERE NOT EXISTS (SELECT 1 FROM portfolios p WHERE p.portfolio_id = s.portfolio_id)
                ORDER BY s.snapshot_id"""
            ).fetchall()
            problems += [f"Snapshot {sid} belongs to no portfolio." for (sid,) in orphan_snapshots]
            duplicates = cursor.execute(
                """SELECT p.name, s.mapping_name, s.content_hash, string_agg(CAST(s.snapshot_id AS VARCHAR), ', ' ORDER BY s.snapshot_id)
                FROM snapshots s JOIN portfolios p USING (portfolio_id)
                GROUP BY p.name, s.mapping_name, s.content_hash HAVING count(*) > 1"""
            ).fetchall()
            problems += [
                f"Portfolio '{name}' holds the same import ({content_hash}, mapping '{mapping}') "
                f"several times: snapshots {ids}."
                for name, mapping, content_hash, ids in duplicates
            ]
            stored, expected = self._stored_version(cursor), len(self._migration_steps())
            if stored != expected:
                problems.append(f"The store records schema version {stored}; expected {expected}.")
            return problems

        return self._read(work)

    def row_counts(self) -> dict[str, int]:
        """Rows in every table of the store."""

        def work(cursor: Cursor) -> dict[str, int]:
            return {
                name: int(cursor.execute(f"SELECT count(*) FROM {table(name)}").fetchone()[0])
                for name in TABLES
            }

        return self._read(work)
