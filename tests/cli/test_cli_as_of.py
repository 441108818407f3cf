"""`--as-of`: the date a snapshot's data describes, from the command line (else the file's own
save date, else today), kept apart from when it was imported and listed by `kairo snapshots`."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from kairo_scoring import PortfolioStore
from kairo_scoring.cli import main
from tests.assessment.conftest import PORTFOLIO, REGISTER
from tests.assessment.helpers import set_cells

CORE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties '
    'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dcterms="http://purl.org/dc/terms/"><dcterms:modified>{saved}</dcterms:modified></cp:coreProperties>'
)


def _register(path: Path, saved: str) -> Path:
    """A two-pilot xlsx whose core properties say it was last saved at ``saved``."""
    book = openpyxl.Workbook()
    for row in (["pilot_id", "name", "controls"], ["P1", "Invoice bot", 4], ["P2", "Contract review", 2]):
        book.active.append(row)
    written = io.BytesIO()
    book.save(written)
    with zipfile.ZipFile(written) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            if info.filename != "docProps/core.xml":
                target.writestr(info, source.read(info))
        target.writestr("docProps/core.xml", CORE.format(saved=saved))
    return path


def _as_of(db: Path, portfolio: str) -> list[date]:
    with PortfolioStore(db, read_only=True) as store:
        return [pd.Timestamp(d).date() for d in store.snapshots(portfolio)["as_of"]]


def test_as_of_is_stored_with_the_import_and_named_in_its_line(tmp_path, capsys):
    register, db = _register(tmp_path / "q3.xlsx", "2025-10-02T09:00:00Z"), tmp_path / "s.duckdb"

    assert main(["import", str(register), "--db", str(db), "--portfolio", "Q", "--as-of", "2025-09-30"]) == 0

    assert "stored as snapshot 1 of 'Q': 2 pilots" in (out := capsys.readouterr().out)
    assert out.rstrip().endswith("as of 30 Sep 2025 (--as-of)")
    assert _as_of(db, "Q") == [date(2025, 9, 30)]
    with PortfolioStore(db, read_only=True) as store:
        assert store.snapshot_info(1).created_at.date() == datetime.now(UTC).date()  # imported today


def test_without_as_of_the_file_s_save_date_counts_else_today(tmp_path, capsys):
    db = tmp_path / "s.duckdb"
    register = _register(tmp_path / "q3.xlsx", "2025-10-02T09:00:00Z")
    assert main(["import", str(register), "--db", str(db), "--portfolio", "Q"]) == 0
    assert "as of 2 Oct 2025 (the file's save date; --as-of sets another)" in capsys.readouterr().out

    csv = tmp_path / "q4.csv"
    csv.write_text("pilot_id,name\nP1,Invoice bot\n", encoding="utf-8")
    assert main(["import", str(csv), "--db", str(db), "--portfolio", "Q"]) == 0
    assert "(today: the file records no date; --as-of sets another)" in capsys.readouterr().out
    assert sorted(_as_of(db, "Q")) == [date(2025, 10, 2), datetime.now(UTC).date()]


def test_a_file_already_stored_keeps_its_as_of_date_and_says_so(tmp_path, capsys):
    register, db = _register(tmp_path / "q3.xlsx", "2025-10-02T09:00:00Z"), tmp_path / "s.duckdb"
    assert main(["import", str(register), "--db", str(db), "--portfolio", "Q", "--as-of", "2025-09-30"]) == 0
    assert main(["import", str(register), "--db", str(db), "--portfolio", "Q", "--as-of", "2025-12-31"]) == 0

    assert "already stored (same file) as snapshot 1" in (out := capsys.readouterr().out)
    assert out.rstrip().endswith("as of 30 Sep 2025 (kept from that import)")
    assert _as_of(db, "Q") == [date(2025, 9, 30)]


@pytest.mark.parametrize(
    "bad", ["30/09/2025", "2025-02-30", "20250930", "2025-9-30", "", "Q3", "2025-09-30\x1b[2J"]
)
def test_a_bad_as_of_date_exits_2_with_one_line_and_stores_nothing(tmp_path, capsys, bad):
    register, db = _register(tmp_path / "q3.xlsx", "2025-10-02T09:00:00Z"), tmp_path / "s.duckdb"

    assert main(["import", str(register), "--db", str(db), "--as-of", bad]) == 2

    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "kairo: --as-of takes a date as YYYY-MM-DD, e.g. 2025-09-30"
    )
    assert "\x1b" not in captured.err  # the user's text is printed escaped
    assert not db.exists()  # refused before the store was opened


def test_snapshots_lists_the_as_of_date_beside_the_import_time(tmp_path, capsys):
    db = tmp_path / "s.duckdb"
    q3 = _register(tmp_path / "q3.xlsx", "2025-10-02T09:00:00Z")
    q4 = _register(tmp_path / "q4.xlsx", "2026-01-05T09:00:00Z")
    assert main(["import", str(q3), "--db", str(db), "--portfolio", "Q", "--as-of", "2025-09-30"]) == 0
    assert main(["import", str(q4), "--db", str(db), "--portfolio", "Q", "--as-of", "2025-12-31"]) == 0
    capsys.readouterr()

    assert main(["snapshots", "--db", str(db)]) == 0

    header, *rows = capsys.readouterr().out.splitlines()
    assert header.split()[:4] == ["snapshot_id", "portfolio", "as_of", "created_at"]
    assert [row.split()[:3] for row in rows] == [["2", "Q", "2025-12-31"], ["1", "Q", "2025-09-30"]]


def test_a_report_of_a_stored_snapshot_is_labelled_by_its_as_of_date(tmp_path, capsys):
    register, db = _register(tmp_path / "q3.xlsx", "2025-10-02T09:00:00Z"), tmp_path / "s.duckdb"
    assert main(["import", str(register), "--db", str(db), "--portfolio", "Q", "--as-of", "2025-09-30"]) == 0

    assert main(["report", "--db", str(db), "-o", str(tmp_path / "summary.html")]) == 0

    assert "2025-Q3 · as of 30 Sep 2025 · q3.xlsx · #1" in (tmp_path / "summary.html").read_text(
        encoding="utf-8"
    )


def _store_with_register(tmp_path: Path) -> Path:
    register = tmp_path / "claims.csv"
    register.write_text(REGISTER, encoding="utf-8")
    db = tmp_path / "kairo.duckdb"
    assert (
        main(["import", str(register), "--db", str(db), "--portfolio", PORTFOLIO, "--as-of", "2025-06-30"])
        == 0
    )
    return db


def _filled_workbook(tmp_path: Path, db: Path) -> Path:
    """The Claims unit's assessment workbook with one answer filled in (P2's users)."""
    out = tmp_path / "workbooks"
    export = ["assessment", "export", "--db", str(db), "--portfolio", PORTFOLIO, "--by", "business_unit"]
    assert main([*export, "-o", str(out)]) == 0
    claims = out / pd.read_csv(out / "index.csv").set_index("respondent").at["Claims", "file"]
    set_cells(claims, {("P2", "users"): 3})
    return claims


def test_assessment_import_stores_the_answers_as_of_the_date_given(tmp_path, capsys):
    db = _store_with_register(tmp_path)
    filled = _filled_workbook(tmp_path, db)
    capsys.readouterr()

    args = ["assessment", "import", "--db", str(db), "--portfolio", PORTFOLIO, str(filled)]
    assert main([*args, "--as-of", "2025-07-15"]) == 0

    assert "(laid over 1), as of 15 Jul 2025." in capsys.readouterr().out
    assert sorted(_as_of(db, PORTFOLIO)) == [date(2025, 6, 30), date(2025, 7, 15)]


def test_assessment_import_refuses_a_bad_as_of_date_before_reading_anything(tmp_path, capsys):
    db = _store_with_register(tmp_path)
    filled = _filled_workbook(tmp_path, db)
    capsys.readouterr()

    assert (
        main(
            [
                "assessment",
                "import",
                "--db",
                str(db),
                "--portfolio",
                PORTFOLIO,
                str(filled),
                "--as-of",
                "15.07.2025",
            ]
        )
        == 2
    )

    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("kairo: --as-of takes a date as YYYY-MM-DD")
    assert len(_as_of(db, PORTFOLIO)) == 1
