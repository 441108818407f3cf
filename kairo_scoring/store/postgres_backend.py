"""The PostgreSQL backend of the portfolio store, for several app replicas on one database.

Every query is `SqlBackend`'s (sql_backend.py) and every table and migration step
sql_schema.py's; this module connects, pools connections and adapts the two places
where PostgreSQL spells the shared SQL differently (`postgres_sql`: ``?`` placeholders
and DuckDB's ``DOUBLE``) and bulk rows (`PostgresCursor.append`: ``COPY``).

Concurrency design (see docs/store.md):

- A `psycopg_pool.ConnectionPool` replaces DuckDB's shared connection: one pooled
  connection per unit of work, in autocommit mode with an explicit ``BEGIN`` for writes
  (``READ COMMITTED``, or ``SERIALIZABLE`` where a rule reads then writes: decisions, a
  mapping's version) and a ``REPEATABLE READ READ ONLY`` snapshot for reads.
- A conflict is a serialization failure (40001), a deadlock (40P01) or a unique key
  another writer committed first (23505: the same bytes imported twice at once, the same
  portfolio created twice); the unit of work is rolled back and run again, and the retry
  re-reads, so the same import lands once and the loser returns the winner's snapshot.
- Migrations run under a session advisory lock, so replicas starting together migrate once.
- Values are always bound parameters; the password never reaches a message (`safe_label`).
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from kairo_scoring.errors import Remedy, StoreError
from kairo_scoring.store.location import URL_SCHEMES, is_database_url, safe_label  # noqa: F401 - importable here as before
from kairo_scoring.store.sql_backend import SqlBackend
from kairo_scoring.store.sql_schema import MIGRATIONS, table

# How long a unit of work waits for a connection, and a connection for the server.
POOL_TIMEOUT_SECONDS = 30.0
CONNECT_TIMEOUT_SECONDS = 10
POOL_MAX_SIZE = 8
# pg_advisory_lock key of the migrations ("KAIROMIG" as ASCII): one migrating replica at a time.
_MIGRATION_LOCK_KEY = 0x4B4149524F4D4947
# SQLSTATEs that mean another writer got there first: re-running the unit of work helps.
_CONFLICTS = frozenset({"40001", "40P01", "23505"})
# SQLSTATEs of a server that cannot write, what to tell the user and the action they have.
_WRITE_FAILURES: dict[str, tuple[str, str]] = {
    "53100": ("the database server's disk is full", "free disk space on the database server"),
    "53200": ("the database server is out of memory", "try again, or give the database server more memory"),
    "25006": ("the database server is read-only (a standby)", "point KAIRO_STORE at the primary server"),
}
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")


@functools.lru_cache(maxsize=512)
def postgres_sql(statement: str) -> str:
    """The shared SQL as PostgreSQL reads it: ``?`` placeholders become ``%s`` (a literal ``%``
    doubled) and DuckDB's ``DOUBLE`` is ``DOUBLE PRECISION``. The store's SQL holds no ``?`` or
    ``%`` inside string literals (values are bound), so the rewrite is exact."""
    statement = statement.replace("%", "%%").replace("?", "%s")
    return re.sub(r"\bDOUBLE\b(?!\s+PRECISION)", "DOUBLE PRECISION", statement)


def _python_value(value: object) -> object:
    """A frame cell as psycopg adapts it: NaN/NA/NaT are NULL, numpy scalars Python ones."""
    if value is None or (
        not isinstance(value, (str, bytes)) and pd.api.types.is_scalar(value) and pd.isna(value)
    ):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.generic):
        return value.item()
    return value


# PostgreSQL type OIDs → the pandas dtype DuckDB's ``df()`` gives the same column (nullable
# when the column holds NULLs), so the shared decoding code sees the same frames.
_INT_OIDS = {21: ("int16", "Int16"), 23: ("int32", "Int32"), 20: ("int64", "Int64")}
_FLOAT_OIDS = {700, 701, 1700}
_TIME_OIDS = {1114, 1082}  # timestamp, date
_BOOL_OID = 16


def _column(values: list[object], type_code: int) -> pd.Series:
    has_null = any(value is None for value in values)
    if type_code in _INT_OIDS:
        return pd.Series(values, dtype=_INT_OIDS[type_code][1 if has_null else 0])
    if type_code in _FLOAT_OIDS:
        return pd.Series([np.nan if value is None else float(value) for value in values], dtype="float64")
    if type_code in _TIME_OIDS:
        stamps = [
            None
            if value is None
            else datetime(value.year, value.month, value.day)
            if type(value) is date
            else value
            for value in values
        ]
        return pd.Series(pd.to_datetime(pd.Series(stamps, dtype=object)), dtype="datetime64[us]")
    if type_code == _BOOL_OID:
        return pd.Series(values, dtype="boolean" if has_null else "bool")
    return pd.Series(values, dtype="str" if values else object)


class PostgresCursor:
    """One pooled connection as the shared SQL uses a cursor (the subset of DuckDB's it needs)."""

    def __init__(self, connection: psycopg.Connection, release: Callable[[psycopg.Connection], None]):
        self._connection = connection
        self._cursor = connection.cursor()
        self._release = release

    @property
    def description(self) -> Any:
        return self._cursor.description

    def execute(self, statement: str, parameters: Sequence[object] | None = None) -> PostgresCursor:
        self._cursor.execute(postgres_sql(statement), parameters)
        return self

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._cursor.fetchone()

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self._cursor.fetchall()

    def df(self) -> pd.DataFrame:
        """The result as a frame with the dtypes DuckDB's ``df()`` gives."""
        rows = self._cursor.fetchall()
        columns = self._cursor.description or []
        return pd.DataFrame(
            {
                column.name: _column([row[i] for row in rows], column.type_code)
                for i, column in enumerate(columns)
            },
            index=pd.RangeIndex(len(rows)),
        )

    def append(self, table_name: str, frame: pd.DataFrame, *, by_name: bool = True) -> None:
        """Bulk rows with ``COPY … FROM STDIN``, in the open transaction."""
        names = [str(name) for name in frame.columns]
        for name in names:
            if not _IDENTIFIER.fullmatch(name):
                raise ValueError(f"not a store column: {name!r}")
        statement = f"COPY {table(table_name)} ({', '.join(names)}) FROM STDIN"
        with self._cursor.copy(statement) as copy:
            for row in frame.itertuples(index=False, name=None):
                copy.write_row([_python_value(value) for value in row])

    def begin(self, *, serializable: bool = False, read_only: bool = False) -> None:
        if read_only:
            self._cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        else:
            self._cursor.execute(
                f"BEGIN ISOLATION LEVEL {'SERIALIZABLE' if serializable else 'READ COMMITTED'}"
            )

    def commit(self) -> None:
        self._cursor.execute("COMMIT")

    def rollback(self) -> None:
        self._cursor.execute("ROLLBACK")

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            self._cursor.close()
            self._release(connection)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


class PostgresBackend(SqlBackend):
    """The portfolio store in one PostgreSQL database, shared by any number of processes."""

    driver_error = psycopg.Error
    dialect = "PostgreSQL"

    def __init__(self, url: str, *, read_only: bool = False, max_size: int = POOL_MAX_SIZE):
        if not is_database_url(url):
            raise StoreError(
                f"{url!r} is not a PostgreSQL URL (postgresql://user:password@host:port/database)."
            )
        self.url = url
        self.read_only = read_only
        self._shown_path = safe_label(url)
        self._lock = threading.Lock()
        self._pool: ConnectionPool | None = None
        # One direct connection first: a wrong password or an unreachable server is one clear
        # line now, not a pool timeout later. It also runs the migrations.
        connection = self._connect()
        try:
            self._migrate(connection)
        finally:
            connection.close()
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max_size,
            kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT_SECONDS},
            check=ConnectionPool.check_connection,
            timeout=POOL_TIMEOUT_SECONDS,
            name="kairo-store",
            open=False,
        )
        self._pool.open()

    # --- connection and units of work ------------------------------------------------
    def _redacted(self, text: str) -> str:
        password = urlsplit(self.url).password
        return text.replace(password, "***") if password else text

    def _connect(self) -> psycopg.Connection:
        try:
            return psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS)
        except psycopg.Error as exc:
            raise StoreError(
                f"Cannot connect to the store {self._shown_path}: {self._redacted(_one_line(exc))}; "
                "check the server, user and password in KAIRO_STORE (or --db).",
                remedy=Remedy.STORE_PATH,
            ) from None

    def close(self) -> None:
        """Close the pool (idempotent)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()

    def _cursor(self) -> PostgresCursor:
        with self._lock:
            pool = self._pool
        if pool is None:
            raise StoreError(f"The store {self._shown_path} is closed: open it again.")
        try:
            connection = pool.getconn()
        except PoolTimeout as exc:
            raise StoreError(
                f"The store {self._shown_path} could not be reached within {POOL_TIMEOUT_SECONDS:.0f} s: "
                f"{self._redacted(_one_line(exc))}; check the database server, then try again.",
                remedy=Remedy.STORE_PATH,
            ) from exc
        return PostgresCursor(connection, pool.putconn)

    def _begin(self, cursor: PostgresCursor, *, serializable: bool) -> None:  # type: ignore[override]
        cursor.begin(serializable=serializable)

    def _read(self, work):  # type: ignore[no-untyped-def]
        """A read sees one snapshot of the store, whatever commits while it runs."""

        def in_snapshot(cursor: PostgresCursor):  # type: ignore[no-untyped-def]
            cursor.begin(read_only=True)
            try:
                return work(cursor)
            finally:
                self._rollback_quietly(cursor)

        return super()._read(in_snapshot)

    def _table_names(self, cursor: PostgresCursor) -> set[str]:  # type: ignore[override]
        rows = cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        ).fetchall()
        return {str(row[0]) for row in rows}

    def _is_conflict(self, exc: Exception) -> bool:
        return isinstance(exc, psycopg.Error) and exc.sqlstate in _CONFLICTS

    def _write_failure(self, exc: Exception) -> tuple[str, str] | None:
        return _WRITE_FAILURES.get(exc.sqlstate or "") if isinstance(exc, psycopg.Error) else None

    def _store_error(self, exc: Exception) -> StoreError:
        if isinstance(exc, psycopg.OperationalError):
            return StoreError(
                f"The store {self._shown_path} lost its connection to the database server: "
                f"{self._redacted(_one_line(exc))}; check the server, then try again.",
                remedy=Remedy.STORE_PATH,
            )
        return StoreError(
            f"The store {self._shown_path} could not complete the request: {self._redacted(_one_line(exc))}; "
            "try again, and if it keeps failing restore the database from a backup.",
            remedy=Remedy.STORE_PATH,
        )

    # --- schema version and migrations -----------------------------------------------
    def _migration_steps(self) -> list:
        return MIGRATIONS  # this module's name, so a test can append a step here

    def _migrate(self, connection: psycopg.Connection) -> None:
        """Bring the database to the newest schema version under an advisory lock (one replica at a time)."""
        cursor = PostgresCursor(connection, lambda _connection: None)
        try:
            cursor.execute("SELECT pg_advisory_lock(?)", [_MIGRATION_LOCK_KEY])
            try:
                self._migrate_on(cursor)
            finally:
                cursor.execute("SELECT pg_advisory_unlock(?)", [_MIGRATION_LOCK_KEY])
        except psycopg.Error as exc:
            raise StoreError(
                f"Cannot prepare the store {self._shown_path}: {self._redacted(_one_line(exc))}; "
                "check the database server and the user's rights.",
                remedy=Remedy.STORE_PATH,
            ) from exc
        finally:
            cursor.close()
