"""The embedded DuckDB backend of the portfolio store: its connection, lock and disk errors.

Every query, the retry loop and the migrations are in sql_backend.py (`SqlBackend`),
shared with the PostgreSQL backend; the tables and migration steps are in sql_schema.py.

Concurrency design (see docs/store.md):

- One ``duckdb.connect`` per backend object. DuckDB refuses concurrent calls on one
  connection, so every unit of work runs on its own ``cursor()`` (a connection to the
  same database) and closes it when done. Streamlit runs each session in its own
  thread; they share the backend and never share a cursor.
- Writes are explicit ``BEGIN`` … ``COMMIT`` transactions. DuckDB uses optimistic
  concurrency: a conflicting writer fails at the conflicting statement or at commit.
  The whole unit of work is then rolled back and run again (it re-reads, so a
  concurrent import of the same file is recognised as a duplicate on the retry).
- DuckDB lets one process open a file read-write. Another process holding it raises
  an IOException naming the lock and its PID: that becomes `StoreLockedError`.
- A full, read-only or failing disk is not a conflict, though DuckDB reports a commit
  that could not write its log as a TransactionException too: `_write_failure` picks
  those out by the operating system's reason, and the unit of work fails at once.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

import duckdb

from kairo_scoring.errors import Remedy, StoreError, StoreLockedError
from kairo_scoring.store.location import display_path  # noqa: F401 - importable here as before
from kairo_scoring.store.sql_backend import MAX_ATTEMPTS, SqlBackend
from kairo_scoring.store.sql_schema import MIGRATIONS, SNAPSHOT_ROW_TABLES, table

__all__ = ["MAX_ATTEMPTS", "MIGRATIONS", "SNAPSHOT_ROW_TABLES", "DuckDBBackend", "display_path", "table"]

Cursor = duckdb.DuckDBPyConnection

# DuckDB shares one database instance among all connections to a file in a process,
# so two backends on one file would race to migrate it; this lock serialises that.
_MIGRATION_LOCK = threading.Lock()


# How the operating system says a store file cannot be written, as DuckDB passes it on
# (lower case), what to tell the user, and the action they have.
_FREE_SPACE = "free some disk space or choose another store path"
_WRITE_FAILURES: tuple[tuple[str, str, str], ...] = (
    ("no space left on device", "no space left on device", _FREE_SPACE),
    ("disk quota exceeded", "the disk quota is exceeded", _FREE_SPACE),
    ("file too large", "the file is larger than the file system allows", "choose another store path"),
    ("read-only file system", "the file system is read-only", "choose a store path on a writable disk"),
    ("permission denied", "permission denied", "choose a store path you are allowed to write"),
    (
        "input/output error",
        "the disk reported an input/output error",
        "check the disk or choose another store path",
    ),
)


def _failure_reason(text: str) -> tuple[str, str] | None:
    """(reason, action) when ``text`` holds an operating-system write failure we recognise."""
    lowered = text.lower()
    for phrase, reason, action in _WRITE_FAILURES:
        if phrase in lowered:
            return reason, action
    return None


def _write_failure(exc: duckdb.Error) -> tuple[str, str] | None:
    """(reason, action) when ``exc`` means the store's files could not be written or read, else None.

    Checked before `_is_conflict`: a commit that failed to write its log is a
    TransactionException like a real conflict, but retrying it cannot help.
    """
    known = _failure_reason(str(exc))
    if known is not None:
        return known
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if isinstance(exc, duckdb.IOException) or "could not write" in message.lower():
        return message, "check the disk or choose another store path"
    return None


def _is_conflict(exc: duckdb.Error) -> bool:
    """True when ``exc`` means another writer got there first, so re-running the unit of work helps."""
    if isinstance(exc, duckdb.TransactionException):
        return True
    # A unique key committed by a concurrent writer after our transaction started
    # (e.g. the same file imported twice at once): the retry re-reads and sees it.
    return isinstance(exc, duckdb.ConstraintException) and "duplicate key" in str(exc).lower()


def _lock_holder(message: str) -> str:
    pid = re.search(r"PID (\d+)", message)
    return f"pid {pid.group(1)}" if pid and pid.group(1) != "0" else "pid unknown"


class DuckDBBackend(SqlBackend):
    """The portfolio store in one embedded DuckDB file (or ``":memory:"``)."""

    driver_error = duckdb.Error
    dialect = "DuckDB"

    def __init__(self, path: Path | str, *, read_only: bool = False):
        self.path = path if str(path) == ":memory:" else Path(path)
        self.read_only = read_only
        self._shown_path = display_path(path)
        self._cursor_lock = threading.Lock()
        self._connection: duckdb.DuckDBPyConnection | None = self._connect()
        try:
            self._migrate()
        except BaseException:
            self.close()
            raise

    # --- connection and units of work ------------------------------------------------
    def _connect(self) -> duckdb.DuckDBPyConnection:
        if isinstance(self.path, Path):
            if self.read_only and not self.path.exists():
                raise StoreError(f"The store {self._shown_path} does not exist: import a portfolio first.")
            if not self.read_only:
                try:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    reason, action = _failure_reason(exc.strerror or "") or (
                        exc.strerror or str(exc),
                        "choose another store path",
                    )
                    raise StoreError(
                        f"Cannot create the folder of the store {self._shown_path}: {reason}; {action}.",
                        remedy=Remedy.STORE_PATH,
                    ) from exc
        try:
            return duckdb.connect(str(self.path), read_only=self.read_only)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise StoreLockedError(
                    f"The store {self._shown_path} is open in another program ({_lock_holder(str(exc))}): "
                    "close it or choose another store path.",
                    remedy=Remedy.STORE_PATH,
                ) from exc
            failure = _failure_reason(str(exc))
            if failure is not None:
                raise StoreError(
                    f"Cannot open the store {self._shown_path}: {failure[0]}; {failure[1]}.",
                    remedy=Remedy.STORE_PATH,
                ) from exc
            raise self._open_error(exc) from exc
        except duckdb.Error as exc:
            raise self._open_error(exc) from exc

    def _open_error(self, exc: duckdb.Error) -> StoreError:
        return StoreError(
            f"Cannot open the store {self._shown_path}: {exc}; choose another store path.",
            remedy=Remedy.STORE_PATH,
        )

    def close(self) -> None:
        """Close the shared connection (idempotent)."""
        with self._cursor_lock:
            connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()

    def _cursor(self) -> Cursor:
        with self._cursor_lock:
            if self._connection is None:
                raise StoreError(f"The store {self._shown_path} is closed: open it again.")
            return self._connection.cursor()

    def _table_names(self, cursor: Cursor) -> set[str]:
        return {
            row[0]
            for row in cursor.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
            ).fetchall()
        }

    def _is_conflict(self, exc: Exception) -> bool:
        return isinstance(exc, duckdb.Error) and _is_conflict(exc)

    def _write_failure(self, exc: Exception) -> tuple[str, str] | None:
        return _write_failure(exc) if isinstance(exc, duckdb.Error) else None

    def _migration_steps(self) -> list:
        return MIGRATIONS  # this module's name, so a test can append a step here

    def _migrate(self) -> None:
        """Bring the store to the newest schema version; one migration at a time in this process."""
        with _MIGRATION_LOCK:
            cursor = self._cursor()
            try:
                self._migrate_on(cursor)
            finally:
                cursor.close()
