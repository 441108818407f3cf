"""The snapshots' SQL: `SnapshotSql`, the statements on ``portfolios``, ``snapshots`` and the
rows a snapshot holds (``pilots``, ``rejected_rows``, ``issues``, ``provenance``): inserting an
import (a same-content re-import writes nothing), listing and reading snapshots, deleting one.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pandas as pd

from kairo_scoring.store.backend import (
    ISSUE_ROW_COLUMNS,
    PILOT_EXTRAS_COLUMN,
    PILOT_ROW_PREFIX,
    PROVENANCE_ROW_COLUMNS,
    REJECTED_ROW_COLUMNS,
    SnapshotRecord,
)
from kairo_scoring.store.governance import AuditEntry
from kairo_scoring.store.sql_audit import AuditSql
from kairo_scoring.store.sql_schema import (
    AS_OF_COLUMN,
    PILOT_FIELDS,
    SNAPSHOT_COLUMNS,
    SNAPSHOT_ROW_TABLES,
    table,
)
from kairo_scoring.store.sql_units import Cursor


class SnapshotSql(AuditSql):
    """Portfolios, snapshots and their rows."""

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
