"""Reading snapshots: `SnapshotInfo` (what is known about one stored import) and
`SnapshotReads`, the `PortfolioStore` operations that browse portfolios and snapshots and
load a snapshot's pilots, rejected rows, validation report and provenance.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pandas as pd

from kairo_scoring.errors import StoreError
from kairo_scoring.provenance import BEFORE_PROVENANCE, conform_provenance, provenance_of_pilots
from kairo_scoring.store import frames, provenance_frames
from kairo_scoring.store.store_base import StoreBase, _optional, _utc


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


class SnapshotReads(StoreBase):
    """Browsing portfolios and snapshots, and loading what a snapshot holds."""

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
            return provenance_frames.decode_provenance(
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
