"""The profiles' SQL: `ProfileSql`, the statements on ``scoring_profiles`` (a version stored
once, never changed) and ``mapping_profiles`` (one per name, its version raised when the text
changes), each write with its audit row.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pandas as pd

from kairo_scoring.errors import StoreError
from kairo_scoring.store.backend import MAX_STORED_VERSION
from kairo_scoring.store.governance import AuditEntry
from kairo_scoring.store.sql_audit import AuditSql
from kairo_scoring.store.sql_units import Cursor


class ProfileSql(AuditSql):
    """Scoring profiles and mapping profiles."""

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
