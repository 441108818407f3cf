"""Child process for the upload-name test: read and store uploads with hostile names while an
audit hook records every file the interpreter opens for writing, creates, renames or removes.

Run as ``python -m tests.reliability.write_audit STORE NAME...``; prints JSON:
``{"writes": [...], "stored": [...]}`` (the source names as the store returns them).
"""

from __future__ import annotations

import json
import os
import sys

WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
FILE_CHANGES = {"os.mkdir", "os.rename", "os.remove", "os.rmdir", "os.symlink", "os.link", "shutil.move"}
writes: list[str] = []


def record_writes(event: str, args: tuple) -> None:
    if event == "open" and len(args) >= 3:
        path, mode, flags = args[0], args[1], args[2]
        if (isinstance(mode, str) and any(m in mode for m in "wax+")) or (
            isinstance(flags, int) and flags & WRITE_FLAGS
        ):
            writes.append(f"open {path!r} {mode!r}")
    elif event in FILE_CHANGES:
        writes.append(f"{event} {args!r}")


def main(store_path: str, names: list[str]) -> dict[str, list[str]]:
    from kairo_scoring.intake import read_portfolio
    from kairo_scoring.store import PortfolioStore

    with PortfolioStore(store_path) as store:  # the store file is DuckDB's, opened natively
        sys.addaudithook(record_writes)
        stored = []
        for i, name in enumerate(names):
            result = read_portfolio(f"name\r\nPilot {i}\r\n".encode(), filename=name)
            info = store.import_snapshot(result, portfolio=name)
            stored.append(store.snapshot_info(info.snapshot_id).source_name)
    return {"writes": writes, "stored": stored}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2:])))
