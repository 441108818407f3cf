"""`kairo assessment export` and `kairo assessment import`: the loop from the command line."""

from __future__ import annotations

import pandas as pd

from kairo_scoring import PortfolioStore
from kairo_scoring.cli import main
from tests.assessment.conftest import PORTFOLIO, REGISTER
from tests.assessment.helpers import set_cells


def _store_with_register(tmp_path):
    register = tmp_path / "claims.csv"
    register.write_text(REGISTER, encoding="utf-8")
    db = tmp_path / "kairo.duckdb"
    assert main(["import", str(register), "--db", str(db), "--portfolio", PORTFOLIO]) == 0
    return db


def test_export_then_import_prints_the_summary_and_stores_one_snapshot(tmp_path, capsys):
    db = _store_with_register(tmp_path)
    out = tmp_path / "workbooks"  # created: its folder exists
    assert (
        main(
            [
                "assessment",
                "export",
                "--db",
                str(db),
                "--portfolio",
                PORTFOLIO,
                "--by",
                "business_unit",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "4 workbooks by business unit" in printed
    index = pd.read_csv(out / "index.csv")
    assert sorted(index["respondent"]) == ["Claims", "Finance", "Risk", "Service"]

    claims = out / index.set_index("respondent").at["Claims", "file"]
    set_cells(
        claims, {("P2", "users"): 3, ("P2", "process_maturity"): 7, ("P1", "controls"): "2 — informal review"}
    )
    rejected = tmp_path / "rejected.csv"
    args = [
        "assessment",
        "import",
        "--db",
        str(db),
        "--portfolio",
        PORTFOLIO,
        "--rejected",
        str(rejected),
        str(claims),
    ]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "Answers applied: 2" in printed
    assert "Corrections (prefilled values changed): 1" in printed
    assert "Rejected: 1 answer, 0 rows" in printed
    assert "Completeness:" in printed and "->" in printed
    assert "Stored snapshot" in printed
    assert "bad_value" in rejected.read_text(encoding="utf-8-sig")
    with PortfolioStore(db, read_only=True) as store:
        assert len(store.snapshots(PORTFOLIO)) == 2

    assert main(args[:-3] + [str(claims)]) == 0  # again: nothing changes
    printed = capsys.readouterr().out
    assert "Nothing changed" in printed and "Nothing stored" in printed
    with PortfolioStore(db, read_only=True) as store:
        assert len(store.snapshots(PORTFOLIO)) == 2


def test_errors_name_the_option_to_change(tmp_path, capsys):
    db = _store_with_register(tmp_path)
    capsys.readouterr()
    assert (
        main(["assessment", "export", "--db", str(db), "--portfolio", "Nope", "-o", str(tmp_path / "o")]) == 2
    )
    assert "check --portfolio" in capsys.readouterr().err
    missing = tmp_path / "no" / "such" / "folder"
    assert main(["assessment", "export", "--db", str(db), "--portfolio", PORTFOLIO, "-o", str(missing)]) == 2
    assert "pass another -o/--output" in capsys.readouterr().err
    assert (
        main(["assessment", "import", "--db", str(db), "--portfolio", PORTFOLIO, str(tmp_path / "x.xlsx")])
        == 2
    )
    err = capsys.readouterr().err
    assert "input file not found" in err and "Traceback" not in err
