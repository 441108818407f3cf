"""The audit table's statements: `AuditSql._insert_audit`, the append every write of the
store makes in its own transaction (the only statement that writes the table), and
`list_audit`, the filtered listing. Every table family of the store's SQL builds on it.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from kairo_scoring.store.governance import AUDIT_COLUMNS, AuditEntry
from kairo_scoring.store.sql_units import Cursor, SqlUnits


class AuditSql(SqlUnits):
    """Appending to the audit trail (inside a write) and reading it."""

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
