"""The store's SQL, shared by its backends: `SqlBackend`, every query and write of the store.

`SqlBackend` implements the whole `StoreBackend` protocol over a small cursor interface
(`Cursor`: DuckDB's own, or the PostgreSQL adapter in postgres_backend.py); a backend
subclass supplies only what differs between databases: how it connects and hands out a
cursor, which driver errors are conflicts or write failures, and the names of its
tables. The SQL is written once, with ``?`` placeholders and DuckDB's spelling of types;
the PostgreSQL cursor translates both (`postgres_backend.postgres_sql`).

It is assembled from one module per table family, each beside the units of work that run
its statements: sql_units.py (`SqlUnits`: the units of work and their retry loop,
`MAX_ATTEMPTS`, the schema version and the migrations runner), sql_audit.py (the audit
table), sql_snapshots.py (portfolios, snapshots and their rows), sql_profiles.py (scoring
and mapping profiles) and sql_decisions.py (decisions). This module adds the maintenance
checks that read across all tables.
"""

from __future__ import annotations

from kairo_scoring.store.sql_decisions import DecisionSql
from kairo_scoring.store.sql_profiles import ProfileSql
from kairo_scoring.store.sql_schema import MIGRATIONS, SNAPSHOT_ROW_TABLES, TABLES, table
from kairo_scoring.store.sql_snapshots import SnapshotSql
from kairo_scoring.store.sql_units import MAX_ATTEMPTS, Cursor

__all__ = ["MAX_ATTEMPTS", "MIGRATIONS", "Cursor", "SqlBackend"]


class SqlBackend(SnapshotSql, ProfileSql, DecisionSql):
    """Every query of the store over a `Cursor`; subclasses connect and classify driver errors."""

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
