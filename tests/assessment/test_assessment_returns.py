"""Assessment returns, good and bad: each gets its documented outcome (`ReturnCode`), and the
store holds nothing that was not reported as applied."""

from __future__ import annotations

import io
import shutil

import openpyxl
import pandas as pd
import pytest

from kairo_scoring import (
    CODE_MEANINGS,
    REPORT_COLUMNS,
    AccessDenied,
    Actor,
    AssessmentReturns,
    ReturnCode,
    ReturnsSummary,
    ReturnStatus,
    StoreError,
    read_returns,
    rejected_csv,
    rejected_xlsx,
    save_returns,
)
from tests.assessment.conftest import LATER, MADE, PORTFOLIO, export, import_register
from tests.assessment.helpers import cell_of, set_cells

ANSWERED = {"answered", "corrected", "conflict_applied"}


def _changed(store, before_id: int, after_id: int) -> dict[tuple[str, str], object]:
    """Every (pilot, field) whose value or provenance differs between two snapshots."""
    before = store.load_pilots(before_id).set_index("pilot_id")
    after = store.load_pilots(after_id).set_index("pilot_id")
    assert list(before.index) == list(after.index)
    p_before = store.load_provenance(before_id).set_index(["pilot_id", "field"])
    p_after = store.load_provenance(after_id).set_index(["pilot_id", "field"])
    out = {}
    for field in [c for c in before.columns if c != "source_row"]:
        for pid in before.index:
            a, b = before.at[pid, field], after.at[pid, field]
            same_value = pd.isna(a) and pd.isna(b) or (not pd.isna(a) and not pd.isna(b) and a == b)
            key = (pid, field)
            pa = tuple(p_before.loc[key, ["kind", "source"]].fillna("")) if key in p_before.index else None
            pb = tuple(p_after.loc[key, ["kind", "source"]].fillna("")) if key in p_after.index else None
            if not same_value or pa != pb:
                out[key] = b
    return out


def _save_and_check(store, returns, profile) -> dict[tuple[str, str], object]:
    """Save; the store's changes are exactly the report's applied rows. Returns the changes."""
    base = returns.base_snapshot_id
    saved = save_returns(store, returns, profile=profile)
    applied = returns.report[returns.report["status"] == ReturnStatus.APPLIED]
    if saved is None:
        assert applied.empty
        assert store.latest_snapshot_id(PORTFOLIO) == base
        return {}
    changed = _changed(store, base, saved.snapshot.snapshot_id)
    assert set(changed) == set(zip(applied["pilot_id"], applied["field"], strict=True))
    assert set(applied["code"]) <= ANSWERED
    return changed


def _codes(returns) -> list[tuple]:
    report = returns.report.fillna("")
    return sorted((r.file.split("_")[-1], r.code, r.pilot_id, r.field) for r in report.itertuples())


def test_answers_land_as_one_snapshot_with_assessment_provenance(store, profile, workbooks):
    set_cells(
        workbooks["Ana"],
        {
            ("P2", "process_maturity"): "4 — documented, followed, measured",
            ("P2", "monthly_volume"): 250,
            ("P2", "risk_level"): "High — an error reaches customers, citizens or money decisions",
            ("P3", "users"): 12,
        },
    )
    before = len(store.snapshots(PORTFOLIO))
    returns = read_returns(store, PORTFOLIO, [workbooks["Ana"]], profile)
    assert isinstance(returns, AssessmentReturns) and isinstance(returns.summary, ReturnsSummary)
    assert list(returns.report.columns) == list(REPORT_COLUMNS)
    assert returns.summary.answers_applied == 4 and returns.summary.corrections == 0
    assert set(returns.report["code"]) == {"answered"}
    changed = _save_and_check(store, returns, profile)
    assert changed == {
        ("P2", "process_maturity"): 4.0,
        ("P2", "monthly_volume"): 250.0,
        ("P2", "risk_level"): "high",
        ("P3", "users"): 12.0,
    }
    assert len(store.snapshots(PORTFOLIO)) == before + 1
    latest = store.latest_snapshot_id(PORTFOLIO)
    provenance = store.load_provenance(latest).set_index(["pilot_id", "field"])
    row = provenance.loc[("P2", "process_maturity")]
    assert (row["kind"], row["respondent"], row["source"], row["sheet"]) == (
        "assessment",
        "Ana",
        workbooks["Ana"].name,
        "Answers",
    )
    assert provenance.loc[("P1", "controls"), "kind"] == "register"  # prefilled, left alone


def test_a_changed_prefill_is_a_correction(store, profile, workbooks):
    set_cells(workbooks["Ana"], {("P1", "controls"): "4 — plus logging and periodic audit"})
    returns = read_returns(store, PORTFOLIO, [workbooks["Ana"]], profile)
    row = returns.report.iloc[0]
    assert (row["code"], row["pilot_id"], row["field"], bool(row["correction"])) == (
        "corrected",
        "P1",
        "controls",
        True,
    )
    assert returns.summary.corrections == 1
    assert _save_and_check(store, returns, profile) == {("P1", "controls"): 4.0}


def test_bad_cells_are_rejected_one_by_one_and_the_rest_of_the_row_counts(store, profile, workbooks):
    path = workbooks["Ana"]
    set_cells(
        path,
        {
            ("P2", "process_maturity"): 7,
            ("P2", "monthly_volume"): "lots",
            ("P2", "users"): 0,
            ("P2", "controls"): "3 — approvals and permissions in place",
            ("P3", "monthly_value"): -5,
            ("P3", "monthly_volume"): "1200",  # a number typed as text still reads as one
        },
    )
    returns = read_returns(store, PORTFOLIO, [path], profile)
    bad = returns.report[returns.report["code"] == ReturnCode.BAD_VALUE].set_index("field")
    assert set(bad.index) == {"process_maturity", "monthly_volume", "users", "monthly_value"}
    assert bad.at["process_maturity", "value"] == "7"
    assert bad.at["process_maturity", "cell"] == cell_of(path, "P2", "process_maturity")
    assert (bad["sheet"] == "Answers").all()
    assert "not one of its answers" in bad.at["process_maturity", "reason"]
    assert "is text, not a number" in bad.at["monthly_volume", "reason"]
    assert "below 1" in bad.at["users", "reason"]
    assert returns.summary.rejected == 4
    assert len(returns.rejected()) == 4
    changed = _save_and_check(store, returns, profile)
    assert changed == {("P2", "controls"): 3.0, ("P3", "monthly_volume"): 1200.0}


def test_a_deleted_row_is_reported_and_the_others_apply(store, profile, workbooks):
    path = workbooks["Ana"]
    set_cells(path, {("P2", "users"): 3, ("P3", "users"): 4})
    book = openpyxl.load_workbook(path)
    book["Answers"].delete_rows(4)  # P2's row
    book.save(path)
    returns = read_returns(store, PORTFOLIO, [path], profile)
    assert [(r.code, r.pilot_id) for r in returns.report.itertuples() if r.code != "answered"] == [
        ("missing_row", "P2")
    ]
    assert _save_and_check(store, returns, profile) == {("P3", "users"): 4.0}


def test_an_edited_pilot_id_is_not_applied(store, profile, workbooks):
    path = workbooks["Ana"]
    set_cells(path, {("P2", "users"): 3, ("P3", "users"): 4, ("P1", "users"): 5})
    book = openpyxl.load_workbook(path)
    sheet = book["Answers"]
    sheet["A4"] = "P2-NEW"  # not in the portfolio
    sheet["A5"] = "P4"  # another owner's pilot
    book.save(path)
    returns = read_returns(store, PORTFOLIO, [path], profile)
    codes = {(r.code, r.pilot_id) for r in returns.report.itertuples()}
    assert codes == {
        ("answered", "P1"),
        ("unknown_pilot", "P2-NEW"),
        ("locked_changed", "P4"),
        ("missing_row", "P2"),
        ("missing_row", "P3"),
    }
    assert returns.summary.rows_refused == 2
    assert _save_and_check(store, returns, profile) == {("P1", "users"): 5.0}


def test_a_changed_locked_name_is_not_applied(store, profile, workbooks):
    path = workbooks["Ana"]
    set_cells(path, {("P2", "users"): 3, ("P2", "name"): "Something else"})
    returns = read_returns(store, PORTFOLIO, [path], profile)
    row = returns.report.iloc[0]
    assert (row["code"], row["pilot_id"]) == ("locked_changed", "P2")
    assert "Name reads 'Something else', not 'Letter drafting'" in row["reason"]
    assert _save_and_check(store, returns, profile) == {}


def test_a_blank_sheet_a_foreign_file_and_another_portfolios_workbook(store, profile, workbooks, tmp_path):
    blank = tmp_path / "blank.xlsx"
    shutil.copy(workbooks["Ben"], blank)
    book = openpyxl.load_workbook(blank)
    book["Answers"].delete_rows(3, book["Answers"].max_row)
    book.save(blank)
    empty = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(empty)
    not_xlsx = ("notes.xlsx", b"this is not a workbook")
    import_register(store, tmp_path, "pilot_id,name,owner\nQ1,Other,Ana\n", "Other")
    other = export(store, profile, tmp_path / "other", portfolio="Other")["Ana"]
    set_cells(other, {("Q1", "users"): 3})
    returns = read_returns(store, PORTFOLIO, [blank, empty, not_xlsx, other], profile)
    assert sorted(zip(returns.report["file"], returns.report["code"], strict=True)) == [
        ("assessment_ana.xlsx", "other_portfolio"),
        ("blank.xlsx", "blank_sheet"),
        ("empty.xlsx", "not_assessment"),
        ("notes.xlsx", "not_assessment"),
    ]
    assert "import it into that portfolio" in returns.report.set_index("code").at["other_portfolio", "reason"]
    assert returns.summary.workbooks == 4 and returns.summary.workbooks_refused == 4
    assert not returns.changed
    assert save_returns(store, returns, profile=profile) is None


def test_the_same_workbook_twice_and_again_later_changes_nothing(store, profile, workbooks, tmp_path):
    path = workbooks["Ben"]
    set_cells(path, {("P4", "users"): 9})
    copy = tmp_path / "copy_of_ben.xlsx"
    shutil.copy(path, copy)
    returns = read_returns(store, PORTFOLIO, [path, copy], profile)
    assert _codes(returns) == [
        ("ben.xlsx", "answered", "P4", "users"),
        ("ben.xlsx", "duplicate_workbook", "", ""),
    ]
    assert _save_and_check(store, returns, profile) == {("P4", "users"): 9.0}
    snapshots = len(store.snapshots(PORTFOLIO))

    again = read_returns(store, PORTFOLIO, [path], profile)
    assert list(again.report["code"]) == ["unchanged"]
    assert not again.changed
    assert "Nothing changed" in " ".join(again.summary.lines())
    assert save_returns(store, again, profile=profile) is None
    assert len(store.snapshots(PORTFOLIO)) == snapshots


def test_conflicting_workbooks_the_later_made_applies(store, profile, tmp_path):
    early = export(store, profile, tmp_path / "early", made_at=MADE)["Ana"]
    late = export(store, profile, tmp_path / "late", made_at=LATER)["Ana"]
    set_cells(early, {("P2", "users"): 3, ("P3", "users"): 7})
    set_cells(late, {("P2", "users"): 5, ("P3", "users"): 7})
    late_renamed = tmp_path / "ana_second_round.xlsx"
    late.rename(late_renamed)
    returns = read_returns(store, PORTFOLIO, [late_renamed, early], profile)
    report = returns.report.set_index(["file", "pilot_id", "field"])
    assert report.at[("ana_second_round.xlsx", "P2", "users"), "code"] == "conflict_applied"
    assert report.at[("assessment_ana.xlsx", "P2", "users"), "code"] == "conflict_overridden"
    for file in ("ana_second_round.xlsx", "assessment_ana.xlsx"):  # both values shown, both ways
        assert "ana_second_round.xlsx" in report.at[(file, "P2", "users"), "reason"]
        assert "assessment_ana.xlsx" in report.at[(file, "P2", "users"), "reason"]
    assert {
        report.at[("ana_second_round.xlsx", "P2", "users"), "value"],
        report.at[("assessment_ana.xlsx", "P2", "users"), "value"],
    } == {"5", "3"}
    assert report.at[("assessment_ana.xlsx", "P3", "users"), "code"] == "same_answer"
    assert returns.summary.conflicts == 1
    assert _save_and_check(store, returns, profile) == {("P2", "users"): 5.0, ("P3", "users"): 7.0}


def test_workbooks_made_at_the_same_moment_that_disagree_apply_neither(store, profile, tmp_path):
    first = export(store, profile, tmp_path / "a")["Ana"]
    second = export(store, profile, tmp_path / "b")["Ana"]
    set_cells(first, {("P2", "users"): 3})
    set_cells(second, {("P2", "users"): 5})
    returns = read_returns(store, PORTFOLIO, [first, second], profile)
    assert list(returns.report["code"]) == ["conflict_unresolved", "conflict_unresolved"]
    assert _save_and_check(store, returns, profile) == {}


def test_the_rejected_download_and_the_code_meanings(store, profile, workbooks):
    set_cells(workbooks["Ana"], {("P2", "users"): 2})
    book = openpyxl.load_workbook(workbooks["Ana"])
    cell = book["Answers"][cell_of(workbooks["Ana"], "P2", "process_maturity")]
    cell.value, cell.data_type = "=1+1", "s"  # text that a spreadsheet would run
    book.save(workbooks["Ana"])
    returns = read_returns(store, PORTFOLIO, [workbooks["Ana"]], profile)
    csv = rejected_csv(returns).decode("utf-8-sig")
    assert "bad_value" in csv and "'=1+1" in csv  # formula-safe
    sheet = openpyxl.load_workbook(io.BytesIO(rejected_xlsx(returns)))["Rejected"]
    assert [c.value for c in sheet[1]] == list(REPORT_COLUMNS)
    assert sheet.max_row == 2
    assert set(CODE_MEANINGS) == set(ReturnCode)


def test_a_newer_snapshot_or_a_viewer_refuses_the_save(store, profile, workbooks, tmp_path):
    set_cells(workbooks["Ben"], {("P4", "users"): 9})
    returns = read_returns(store, PORTFOLIO, [workbooks["Ben"]], profile)
    with pytest.raises(AccessDenied):
        save_returns(store, returns, profile=profile, actor=Actor())
    import_register(store, tmp_path, "pilot_id,name,owner\nP1,Claims triage,Ana\n", PORTFOLIO)
    with pytest.raises(StoreError, match="read the returns again"):
        save_returns(store, returns, profile=profile)


def test_a_return_over_the_register_size_limit_is_reported_not_read():
    from kairo_scoring.assessment.reading import _open
    from kairo_scoring.intake.limits import IntakeLimits

    book, reason = _open("huge.xlsx", b"PK\x03\x04" + b"\0" * (IntakeLimits().max_file_bytes + 1))
    assert book is None and "the limit is 50 MB" in reason


def test_the_about_sheet_is_hidden_and_protected(workbooks):
    import openpyxl

    about = openpyxl.load_workbook(workbooks["Ana"])["About"]
    assert about.sheet_state == "hidden" and about.protection.sheet
