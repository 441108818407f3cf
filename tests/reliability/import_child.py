"""Child process for the crash test: `kairo import` that pauses inside the import transaction.

``python -m tests.reliability.import_child REGISTER DB PAUSE_AT`` runs the real command line;
the store's ``PAUSE_AT`` step (``after_pilots``: the pilot rows are appended;
``before_commit``: every row is written, COMMIT is next) runs, then the process prints
``paused`` and sleeps until the test kills it. ``DB`` is a DuckDB file or a PostgreSQL URL;
the pause goes into the backend class the store opens for it.
"""

from __future__ import annotations

import sys
import time

from kairo_scoring.cli import main
from kairo_scoring.store.duckdb_backend import DuckDBBackend
from kairo_scoring.store.postgres_backend import PostgresBackend, is_database_url
from kairo_scoring.store.sql_backend import SqlBackend

PAUSE_POINTS = {"after_pilots": "_insert_pilots", "before_commit": "_insert_snapshot"}


def backend_class(store: str) -> type[SqlBackend]:
    """The class `PortfolioStore` opens for ``store``: PostgreSQL for a database URL, else DuckDB
    (should the choice ever differ, the child never pauses and the test fails)."""
    return PostgresBackend if is_database_url(store) else DuckDBBackend


def pause_after(backend: type[SqlBackend], method_name: str) -> None:
    original = getattr(backend, method_name)

    def paused(*args, **kwargs):
        result = original(*args, **kwargs)
        print("paused", flush=True)
        time.sleep(600)  # the test sends SIGKILL long before this ends
        return result

    setattr(backend, method_name, paused)


if __name__ == "__main__":
    register, store, pause_at = sys.argv[1:4]
    pause_after(backend_class(store), PAUSE_POINTS[pause_at])
    raise SystemExit(main(["import", register, "--db", store, "--portfolio", "Quarterly review"]))
