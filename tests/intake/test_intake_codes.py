"""Every issue carries a machine-readable code and severity beside its sentence; every code
is produced by some register; reports stored before codes still load."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from kairo_scoring import ISSUE_COLUMNS, IntakeResult, IssueCode, PortfolioStore, Severity, read_portfolio
from kairo_scoring.intake import mapping_from_toml
from kairo_scoring.intake.issues import IssueLog
from kairo_scoring.store import frames
from tests.store.downgrade import as_version
from tests.store.store_fixtures import make_result

# A profile with the inputs the default mappings do not have: extras and a practice score.
PROFILE = mapping_from_toml(
    'name = "codes"\nversion = 1\n'
    '[columns]\nname = ["name"]\nresponse = ["Response"]\n'
    'approved = ["Approved"]\ngo_live = ["Go-live"]\n'
    '[extras]\napproved = "yes_no"\ngo_live = "datetime"\n'
    '[values.credits]\n"partly" = 0.5\n'
    '[[derived]]\nfield = "controls"\nkind = "practice_score"\ninputs = ["response"]\n'
    'values = "credits"\nmin_known = 1\n'
)
# A profile whose answer map rejects a row: "withdrawn" in a 1–5 column.
REJECTING = mapping_from_toml(
    'name = "rejecting"\n[columns]\nname = ["name"]\ncontrols = ["controls"]\n[values.controls]\n"withdrawn" = "reject"\n'
)


def _csv(text: str, mapping=None) -> Callable[[], IntakeResult]:
    return lambda: read_portfolio(text.encode(), filename="register.csv", mapping=mapping)


def _xlsx(rows: list[list[object]], merge: str | None = None) -> Callable[[], IntakeResult]:
    def read() -> IntakeResult:
        workbook = openpyxl.Workbook()
        for row in rows:
            workbook.active.append(row)
        if merge:
            workbook.active.merge_cells(merge)
        buffer = io.BytesIO()
        workbook.save(buffer)  # openpyxl stores no calculated values for formulas
        return read_portfolio(buffer.getvalue(), filename="register.xlsx")

    return read


# code → (the smallest register that triggers it, its severity there)
TRIGGERS: dict[IssueCode, tuple[Callable[[], IntakeResult], Severity]] = {
    IssueCode.MISSING_NAME: (_csv("pilot_id,name\nP1,\nP2,B\n"), Severity.ERROR),
    IssueCode.DUPLICATE_ID: (_csv("pilot_id,name\nP1,A\np1,B\n"), Severity.ERROR),
    IssueCode.REJECTED_ANSWER: (_csv("name,controls\nA,withdrawn\nB,3\n", REJECTING), Severity.ERROR),
    IssueCode.NOT_A_SCORE: (_csv("name,controls\nA,lots\n"), Severity.WARNING),
    IssueCode.OUT_OF_RANGE_SCORE: (_csv("name,controls\nA,6\n"), Severity.WARNING),
    IssueCode.FRACTIONAL_SCORE: (_csv("name,controls\nA,3.5\n"), Severity.WARNING),
    IssueCode.PERCENT_SCORE: (_csv("name,controls\nA,80%\n"), Severity.WARNING),
    IssueCode.NOT_A_NUMBER: (_csv("name,users\nA,many\n"), Severity.WARNING),
    IssueCode.BELOW_MINIMUM: (_csv("name,monthly_volume\nA,-5\n"), Severity.WARNING),
    IssueCode.FRACTIONAL_COUNT: (_csv("name,users\nA,2.5\n"), Severity.WARNING),
    IssueCode.UNKNOWN_CATEGORY: (_csv("name,risk_level\nA,extreme\n"), Severity.WARNING),
    IssueCode.NOT_YES_NO: (_csv("name,Approved\nA,perhaps\n", PROFILE), Severity.WARNING),
    IssueCode.NOT_A_DATE: (_csv("name,Go-live\nA,soon\n", PROFILE), Severity.WARNING),
    IssueCode.IMPLAUSIBLE_DATE: (_csv("name,Go-live\nA,12\n", PROFILE), Severity.WARNING),
    IssueCode.IMPOSSIBLE_TIME: (_csv("name,Go-live\nA,2025-03-01 25:00\n", PROFILE), Severity.WARNING),
    IssueCode.UNKNOWN_ANSWER: (_csv("name,Response\nA,maybe\n", PROFILE), Severity.WARNING),
    IssueCode.AMBIGUOUS_NUMBER: (_csv("name;monthly_value\nA;1.000\n"), Severity.WARNING),
    IssueCode.UNDECODABLE_TEXT: (
        lambda: read_portfolio("name\nZürich\n".encode() + b"Caf\xe9\n", filename="register.csv"),
        Severity.WARNING,
    ),
    IssueCode.LEGACY_ENCODING: (
        lambda: read_portfolio("name\nCafé\n".encode("cp1252"), filename="register.csv"),
        Severity.INFO,
    ),
    IssueCode.LIKELY_DUPLICATE: (_csv("name,business_unit\nA,Ops\na,ops\n"), Severity.WARNING),
    IssueCode.NO_DATA_ROWS: (_csv("pilot_id,name\n"), Severity.WARNING),
    IssueCode.MERGED_CELLS: (
        _xlsx([["name", "business_unit"], ["A", "Ops"], ["B", None]], "B2:B3"),
        Severity.WARNING,
    ),
    IssueCode.UNCALCULATED_FORMULA: (_xlsx([["name", "controls"], ["A", "=1+2"]]), Severity.WARNING),
    IssueCode.UNNAMED_COLUMN: (_csv("name,\nA,5\n"), Severity.INFO),
    IssueCode.NOT_APPLICABLE: (_csv("name,controls\nA,n/a\n"), Severity.INFO),
    IssueCode.PLACEHOLDER_ID: (_csv("pilot_id,name\nTBD,A\n"), Severity.INFO),
    IssueCode.DERIVED_ID: (_csv("pilot_id,name\n,A\nP2,B\n"), Severity.INFO),
    IssueCode.NO_ID_COLUMN: (_csv("name\nA\n"), Severity.INFO),
    IssueCode.TOTALS_ROW: (_csv("pilot_id,name,users\nP1,A,3\n,Total,3\n"), Severity.INFO),
    IssueCode.SUGGESTED_COLUMN: (
        lambda: read_portfolio(
            b"Ref,Thing\n1,Invoice bot\n2,Triage helper\n3,Contract reader\n",
            filename="register.csv",
            accept_suggestions=True,
        ),
        Severity.INFO,
    ),
}


@pytest.mark.parametrize("code", list(IssueCode), ids=str)
def test_every_code_is_produced_by_a_register(code: IssueCode) -> None:
    read, severity = TRIGGERS[code]  # a new code needs a register here

    result = read()

    issues = result.issues
    found = issues[issues["code"] == code.value]
    assert len(found) == 1, issues
    assert found["severity"].tolist() == [severity.value]
    assert result.counts_by_code[code] == 1
    # Never empty, always a known code and severity, in every report.
    assert issues["code"].notna().all() and issues["code"].isin(list(IssueCode)).all()
    assert issues["severity"].isin(list(Severity)).all()


def test_the_code_sits_beside_the_sentence_as_text() -> None:
    result = TRIGGERS[IssueCode.DUPLICATE_ID][0]()

    assert list(result.issues.columns) == list(ISSUE_COLUMNS)
    assert ISSUE_COLUMNS.index("code") == ISSUE_COLUMNS.index("reason") + 1
    assert str(result.issues["code"].dtype) == "string"
    assert type(result.issues.loc[0, "code"]) is str  # the value, not the enum member


def test_an_empty_report_has_a_code_column() -> None:
    result = read_portfolio(b"pilot_id,name\nP1,A\n", filename="register.csv")

    assert result.issues.empty and list(result.issues.columns) == list(ISSUE_COLUMNS)
    assert result.counts_by_code == {}
    assert result.counts_by_severity == {Severity.ERROR: 0, Severity.WARNING: 0, Severity.INFO: 0}


def test_counts_per_code_and_per_severity() -> None:
    text = "pilot_id,name,controls,users\nP1,A,6,-1\nP1,B,n/a,x\nP3,,7,2\n"
    result = read_portfolio(text.encode(), filename="register.csv")

    assert result.counts_by_code == {
        IssueCode.OUT_OF_RANGE_SCORE: 2,
        IssueCode.BELOW_MINIMUM: 1,
        IssueCode.DUPLICATE_ID: 1,
        IssueCode.NOT_APPLICABLE: 1,
        IssueCode.NOT_A_NUMBER: 1,
        IssueCode.MISSING_NAME: 1,
    }
    assert next(iter(result.counts_by_code)) == IssueCode.OUT_OF_RANGE_SCORE  # most frequent first
    assert result.counts_by_code[IssueCode.NO_DATA_ROWS] == 0
    assert result.counts_by_severity == {Severity.ERROR: 2, Severity.WARNING: 4, Severity.INFO: 1}
    assert list(result.counts_by_severity) == [Severity.ERROR, Severity.WARNING, Severity.INFO]


def test_codes_and_severities_are_documented_and_stable() -> None:
    # Stored reports hold these values: they never change (reports before codes had these severities).
    assert [s.value for s in Severity] == ["error", "warning", "info"]
    assert len({code.value for code in IssueCode}) == len(IssueCode)
    for member in (*Severity, *IssueCode):
        assert member.value == member.name.lower()
        assert member.__doc__ and member.__doc__ != type(member).__doc__, member
        assert member.__doc__.rstrip().endswith("."), member


# --- reports stored before codes ---------------------------------------------------------


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()  # the store never creates folders
    return tmp_path / "data" / "kairo.duckdb"


def test_an_issue_row_without_a_code_decodes_with_a_missing_code() -> None:
    spec = [
        ("sheet", "object"),
        ("row", "Int64"),
        ("column", "object"),
        ("value", "object"),
        ("reason", "object"),
        ("severity", "object"),
    ]
    rows = pd.DataFrame(
        {
            "sheet": [None],
            "sheet_row": [3],
            "column_name": ["users"],
            "value_json": [json.dumps("x")],
            "reason": ["not a number; set to unknown"],
            "code": [None],  # NULL: a store migrated to version 3
            "severity": ["warning"],
        }
    )

    issues = frames.decode_issues(rows, spec)

    assert list(issues.columns) == list(ISSUE_COLUMNS)
    assert issues.loc[0, ["column", "value", "reason", "severity"]].tolist() == [
        "users",
        "x",
        "not a number; set to unknown",
        "warning",
    ]
    assert issues["code"].isna().all() and str(issues["code"].dtype) == "string"


def test_a_snapshot_stored_before_codes_still_loads(store_path: Path) -> None:
    result = read_portfolio(b"pilot_id,name,users\nP1,A,x\nP1,B,3\n", filename="register.csv")
    with PortfolioStore(store_path) as store:
        old = store.import_snapshot(result, portfolio="Acme")
    as_version(store_path, 2)

    with PortfolioStore(store_path) as migrated:
        issues = migrated.load_issues(old.snapshot_id)
        new = migrated.import_snapshot(make_result(content_hash="sha256:new"), portfolio="Acme")
        new_issues = migrated.load_issues(new.snapshot_id)

    assert list(issues.columns) == list(ISSUE_COLUMNS)
    assert issues["code"].isna().all()
    others = [name for name in ISSUE_COLUMNS if name != "code"]
    pd.testing.assert_frame_equal(issues[others], result.issues[others])
    # Snapshots stored after the migration keep their codes.
    assert new_issues["code"].tolist() == make_result().issues["code"].tolist()


def test_codes_round_trip_through_the_store(store_path: Path) -> None:
    result = TRIGGERS[IssueCode.DUPLICATE_ID][0]()
    with PortfolioStore(store_path) as store:
        info = store.import_snapshot(result, portfolio="Acme")
        loaded = store.load_issues(info.snapshot_id)

    pd.testing.assert_frame_equal(loaded, result.issues)
    assert loaded["code"].tolist() == ["duplicate_id"]


def test_a_problem_reported_without_a_code_fails_at_once() -> None:
    log = IssueLog("Pilots")

    with pytest.raises(ValueError, match="not IssueCode values"):
        log.add([2, 3], "users", ["x", "y"], "not a number", Severity.WARNING, [IssueCode.NOT_A_NUMBER, None])
    with pytest.raises(ValueError, match="not Severity values"):
        log.add([2], "users", ["x"], "not a number", ["fatal"], IssueCode.NOT_A_NUMBER)


def test_the_code_summary_explains_each_code_reported() -> None:
    text = "pilot_id,name,controls\nP1,A,6\nP2,B,7\nP3,C,n/a\n"
    result = read_portfolio(text.encode(), filename="register.csv")

    expected = pd.DataFrame(
        {
            "code": pd.array(["out_of_range_score", "not_applicable"], dtype="string"),
            "issues": pd.array([2, 1], dtype="int64"),
            "meaning": pd.array(
                [IssueCode.OUT_OF_RANGE_SCORE.__doc__, IssueCode.NOT_APPLICABLE.__doc__], dtype="string"
            ),
        }
    )
    pd.testing.assert_frame_equal(result.code_summary(), expected)
