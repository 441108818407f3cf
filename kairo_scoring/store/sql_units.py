"""The base of the store's SQL: `SqlUnits`, the units of work every statement runs in, the
schema version and the migrations runner, over a small cursor interface (`Cursor`).

A backend subclass (duckdb_backend.py, postgres_backend.py, through `SqlBackend`) supplies
only what differs between databases: how it connects and hands out a cursor, which driver
errors are conflicts or write failures, and the names of its tables.

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
import random
import time
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Protocol, TypeVar

import pandas as pd

from kairo_scoring.errors import Remedy, StoreError
from kairo_scoring.store.backend import MAX_STORED_VERSION
from kairo_scoring.store.sql_schema import MIGRATIONS

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


# The meta row of the schema version, written by every migration step (upsert, in both dialects).
_SET_META = (
    "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"
)


class SqlUnits:
    """Units of work, the schema version and migrations over a `Cursor`; subclasses connect and
    classify driver errors."""

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

    # --- a rule of every write that records a profile version --------------------------
    @staticmethod
    def _check_version(name: str, version: int) -> None:
        if not 1 <= version <= MAX_STORED_VERSION:
            raise StoreError(
                f"Scoring profile '{name}' version {version} cannot be stored: versions run from 1 to "
                f"{MAX_STORED_VERSION}; save it under a lower version."
            )
