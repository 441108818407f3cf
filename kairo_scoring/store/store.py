"""`PortfolioStore`: the portfolio store as pages, the CLI and tests see it, whatever database holds it.

This module opens the store (`resolve_store_path`, the backend for a path or URL), reads the
audit trail and runs the maintenance checks; the other operations come in families, one
module each, that `PortfolioStore` is built from: snapshots.py (browsing and loading
snapshots), snapshot_writes.py (imports, answers, deletes), profiles.py (scoring and mapping
profiles) and decision_log.py (decisions and sign-off), all on store_base.py. Every write is
authorised in the method that does it.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import TracebackType

import pandas as pd

from kairo_scoring.access import LOCAL_OPERATOR, Action, Actor, authorize
from kairo_scoring.errors import Remedy, StoreError
from kairo_scoring.store.backend import StoreBackend
from kairo_scoring.store.decision_log import DecisionOperations
from kairo_scoring.store.governance import AUDIT_COLUMNS, AuditAction
from kairo_scoring.store.location import display_path, is_database_url, safe_label
from kairo_scoring.store.profiles import ProfileOperations
from kairo_scoring.store.snapshot_writes import SavedAnswers, SnapshotWrites
from kairo_scoring.store.snapshots import SnapshotInfo
from kairo_scoring.store.store_base import _utc

__all__ = [
    "DEFAULT_STORE_PATH",
    "STORE_PATH_ENV",
    "PortfolioStore",
    "SavedAnswers",
    "SnapshotInfo",
    "resolve_store_path",
]

# <repo>/data/kairo.duckdb: the data folder next to the kairo_scoring package.
DEFAULT_STORE_PATH: Path = Path(__file__).resolve().parents[2] / "data" / "kairo.duckdb"
STORE_PATH_ENV = "KAIRO_STORE"


def resolve_store_path(path: str | Path | None = None) -> Path | str:
    """The store to open: ``path`` if given, else ``$KAIRO_STORE``, else `DEFAULT_STORE_PATH`.

    A ``postgresql://user:password@host:port/database`` URL is passed through (a PostgreSQL
    store); so is ``":memory:"`` (a private, in-process store, handy in tests). A folder
    that does not exist raises StoreError: a mistyped path must not quietly grow a tree of
    folders with a fresh, empty store at its end.
    """
    chosen = path if path is not None else os.environ.get(STORE_PATH_ENV) or DEFAULT_STORE_PATH
    if str(chosen) == ":memory:":
        return ":memory:"
    if is_database_url(str(chosen)):
        return str(chosen)
    resolved = Path(chosen).expanduser()
    if not resolved.parent.is_dir():
        # The app reads the path from $KAIRO_STORE; a caller that passed it (the CLI's --db)
        # names its own option through the remedy.
        where = f" (${STORE_PATH_ENV})" if path is None and os.environ.get(STORE_PATH_ENV) else ""
        raise StoreError(
            f"The folder {display_path(resolved.parent)} for the store {resolved.name} does not exist: "
            f"create it, or choose a store in an existing folder{where}.",
            remedy=Remedy.STORE_PATH,
        )
    return resolved


def _naive_utc(moment: date | datetime | None, *, end_of_day: bool = False) -> datetime | None:
    """A filter bound as stored (naive UTC): a date is its midnight UTC (the next one with ``end_of_day``)."""
    if moment is None:
        return None
    if isinstance(moment, datetime):
        return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
    if not isinstance(moment, date):
        raise StoreError(f"A date or time is needed to filter the audit trail, not {moment!r}.")
    start = datetime(moment.year, moment.month, moment.day)
    return start + timedelta(days=1) if end_of_day else start


class PortfolioStore(SnapshotWrites, DecisionOperations, ProfileOperations):
    """The portfolio store: snapshots of imported portfolios, scoring profiles and mapping profiles.

    One object holds one connection and is safe to share between threads (e.g. as a
    Streamlit ``cache_resource``): every method is its own unit of work, and every
    write is one transaction that is retried when a concurrent writer conflicts.

    Raises `StoreLockedError` when another process holds the store file, and
    `StoreError` when the store is newer than this code or not a Kairo store.

    Every write takes the `Actor` asking for it and checks, before anything else, that
    the actor's role read at that moment allows it (`authorize`, `AccessDenied` if not).
    The actor defaults to `LOCAL_OPERATOR` (the CLI, tests, the app's own seeding); the
    app passes the signed-in user on every write.
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        read_only: bool = False,
        backend: StoreBackend | None = None,
        label: str | None = None,
    ):
        """Open the store at ``path`` (`resolve_store_path`): a DuckDB file, or PostgreSQL for a
        ``postgresql://`` URL; or wrap ``backend``.

        ``backend`` is an already opened backend; ``label`` names it in messages, e.g. a
        database URL without its password (`safe_label`), which is what a URL store shows.
        """
        if backend is not None:
            if path is not None or read_only:
                raise TypeError("pass either a path (and read_only) or an opened backend, not both")
            self.path: Path | str = label or type(backend).__name__
            self._label = str(self.path)
            self._backend = backend
            return
        self.path = resolve_store_path(path)
        # The driver of the kind opened loads here, not with the store's types and rules.
        if is_database_url(self.path):
            from kairo_scoring.store.postgres_backend import PostgresBackend

            self._label = safe_label(str(self.path))
            self._backend = PostgresBackend(str(self.path), read_only=read_only)
            return
        from kairo_scoring.store.duckdb_backend import DuckDBBackend

        self._label = display_path(self.path)
        self._backend = DuckDBBackend(self.path, read_only=read_only)

    @classmethod
    def from_backend(cls, backend: StoreBackend, *, label: str) -> PortfolioStore:
        """A store over an already opened backend: ``cls(backend=backend, label=label)``."""
        return cls(backend=backend, label=label)

    @property
    def read_only(self) -> bool:
        """True when the store was opened read-only."""
        return self._backend.read_only

    def close(self) -> None:
        """Close the store's connection; further calls raise StoreError."""
        self._backend.close()

    def __enter__(self) -> PortfolioStore:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = "read-only" if self.read_only else "read-write"
        return f"PortfolioStore({self._label!r}, {mode})"

    # --- the audit trail ---------------------------------------------------------------
    def audit(
        self,
        since: date | datetime | None = None,
        *,
        until: date | datetime | None = None,
        portfolio: str | None = None,
        action: AuditAction | str | None = None,
        who: str | None = None,
        actor: Actor = LOCAL_OPERATOR,
    ) -> pd.DataFrame:
        """The audit trail (``AUDIT_COLUMNS``) in the order it was written: every write of the
        store, who did it (``verified``: a signed-in identity, not a typed name), with which
        role, what and the content hash of what changed. ``since`` and ``until`` are dates
        (whole days, UTC) or times; ``until`` is exclusive for a time, inclusive for a date.

        There is no way to change or remove an audit row through the store. Needs
        `Action.READ_AUDIT` (approver or admin).
        """
        authorize(actor, Action.READ_AUDIT)
        frame = self._backend.list_audit(
            _naive_utc(since),
            _naive_utc(until, end_of_day=not isinstance(until, datetime)),
            portfolio=portfolio,
            action=None if action is None else AuditAction(action).value,
            who=who,
        )
        frame = _utc(frame, "recorded_at")
        frame["audit_id"] = frame["audit_id"].astype("Int64")
        frame["verified"] = frame["verified"].astype(bool)
        return frame[list(AUDIT_COLUMNS)].reset_index(drop=True)

    # --- maintenance -----------------------------------------------------------------
    def schema_version(self) -> int:
        """The schema version recorded in the store."""
        return self._backend.schema_version()

    def integrity_check(self) -> list[str]:
        """Every inconsistency in the store, one sentence each; an empty list means it is sound.

        Checks that each snapshot's recorded pilot, rejected and issue counts match its
        rows, that no row belongs to a missing snapshot or portfolio, and that no
        portfolio holds the same import twice.
        """
        return self._backend.integrity_problems()

    def row_counts(self) -> dict[str, int]:
        """Number of rows in each table of the store."""
        return self._backend.row_counts()
