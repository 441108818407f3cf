"""`kairo decide`, `approve`, `reject`, `audit` and `decisions`, refused cases included (exit 2, one line)."""

from __future__ import annotations

import csv
import getpass
from pathlib import Path

import openpyxl
import pytest

from kairo_scoring import ROLES_ENV, PortfolioStore
from kairo_scoring.cli import main
from tests.decisions.conftest import PORTFOLIO, ROLES, make_intake


@pytest.fixture
def db(store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    roles = tmp_path / "roles.toml"
    roles.write_text(ROLES, encoding="utf-8")
    monkeypatch.setenv(ROLES_ENV, str(roles))
    with PortfolioStore(store_path) as store:
        store.import_snapshot(make_intake(), portfolio=PORTFOLIO)
    return str(store_path)


def _run(capsys, *argv: str) -> tuple[int, list[str], list[str]]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.splitlines()


def _refused(capsys, *argv: str) -> str:
    code, _, err = _run(capsys, *argv)
    assert code == 2
    assert len(err) == 1, err
    return err[0]


def test_decide_then_approve_by_another_user_then_list_and_audit(db, capsys):
    code, out, _ = _run(
        capsys,
        "decide",
        "--db",
        db,
        "--portfolio",
        PORTFOLIO,
        "P1",
        "P2",
        "--accept",
        "--user",
        "ed@example.com",
    )
    assert code == 0
    assert out[0].startswith("Decision 1 on pilot P1 (snapshot 1): Accept the recommendation: API workflow")
    assert "proposed by ed@example.com, unverified; awaiting sign-off" in out[0]
    code, out, _ = _run(
        capsys, "approve", "--db", db, "1", "2", "--comment", "board 3 Dec", "--user", "ann@example.com"
    )
    assert (code, out) == (
        0,
        [
            "Decision 1 approved by ann@example.com, unverified",
            "Decision 2 approved by ann@example.com, unverified",
        ],
    )

    code, out, _ = _run(capsys, "decisions", "--db", db, "--portfolio", PORTFOLIO)
    assert code == 0 and "Approved" in out[1] and "ann@example.com" in out[1]

    code, out, _ = _run(capsys, "audit", "--db", db)
    assert code == 0
    assert sum("Proposed a decision" in line for line in out) == 2
    assert sum("Approved a decision" in line for line in out) == 2
    with PortfolioStore(db, read_only=True) as store:
        trail = store.audit()
    signed = trail[trail["action"] == "approve_decision"]
    assert set(signed["who"]) == {"ann@example.com"} and not signed["verified"].any()
    assert set(signed["role"]) == {"approver"}


def test_without_user_the_os_user_is_recorded_and_cannot_approve_their_own(db, capsys):
    code, out, _ = _run(capsys, "decide", "--db", db, "--portfolio", PORTFOLIO, "P3", "--retire")
    assert code == 0 and f"proposed by {getpass.getuser()}, unverified" in out[0]
    line = _refused(capsys, "approve", "--db", db, "1")
    assert line == (
        f"kairo: Decision 1 was proposed by {getpass.getuser()}; someone else with the approver role must sign it off."
    )
    code, out, _ = _run(
        capsys, "reject", "--db", db, "1", "--comment", "not now", "--user", "alf@example.com"
    )
    assert (code, out) == (0, ["Decision 1 rejected by alf@example.com, unverified"])
    with PortfolioStore(db, read_only=True) as store:
        assert store.audit()["who"].tolist()[-2:] == [getpass.getuser(), "alf@example.com"]


@pytest.mark.parametrize(
    ("pilot", "argv", "expected"),
    [
        ("P2", ["--option", "api_pipeline"], "needs a written reason; give one (on the CLI: --reason TEXT)."),
        ("P1", ["--option", "api_pipeline", "--reason", "x"], "is already recommended api_pipeline"),
        ("P2", ["--option", "moon", "--reason", "x"], "'moon' is not an option an override can choose"),
        ("P2", ["--defer", "2027-02-30"], "--defer takes a date as YYYY-MM-DD; got '2027-02-30'"),
        ("P2", ["--defer", "2001-01-01"], "is in the past"),
        (
            "P2",
            ["--accept", "--user", "vi@example.com"],
            "needs the editor role; vi@example.com is a viewer now",
        ),
        ("P2", ["--accept", "--user", "stranger"], "needs the editor role; stranger is a viewer now"),
        ("P2", ["--accept", "--user", " "], "--user needs a name"),
        ("P9", ["--accept"], "The scored snapshot has no pilot P9"),
    ],
)
def test_a_refused_decision_is_one_line_exit_2_and_writes_nothing(db, capsys, pilot, argv, expected):
    with PortfolioStore(db, read_only=True) as store:
        before = store.row_counts()
    line = _refused(capsys, "decide", "--db", db, "--portfolio", PORTFOLIO, pilot, *argv)
    assert line.startswith("kairo: ") and expected in line, line
    with PortfolioStore(db, read_only=True) as store:
        assert store.row_counts() == before


def test_sign_off_refusals(db, capsys):
    _run(capsys, "decide", "--db", db, "--portfolio", PORTFOLIO, "P1", "--accept", "--user", "ed@example.com")
    assert "needs the approver role; eve@example.com is an editor" in _refused(
        capsys, "approve", "--db", db, "1", "--user", "eve@example.com"
    )
    assert (
        _refused(capsys, "approve", "--db", db, "9")
        == "kairo: There is no decision 9; the decisions list shows them."
    )
    _run(capsys, "approve", "--db", db, "1", "--user", "ann@example.com")
    assert "is approved already" in _refused(capsys, "reject", "--db", db, "1", "--user", "alf@example.com")
    missing = _refused(capsys, "approve", "--db", db + ".missing", "1")
    assert (
        ('database "' in missing and "does not exist" in missing) if "://" in db else "no store at" in missing
    )


def test_audit_needs_the_approver_role_with_a_user_and_writes_csv(db, capsys, tmp_path):
    assert "Reading the audit trail needs the approver role; ed@example.com is an editor" in _refused(
        capsys, "audit", "--db", db, "--user", "ed@example.com"
    )
    output = tmp_path / "audit.csv"
    code, out, _ = _run(
        capsys, "audit", "--db", db, "--since", "2000-01-01", "-o", str(output), "--user", "ann@example.com"
    )
    assert code == 0 and out == [f"Wrote 1 audit row to {output}"]
    with output.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["action"] for r in rows] == ["import"]
    code, out, _ = _run(capsys, "audit", "--db", db, "--since", "2999-01-01")
    assert (code, out) == (0, ["  (none)"])
    assert "--since takes a date" in _refused(capsys, "audit", "--db", db, "--since", "yesterday")


def test_decisions_written_as_xlsx_and_csv(db, capsys, tmp_path):
    _run(
        capsys,
        "decide",
        "--db",
        db,
        "--portfolio",
        PORTFOLIO,
        "P3",
        "--option",
        "assisted_desktop",
        "--reason",
        "=HYPERLINK(x)",
        "--user",
        "ed@example.com",
    )
    book_path = tmp_path / "decisions.xlsx"
    code, out, _ = _run(capsys, "decisions", "--db", db, "--portfolio", PORTFOLIO, "-o", str(book_path))
    assert code == 0 and out == [f"Wrote 1 decision of '{PORTFOLIO}' to {book_path}"]
    sheet = openpyxl.load_workbook(book_path)["Decisions"]
    header, row = [c.value for c in sheet[1]], [c.value for c in sheet[2]]
    record = dict(zip(header, row, strict=True))
    assert record["Pilot"] == "HR chatbot"
    assert record["Decision taken"] == "Choose another option"
    assert record["Option"] == "Assisted desktop workflow"
    assert record["Reason"] == "=HYPERLINK(x)"  # kept as text, never a formula
    assert sheet.cell(row=2, column=header.index("Reason") + 1).data_type == "s"
    assert record["Proposed by"] == "ed@example.com"
    assert record["Status"] == "Awaiting sign-off"
    csv_path = tmp_path / "decisions.csv"
    assert _run(capsys, "decisions", "--db", db, "--portfolio", PORTFOLIO, "-o", str(csv_path))[0] == 0
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        [stored] = list(csv.DictReader(handle))
    assert (stored["kind"], stored["reason"]) == ("override", "'=HYPERLINK(x)")
    assert "written as .csv or .xlsx" in _refused(
        capsys, "decisions", "--db", db, "--portfolio", PORTFOLIO, "-o", str(tmp_path / "d.json")
    )
