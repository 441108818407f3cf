"""The store's SQL definitions: its tables, their columns and the migration steps.

Kept apart from the connection and transaction code (duckdb_backend.py) so a second
backend (PostgreSQL, docs/store.md) creates and migrates the same tables from the same
steps. The statements are plain SQL run through a DB-API cursor's ``execute``; the
number of steps is the schema version (`STORE_SCHEMA_VERSION`), so the version is
written in one place: append a step to add a version.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Protocol

from kairo_scoring.store.backend import PILOT_EXTRAS_COLUMN


class Executes(Protocol):
    """What a migration step needs of a database cursor (DB-API ``execute``)."""

    def execute(self, statement: str, parameters: object = ..., /) -> object: ...


# The pilot columns as of schema version 1, frozen here on purpose: the stored table
# must not change shape just because schema.FIELDS did. A new canonical field needs a
# migration step that adds its column (tests/store/test_store_migrations.py fails
# until it exists).
PILOT_FIELD_COLUMNS: tuple[tuple[str, str], ...] = (
    ("pilot_id", "VARCHAR"),
    ("name", "VARCHAR"),
    ("business_unit", "VARCHAR"),
    ("owner", "VARCHAR"),
    ("stage", "VARCHAR"),
    ("current_mode", "VARCHAR"),
    ("process_maturity", "DOUBLE"),
    ("io_stability", "DOUBLE"),
    ("exception_governance", "DOUBLE"),
    ("ownership", "DOUBLE"),
    ("controls", "DOUBLE"),
    ("shared_assets", "DOUBLE"),
    ("integration_readiness", "DOUBLE"),
    ("value_evidence", "DOUBLE"),
    ("risk_level", "VARCHAR"),
    ("monthly_volume", "DOUBLE"),
    ("users", "DOUBLE"),
    ("monthly_value", "DOUBLE"),
)
PILOT_FIELDS: tuple[str, ...] = tuple(name for name, _ in PILOT_FIELD_COLUMNS)

# The only identifiers that ever reach SQL text. Anything else is a bug, not input.
TABLES: tuple[str, ...] = (
    "meta",
    "portfolios",
    "snapshots",
    "pilots",
    "rejected_rows",
    "issues",
    "scoring_profiles",
    "mapping_profiles",
    "provenance",  # since version 4
    "decisions",  # since version 6
    "decision_pilots",  # since version 6
    "audit",  # since version 6
)
# Row tables of a snapshot and the snapshots column that records how many rows each holds.
SNAPSHOT_ROW_TABLES: dict[str, str] = {
    "pilots": "pilot_count",
    "rejected_rows": "rejected_count",
    "issues": "issue_count",
    # NULL in snapshots stored before version 4: their provenance is not recorded.
    "provenance": "provenance_count",
}
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")
for _column in (*PILOT_FIELDS, PILOT_EXTRAS_COLUMN, *SNAPSHOT_ROW_TABLES.values()):
    assert _IDENTIFIER.fullmatch(_column), _column

# A snapshot's as-of date; snapshots stored before version 5 read as the day they were imported.
AS_OF_COLUMN = "COALESCE(s.as_of, CAST(s.created_at AS DATE)) AS as_of"
SNAPSHOT_COLUMNS = (
    f"s.snapshot_id, p.name AS portfolio, s.created_at, {AS_OF_COLUMN}, s.source_name, s.content_hash, s.mapping_name, "
    "s.sheet, s.header_row, s.column_mapping, s.unmapped_columns, s.missing_inputs, s.derived_id, "
    "s.profile_name, s.profile_version, s.profile_hash, s.note, s.frame_dtypes, "
    "s.pilot_count, s.rejected_count, s.issue_count, s.provenance_count, s.provenance_defaults, s.base_snapshot_id"
)


def table(name: str) -> str:
    """Return ``name`` if it is one of the store's tables; the only way a table name reaches SQL."""
    if name not in TABLES:
        raise ValueError(f"not a store table: {name!r}")
    return name


# --- migrations --------------------------------------------------------------------------
def _create_v1_schema(cursor: Executes) -> None:
    """Version 1: portfolios, snapshots and their rows, scoring and mapping profiles."""
    pilot_columns = ",\n        ".join(f"{name} {sql_type}" for name, sql_type in PILOT_FIELD_COLUMNS)
    statements = [
        "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)",
        "CREATE SEQUENCE portfolio_id_seq START 1",
        "CREATE SEQUENCE snapshot_id_seq START 1",
        """CREATE TABLE portfolios (
        portfolio_id BIGINT PRIMARY KEY,
        name VARCHAR NOT NULL UNIQUE,
        created_at TIMESTAMP NOT NULL)""",
        # No foreign keys: DuckDB cannot cascade and is awkward deleting referenced rows;
        # integrity_problems() checks the references instead.
        """CREATE TABLE snapshots (
        snapshot_id BIGINT PRIMARY KEY,
        portfolio_id BIGINT NOT NULL,
        created_at TIMESTAMP NOT NULL,
        source_name VARCHAR NOT NULL,
        content_hash VARCHAR NOT NULL,
        mapping_name VARCHAR NOT NULL,
        sheet VARCHAR,
        header_row INTEGER,
        column_mapping VARCHAR NOT NULL,
        unmapped_columns VARCHAR NOT NULL,
        missing_inputs VARCHAR NOT NULL,
        derived_id BOOLEAN NOT NULL,
        profile_name VARCHAR,
        profile_version INTEGER,
        profile_hash VARCHAR,
        note VARCHAR NOT NULL,
        frame_dtypes VARCHAR NOT NULL,
        pilot_count INTEGER NOT NULL,
        rejected_count INTEGER NOT NULL,
        issue_count INTEGER NOT NULL,
        UNIQUE (portfolio_id, mapping_name, content_hash))""",
        # Row tables carry no index, so concurrent imports only append and never conflict.
        f"""CREATE TABLE pilots (
        snapshot_id BIGINT NOT NULL,
        row_order INTEGER NOT NULL,
        source_row BIGINT,
        {pilot_columns})""",
        """CREATE TABLE rejected_rows (
        snapshot_id BIGINT NOT NULL,
        row_order INTEGER NOT NULL,
        source_row BIGINT,
        reject_reason VARCHAR,
        original_values VARCHAR NOT NULL)""",
        """CREATE TABLE issues (
        snapshot_id BIGINT NOT NULL,
        row_order INTEGER NOT NULL,
        sheet VARCHAR,
        sheet_row BIGINT,
        column_name VARCHAR,
        value_json VARCHAR,
        reason VARCHAR,
        severity VARCHAR)""",
        """CREATE TABLE scoring_profiles (
        name VARCHAR NOT NULL,
        version INTEGER NOT NULL,
        toml_text VARCHAR NOT NULL,
        content_hash VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        PRIMARY KEY (name, version))""",
        """CREATE TABLE mapping_profiles (
        name VARCHAR PRIMARY KEY,
        version INTEGER NOT NULL,
        toml_text VARCHAR NOT NULL,
        content_hash VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        updated_at TIMESTAMP NOT NULL)""",
    ]
    for statement in statements:
        cursor.execute(statement)


# Step i brings a store from version i to i + 1; each runs in its own transaction
# together with the version update. Append a function to add a version.
def _add_pilot_extra_values(cursor: Executes) -> None:
    """Version 2: each pilot's extra columns as one JSON object (NULL in older snapshots)."""
    cursor.execute(f"ALTER TABLE pilots ADD COLUMN {PILOT_EXTRAS_COLUMN} VARCHAR")


def _add_issue_codes(cursor: Executes) -> None:
    """Version 3: each issue's machine-readable code (NULL in older snapshots)."""
    cursor.execute("ALTER TABLE issues ADD COLUMN code VARCHAR")


def _add_provenance(cursor: Executes) -> None:
    """Version 4: where each known value of each pilot came from. Per snapshot, the usual
    source of each field (``provenance_defaults``, JSON: field → kind, source, sheet,
    detail, respondent, recorded_at; the row is the pilot's ``source_row``) and, in
    ``provenance``, one row per value that came from elsewhere (an answer, a derived ID);
    ``provenance_count`` counts those rows (NULL in older snapshots: not recorded), and
    ``base_snapshot_id`` is the snapshot answers were laid over (NULL for a register)."""
    cursor.execute(
        """CREATE TABLE provenance (
        snapshot_id BIGINT NOT NULL,
        row_order INTEGER NOT NULL,
        pilot_id VARCHAR NOT NULL,
        field VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        source VARCHAR,
        sheet VARCHAR,
        sheet_row BIGINT,
        detail VARCHAR,
        respondent VARCHAR,
        recorded_at TIMESTAMP)"""
    )
    cursor.execute("ALTER TABLE snapshots ADD COLUMN provenance_count INTEGER")
    cursor.execute("ALTER TABLE snapshots ADD COLUMN provenance_defaults VARCHAR")
    cursor.execute("ALTER TABLE snapshots ADD COLUMN base_snapshot_id BIGINT")


def _add_as_of(cursor: Executes) -> None:
    """Version 5: the date a snapshot's data describes (``as_of``), apart from when it was
    imported (``created_at``). NULL in older snapshots, which read as their import date
    (`AS_OF_COLUMN`)."""
    cursor.execute("ALTER TABLE snapshots ADD COLUMN as_of DATE")


def _add_decisions_and_audit(cursor: Executes) -> None:
    """Version 6: governed decisions and the audit trail.

    ``decisions``: one row per decision ever recorded on a pilot (by ``pilot_id``, so a new
    snapshot keeps them), with the evidence it was taken on and its sign-off; rows are
    never deleted, only marked ``superseded``. ``decision_pilots``: one row per pilot that
    has decisions, its ``revision`` raised by every decision write on that pilot, so two
    concurrent writers on one pilot conflict on its key and one of them retries (this is
    what keeps a single pending and a single approved decision per pilot). ``audit``:
    append-only, one row per write of the store, written in the write's own transaction.
    No index on ``audit``: writers only append to it, so they never conflict there.
    """
    statements = [
        "CREATE SEQUENCE decision_id_seq START 1",
        "CREATE SEQUENCE audit_id_seq START 1",
        """CREATE TABLE decisions (
        decision_id BIGINT PRIMARY KEY,
        portfolio_id BIGINT NOT NULL,
        pilot_id VARCHAR NOT NULL,
        snapshot_id BIGINT NOT NULL,
        kind VARCHAR NOT NULL,
        option VARCHAR,
        reason VARCHAR NOT NULL,
        review_date DATE,
        verdict VARCHAR,
        recommended VARCHAR,
        readiness DOUBLE,
        profile_name VARCHAR,
        profile_version INTEGER,
        profile_hash VARCHAR,
        proposed_by VARCHAR NOT NULL,
        proposed_by_verified BOOLEAN NOT NULL,
        proposed_at TIMESTAMP NOT NULL,
        status VARCHAR NOT NULL,
        signed_by VARCHAR,
        signed_by_verified BOOLEAN,
        signed_at TIMESTAMP,
        sign_comment VARCHAR,
        superseded_by BIGINT,
        superseded_at TIMESTAMP)""",
        """CREATE TABLE decision_pilots (
        portfolio_id BIGINT NOT NULL,
        pilot_id VARCHAR NOT NULL,
        revision INTEGER NOT NULL,
        updated_at TIMESTAMP NOT NULL,
        PRIMARY KEY (portfolio_id, pilot_id))""",
        """CREATE TABLE audit (
        audit_id BIGINT NOT NULL,
        recorded_at TIMESTAMP NOT NULL,
        who VARCHAR NOT NULL,
        verified BOOLEAN NOT NULL,
        role VARCHAR NOT NULL,
        action VARCHAR NOT NULL,
        portfolio VARCHAR,
        object_id VARCHAR,
        detail VARCHAR NOT NULL,
        content_hash VARCHAR NOT NULL)""",
    ]
    for statement in statements:
        cursor.execute(statement)


MIGRATIONS: list[Callable[[Executes], None]] = [
    _create_v1_schema,
    _add_pilot_extra_values,
    _add_issue_codes,
    _add_provenance,
    _add_as_of,
    _add_decisions_and_audit,
]

# The schema version this code writes: one per migration step.
STORE_SCHEMA_VERSION = len(MIGRATIONS)
