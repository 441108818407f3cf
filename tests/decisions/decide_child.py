"""Child process for the decision crash test: `kairo decide` or `kairo approve` that pauses
inside its transaction.

``python -m tests.decisions.decide_child DB PAUSE_AT COMMAND ARG...`` runs the real command
line; at ``PAUSE_AT`` (``before_audit``: the decision row is written, its audit row is next;
``before_commit``: both are written, COMMIT is next; ``after_commit``: the transaction has
committed) it prints ``paused`` and sleeps until the test kills it. ``DB`` is a DuckDB file
or a PostgreSQL URL; the pause goes into the backend class the store opens for it.
"""

from __future__ import annotations

import sys
import time

from kairo_scoring.cli import main
from kairo_scoring.store.duckdb_backend import DuckDBBackend
from kairo_scoring.store.postgres_backend import PostgresBackend, is_database_url
from kairo_scoring.store.sql_backend import SqlBackend


def _pause() -> None:
    print("paused", flush=True)
    time.sleep(600)  # the test sends SIGKILL long before this ends


def backend_class(store: str) -> type[SqlBackend]:
    """The class `PortfolioStore` opens for ``store``: PostgreSQL for a database URL, else DuckDB.
    (The writes themselves are `SqlBackend`'s; patching the subclass leaves the other backend alone.
    Should the choice ever differ, the child never pauses and the test fails.)"""
    return PostgresBackend if is_database_url(store) else DuckDBBackend


def pause_at(backend: type[SqlBackend], point: str) -> None:
    if point in ("before_audit", "before_commit"):
        original = backend._insert_audit

        def paused(cursor, entry):
            if "decision" not in entry.action:  # only the decision write's own audit row
                return original(cursor, entry)
            if point == "before_audit":
                _pause()
            original(cursor, entry)
            _pause()

        backend._insert_audit = staticmethod(paused)
        return
    for name in ("propose_decisions", "sign_off"):
        write = getattr(backend, name)

        def committed(*args, _write=write, **kwargs):
            result = _write(*args, **kwargs)
            _pause()
            return result

        setattr(backend, name, committed)


if __name__ == "__main__":
    store, point, *command = sys.argv[1:]
    pause_at(backend_class(store), point)
    raise SystemExit(main([*command[:1], "--db", store, *command[1:]]))
