"""Upload names never become paths: nothing is written anywhere, the name is kept as text,
and the store stores it (and a portfolio named like it) as data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

HOSTILE_NAMES = [
    "../../etc/passwd.csv",
    "../../../../tmp/kairo-escape.csv",
    "..\\..\\Windows\\win.ini.csv",
    "/etc/cron.d/kairo.csv",
    "sub/dir/register.csv",
    "x'); DROP TABLE snapshots; --.csv",
    "line\nbreak.csv",
]
# A NUL cannot travel in a command-line argument; the corpus checks it in-process
# (test_reliability_corpus.py::test_upload_names_are_kept_as_plain_text).


def _files(root: Path) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*")}


def test_hostile_upload_names_are_stored_as_text_and_write_no_file(tmp_path: Path) -> None:
    work = tmp_path / "deep" / "er" / "work"  # "../../" from here still lands inside tmp_path
    work.mkdir(parents=True)
    store_path = work / "kairo.duckdb"
    completed = subprocess.run(
        [sys.executable, "-m", "tests.reliability.write_audit", str(store_path), *HOSTILE_NAMES],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1"},
        check=True,
    )
    audit = json.loads(completed.stdout)
    assert audit["writes"] == []  # no file opened for writing, created, renamed or removed
    assert audit["stored"] == HOSTILE_NAMES
    assert _files(tmp_path) <= {"deep", "deep/er", "deep/er/work", "deep/er/work/kairo.duckdb"} | {
        "deep/er/work/kairo.duckdb.wal"
    }
    assert not Path("/tmp/kairo-escape.csv").exists()
