"""Child process for the decision crash test: `kairo decide` or `kairo approve` that pauses
inside its transaction.

``python -m tests.decisions.decide_child DB PAUSE_AT COMMAND ARG...`` runs the real command
line; at ``PAUSE_AT`` (``before_audit``: the decision row is written, its audit row is next;
``before_commit``: both are written, COMMIT is next; ``after_commit``: the transaction has
committed) it prints ``paused`` and sleeps until the test kills it.
"""

from __future__ import annotations

import sys
import time

from kairo_scoring.cli import main
from kairo_scoring.store.duckdb_backend import DuckDBBackend


def _pause() -> None:
    print("paused", flush=True)
    time.sleep(600)  # the test sends SIGKILL long before this ends


def pause_at(point: str) -> None:
    if point in ("before_audit", "before_commit"):
        original = DuckDBBackend._insert_audit

        def paused(cursor, entry):
            if "decision" not in entry.action:  # only the decision write's own audit row
                return original(cursor, entry)
            if point == "before_audit":
                _pause()
            original(cursor, entry)
            _pause()

        DuckDBBackend._insert_audit = staticmethod(paused)
        return
    for name in ("propose_decisions", "sign_off"):
        write = getattr(DuckDBBackend, name)

        def committed(*args, _write=write, **kwargs):
            result = _write(*args, **kwargs)
            _pause()
            return result

        setattr(DuckDBBackend, name, committed)


if __name__ == "__main__":
    store, point, *command = sys.argv[1:]
    pause_at(point)
    raise SystemExit(main([*command[:1], "--db", store, *command[1:]]))
