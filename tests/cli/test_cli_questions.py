"""`kairo questions` and `kairo score --db`: the deciding questions of a register or a stored
snapshot, and a stored snapshot scored as a file is."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from kairo_scoring import (
    PILOT_QUESTION_COLUMNS,
    PortfolioStore,
    deciding_questions,
    default_profile,
    field_label,
    question_labels,
    questions_sentence,
    read_portfolio,
    score,
)
from kairo_scoring.cli import main
from tests.conftest import REPO

SAMPLE = REPO / "data" / "sample_portfolio.xlsx"
# A profile under which the sample's demand questions weigh differently than the shipped one.
STRICT = {"demand": {"shared_workspace_min_volume": 10}}


def _expected(profile=None) -> pd.DataFrame:
    pilots = read_portfolio(SAMPLE).pilots
    return deciding_questions(score(pilots, profile or default_profile())).pilots


def _labels(fields) -> str:
    assert question_labels(fields) == "; ".join(field_label(f) for f in fields)
    return question_labels(fields)


@pytest.fixture
def stored(tmp_path):
    """A store holding the sample as snapshot 1 of 'Sample', imported with the strict profile."""
    db = tmp_path / "kairo.duckdb"
    profile_path = tmp_path / "strict.toml"
    profile_path.write_text(default_profile().revised(STRICT).to_toml())
    assert (
        main(
            ["import", str(SAMPLE), "--db", str(db), "--portfolio", "Sample", "--profile", str(profile_path)]
        )
        == 0
    )
    return db


def test_questions_of_a_register_print_the_headline_and_write_every_pilot_s_questions(tmp_path, capsys):
    output = tmp_path / "questions.csv"
    assert main(["questions", str(SAMPLE), "-o", str(output)]) == 0
    printed = capsys.readouterr().out
    expected = _expected()
    scored = score(read_portfolio(SAMPLE).pilots, default_profile())
    assert questions_sentence(deciding_questions(scored).headline()) in printed
    assert "Questions:" in printed and "Who to ask:" in printed and "Decides alone" in printed
    written = pd.read_csv(output, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(written.columns) == list(PILOT_QUESTION_COLUMNS)
    assert list(PILOT_QUESTION_COLUMNS) == [
        "pilot_id",
        "name",
        "owner",
        "business_unit",
        "questions",
        "exact",
    ]
    assert len(written) == len(expected) > 0
    assert written["pilot_id"].tolist() == expected["pilot_id"].tolist()
    assert written["questions"].tolist() == [_labels(q) for q in expected["questions"]]  # in order, as labels
    assert set(written["exact"]) <= {"True", "False"}


def test_questions_of_a_stored_snapshot_use_its_recorded_profile_and_write_xlsx(stored, tmp_path, capsys):
    output = tmp_path / "questions.xlsx"
    assert main(["questions", "--db", str(stored), "--portfolio", "Sample", "-o", str(output)]) == 0
    expected = _expected(default_profile().revised(STRICT))
    assert _expected()["questions"].tolist() != expected["questions"].tolist()  # the profile matters here
    sheet = openpyxl.load_workbook(output, read_only=True)["Questions"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Pilot ID", "Name", "Owner", "Business unit")
    assert [r[0] for r in rows[1:]] == expected["pilot_id"].tolist()
    assert [r[4] for r in rows[1:]] == [_labels(q) for q in expected["questions"]]


def test_questions_with_nothing_undecided_say_so(tmp_path, capsys):
    pilots = read_portfolio(SAMPLE).pilots
    decided = score(pilots, default_profile()).table
    keep = (
        ~decided["verdict"].eq("needs_data").to_numpy() & ~decided["recommended"].eq("undecided").to_numpy()
    )
    register = tmp_path / "decided.csv"
    pilots[keep].drop(columns="source_row").to_csv(register, index=False)
    assert main(["questions", str(register)]) == 0
    assert "Every pilot is decided: no question to ask." in capsys.readouterr().out


def _answer(db, value: float) -> int:
    with PortfolioStore(db) as store:
        answers = pd.DataFrame(
            {"pilot_id": ["KP-006"], "field": ["users"], "value": [value], "kind": ["app"]}
        )
        return store.save_answers(1, answers, source_name="app").snapshot.snapshot_id


def test_score_db_scores_the_latest_snapshot_by_default_and_an_older_one_on_request(stored, tmp_path, capsys):
    assert _answer(stored, 40.0) == 2
    latest, older = tmp_path / "latest.csv", tmp_path / "older.csv"
    assert main(["score", "--db", str(stored), "-o", str(latest)]) == 0
    assert (
        main(["score", "--db", str(stored), "--portfolio", "Sample", "--snapshot", "1", "-o", str(older)])
        == 0
    )
    now = pd.read_csv(latest).set_index("pilot_id")
    before = pd.read_csv(older).set_index("pilot_id")
    assert now.loc["KP-006", "users"] == 40 and pd.isna(before.loc["KP-006", "users"])
    # Scored with the profile recorded with the snapshot (the answers snapshot's base), not the shipped one.
    strict = default_profile().revised(STRICT)
    assert set(now["profile_version"]) == {strict.version} and set(now["profile"]) == {strict.name}
    expected = score(read_portfolio(SAMPLE).pilots, strict).table.set_index("pilot_id")
    assert before["verdict"].to_dict() == expected["verdict"].astype(str).to_dict()


def test_score_db_xlsx_has_the_same_sheets_as_scoring_a_file_plus_provenance(stored, tmp_path):
    _answer(stored, 40.0)
    from_db, from_file = tmp_path / "db.xlsx", tmp_path / "file.xlsx"
    assert main(["score", "--db", str(stored), "-o", str(from_db)]) == 0
    assert main(["score", str(SAMPLE), "-o", str(from_file)]) == 0
    stored_book = openpyxl.load_workbook(from_db, read_only=True)
    file_sheets = openpyxl.load_workbook(from_file, read_only=True).sheetnames
    assert [s for s in stored_book.sheetnames if s != "Provenance"] == file_sheets
    rows = list(stored_book["Provenance"].iter_rows(values_only=True))
    assert rows[0] == ("Pilot ID", "Field", "Kind", "Source", "Recorded at")
    answered = [r for r in rows[1:] if r[0] == "KP-006" and r[1] == field_label("users")]
    assert len(answered) == 1 and answered[0][2] == "app" and answered[0][3].startswith("app: open mode, ")


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (
            ["score", "--db", "{db}", "--snapshot", "99", "-o", "{out}.csv"],
            "has no snapshot 99: check --snapshot",
        ),
        (["score", "--db", "{db}", "--portfolio", "Nope", "-o", "{out}.csv"], "has no portfolio 'Nope'"),
        (["score", str(SAMPLE), "--db", "{db}", "-o", "{out}.csv"], "not both or neither"),
        (["questions"], "not both or neither"),
        (["questions", str(SAMPLE), "-o", "{out}.parquet"], "written as .csv or .xlsx"),
        (["questions", "--db", "{db}", "-o", "{db}"], "written as .csv or .xlsx"),
    ],
)
def test_refusals_exit_2_with_one_line(stored, tmp_path, capsys, args, reason):
    argv = [a.format(db=stored, out=tmp_path / "out") for a in args]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert reason in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_questions_output_never_replaces_an_input(tmp_path, capsys):
    register = tmp_path / "register.csv"
    read_portfolio(SAMPLE).pilots.drop(columns="source_row").to_csv(register, index=False)
    before = register.read_bytes()
    assert main(["questions", str(register), "-o", str(register)]) == 2
    assert "is the input" in capsys.readouterr().err and register.read_bytes() == before
