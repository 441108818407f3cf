"""The interface between the portfolio store and the database that holds it.

`PortfolioStore` (store.py) turns intake results into flat, database-neutral records
and back; a backend moves those records in and out of one database. The embedded
DuckDB backend (duckdb_backend.py) is the only one today. A PostgreSQL backend, for
deployments that run several app replicas on one shared store, implements this same
Protocol and nothing above it changes: pages, the CLI and scoring only see
`PortfolioStore`.

Contract every backend keeps:

- Each method is one unit of work. Write methods are one transaction each: all of it
  lands or none of it does, and a conflict with a concurrent writer is retried inside
  the backend, so callers never see a half-written snapshot.
- Values are always bound as parameters; identifiers (table names) come only from
  the backend's own whitelist.
- Database errors leave the backend as `StoreError` (or `StoreLockedError`), never as
  a driver exception, so callers need no database import. Only a real conflict with
  another writer is retried: a disk that is full, read-only or failing fails at once,
  with the operating system's reason.
- Every write that changes something appends one row per change to the ``audit`` table
  (the `AuditEntry` the store hands it), in the same transaction: both land or neither
  does. No method updates or deletes an audit row.
- Decision writes on one pilot conflict with each other (``decision_pilots``), so at most
  one proposed and one approved decision per pilot are in force whatever runs at once.
- Versions (of scoring profiles and snapshots' profiles) are whole numbers from 1 to
  `MAX_STORED_VERSION`, the range of a 32-bit INTEGER column in every SQL database.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import pandas as pd

if TYPE_CHECKING:
    from kairo_scoring.store.governance import AuditEntry, DecisionProposal

# The store's schema version is the number of its migration steps: see sql_schema.py.

# The highest profile version a store column holds (SQL INTEGER is 32-bit signed).
MAX_STORED_VERSION = 2**31 - 1

# Columns of the flat frames a backend stores and returns, in the order it returns them.
# `row_order` keeps the order of the rows as intake produced them.
PILOT_ROW_PREFIX: tuple[str, ...] = ("row_order", "source_row")
# Since version 2: a pilot's extra columns (beyond the canonical fields) as one JSON object.
PILOT_EXTRAS_COLUMN = "extra_values"
REJECTED_ROW_COLUMNS: tuple[str, ...] = ("row_order", "source_row", "reject_reason", "original_values")
ISSUE_ROW_COLUMNS: tuple[str, ...] = (
    "row_order",
    "sheet",
    "sheet_row",
    "column_name",
    "value_json",
    "reason",
    "code",  # since version 3: the issue's IssueCode value (NULL in older snapshots)
    "severity",
)

# Since version 4: one row per known value of a pilot, saying where it came from.
PROVENANCE_ROW_COLUMNS: tuple[str, ...] = (
    "row_order",
    "pilot_id",
    "field",
    "kind",
    "source",
    "sheet",
    "sheet_row",
    "detail",
    "respondent",
    "recorded_at",  # naive, UTC
)


@dataclass(frozen=True)
class SnapshotRecord:
    """One import, flattened for storage: what a backend writes in one transaction.

    JSON fields are already serialised text, so a backend needs no JSON type. The
    frames hold the columns named above (pilots: ``PILOT_ROW_PREFIX``, the canonical
    fields and ``PILOT_EXTRAS_COLUMN``; provenance: ``PROVENANCE_ROW_COLUMNS``) and no
    snapshot id: the backend assigns it. ``base_snapshot_id`` is the snapshot answers were
    laid over (None for an imported register).
    """

    portfolio: str
    created_at: datetime  # naive, UTC
    source_name: str
    content_hash: str
    mapping_name: str
    sheet: str | None
    header_row: int | None
    column_mapping_json: str
    unmapped_columns_json: str
    missing_inputs_json: str
    derived_id: bool
    profile_name: str | None
    profile_version: int | None
    profile_hash: str | None
    note: str
    frame_dtypes_json: str  # column order and dtypes of the three frames, to restore them exactly
    pilots: pd.DataFrame
    rejected: pd.DataFrame
    issues: pd.DataFrame
    provenance: pd.DataFrame  # the values whose provenance is not their field's default
    provenance_defaults_json: str = "{}"  # field → its usual provenance (see sql_schema._add_provenance)
    base_snapshot_id: int | None = None
    as_of: date | None = None  # the date the data describes; None reads as the import date

    @property
    def pilot_count(self) -> int:
        return len(self.pilots)

    @property
    def rejected_count(self) -> int:
        return len(self.rejected)

    @property
    def issue_count(self) -> int:
        return len(self.issues)

    @property
    def provenance_count(self) -> int:
        return len(self.provenance)


@runtime_checkable
class StoreBackend(Protocol):
    """The operations a portfolio store database must provide (see the module docstring)."""

    read_only: bool

    def close(self) -> None:
        """Release the connection; further calls raise StoreError."""

    def schema_version(self) -> int:
        """The schema version recorded in the store."""

    # --- snapshots -------------------------------------------------------------------
    def insert_snapshot(self, record: SnapshotRecord, audit: AuditEntry) -> tuple[int, bool]:
        """Store one import and its audit row atomically, creating its portfolio if needed.

        Returns ``(snapshot_id, is_new)``. When the portfolio already holds a snapshot
        with the same content hash and mapping name, returns its id and ``False`` and
        writes nothing (no audit row either).
        """

    def snapshot_row(self, snapshot_id: int) -> dict[str, object] | None:
        """One snapshot's metadata (the ``snapshots`` columns plus ``portfolio``), or None."""

    def list_snapshots(self, portfolio: str | None = None) -> pd.DataFrame:
        """Snapshots, newest first, optionally of one portfolio."""

    def list_portfolios(self) -> pd.DataFrame:
        """Portfolios with their snapshot count and latest snapshot."""

    def latest_snapshot_id(self, portfolio: str) -> int | None:
        """The newest snapshot of a portfolio, or None when it has none."""

    def pilot_rows(self, snapshot_id: int) -> pd.DataFrame:
        """A snapshot's pilots: ``source_row``, the canonical fields and ``PILOT_EXTRAS_COLUMN``, in import order."""

    def rejected_rows(self, snapshot_id: int) -> pd.DataFrame:
        """A snapshot's rejected rows: ``REJECTED_ROW_COLUMNS`` minus ``row_order``, in import order."""

    def issue_rows(self, snapshot_id: int) -> pd.DataFrame:
        """A snapshot's issues: ``ISSUE_ROW_COLUMNS`` minus ``row_order``, in import order."""

    def provenance_rows(self, snapshot_id: int) -> pd.DataFrame:
        """A snapshot's provenance: ``PROVENANCE_ROW_COLUMNS`` minus ``row_order``, in stored order
        (no rows for a snapshot stored before version 4: its ``provenance_count`` is NULL)."""

    def delete_snapshot(self, snapshot_id: int, audit: AuditEntry) -> bool:
        """Delete a snapshot and its rows, with an audit row, in one transaction; False when it
        does not exist. Decisions taken on it are kept."""

    # --- scoring and mapping profiles ------------------------------------------------
    def save_profile(
        self,
        name: str,
        version: int,
        toml_text: str,
        content_hash: str,
        created_at: datetime,
        audit: AuditEntry,
    ) -> bool:
        """Store a scoring profile version and its audit row; False (nothing written) when the
        identical version is already stored.

        Raises StoreError when that name and version exist with a different hash, or
        when ``version`` is outside 1..`MAX_STORED_VERSION`.
        """

    def list_profiles(self) -> pd.DataFrame:
        """Scoring profiles: name, version, hash, created_at."""

    def profile_text(self, name: str, version: int | None) -> str | None:
        """A profile's TOML text (the latest version when ``version`` is None), or None."""

    def save_mapping(
        self, name: str, toml_text: str, content_hash: str, saved_at: datetime, audit: AuditEntry
    ) -> int:
        """Insert or update a mapping profile; returns its version (bumped, with an audit row,
        only when the text changed)."""

    def list_mappings(self) -> pd.DataFrame:
        """Mapping profiles: name, version, hash, created_at, updated_at."""

    def mapping_text(self, name: str) -> str | None:
        """A mapping profile's TOML text, or None."""

    # --- decisions and the audit trail ------------------------------------------------
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
        """Record checked proposals (one audit row each) in one transaction; a pilot's pending
        decision becomes ``superseded``. Returns the new decision ids, in order."""

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
        """Approve or reject decisions in one transaction, each first passed to ``check`` as
        stored (inside the transaction); approving supersedes the pilot's approved one."""

    def list_decisions(
        self, portfolio: str | None = None, pilot_id: str | None = None, *, in_force: bool = False
    ) -> pd.DataFrame:
        """Decisions with ``DECISION_RECORD_COLUMNS``, newest first."""

    def list_audit(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        *,
        portfolio: str | None = None,
        action: str | None = None,
        who: str | None = None,
    ) -> pd.DataFrame:
        """Audit rows with ``AUDIT_COLUMNS``, in the order they were written."""

    # --- maintenance -----------------------------------------------------------------
    def integrity_problems(self) -> list[str]:
        """Every inconsistency found, one sentence each; empty when the store is sound."""

    def row_counts(self) -> dict[str, int]:
        """Number of rows in each table."""
