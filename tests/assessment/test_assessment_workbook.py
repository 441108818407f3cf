"""The assessment workbook as written: sheets, header rows, locks, validation, prefills,
deciding questions first, the hidden About sheet, the index and the all-or-nothing export."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pandas as pd
import pytest

from kairo_scoring import (
    ANSWER_FIELDS,
    GROUPINGS,
    AssessmentPlan,
    OutputError,
    StoreError,
    assessment_zip,
    plan_assessment,
    workbook_bytes,
    write_assessment,
)
from tests.assessment.conftest import MADE, PORTFOLIO
from tests.assessment.helpers import keys, validations

PREFILLED, DECIDING = "FFDDEBF7", "FFFFF2CC"


def _rows(sheet) -> dict[str, int]:
    columns = keys(sheet)
    return {sheet.cell(r, columns["pilot_id"]).value: r for r in range(3, sheet.max_row + 1)}


def test_one_workbook_per_owner_and_an_index(workbooks, tmp_path):
    assert set(workbooks) == {"Ana", "Ben", "(no owner)"}
    index = pd.read_csv(tmp_path / "out" / "index.csv")
    assert list(index["respondent"]) == ["Ana", "Ben", "(no owner)"]
    assert list(index["pilots"]) == [3, 1, 1]
    assert list(index["file"]) == [workbooks[r].name for r in index["respondent"]]
    assert (index["by"] == "owner").all()


def test_by_business_unit(store, profile, tmp_path):
    plan = plan_assessment(store, PORTFOLIO, profile, by="business_unit", made_at=MADE)
    assert isinstance(plan, AssessmentPlan) and plan.by == "business_unit"
    assert dict(zip(plan.index["respondent"], plan.index["pilots"], strict=True)) == {
        "Claims": 2,
        "Finance": 1,
        "Risk": 1,
        "Service": 1,
    }
    assert GROUPINGS == ("owner", "business_unit")


def test_the_workbook_layout(workbooks, profile):
    book = openpyxl.load_workbook(workbooks["Ana"])
    assert book.sheetnames == ["Instructions", "Answers", "Rubric", "About"]
    assert [s.sheet_state for s in book] == ["visible", "visible", "visible", "hidden"]
    answers = book["Answers"]
    columns = keys(answers)
    assert list(columns)[:5] == ["pilot_id", "name", "business_unit", "owner", "deciding_questions"]
    assert set(list(columns)[5:]) == set(ANSWER_FIELDS)
    assert answers.cell(1, 1).value == "Pilot ID" and answers.cell(1, columns["controls"]).value == "Controls"
    assert answers.cell(2, 1).font.sz == 8  # the small grey key row
    assert answers.protection.sheet is True and answers.protection.password is None
    rows = _rows(answers)
    assert list(rows) == ["P1", "P2", "P3"]
    for pilot, row in rows.items():
        for key in ("pilot_id", "name", "business_unit", "owner"):
            assert answers.cell(row, columns[key]).protection.locked, (pilot, key)
        for key in ANSWER_FIELDS:
            assert not answers.cell(row, columns[key]).protection.locked, (pilot, key)
    about = {r[0]: r[1] for r in book["About"].iter_rows(max_col=2, values_only=True) if r[0]}
    assert about["portfolio"] == PORTFOLIO
    assert about["profile_name"] == profile.name and about["profile_version"] == str(profile.version)
    assert about["profile_hash"] == profile.content_hash
    assert about["made_at"] == MADE.isoformat()
    assert about["respondent"] == "Ana" and about["snapshot_id"].isdigit()
    listed = [r[0] for r in book["About"].iter_rows(min_row=2, min_col=4, max_col=4, values_only=True)]
    assert [p for p in listed if p] == ["P1", "P2", "P3"]


def test_every_answer_cell_has_the_rubrics_validation(workbooks, profile):
    book = openpyxl.load_workbook(workbooks["Ana"])
    answers = book["Answers"]
    columns = keys(answers)
    rules = validations(book)
    for field in ANSWER_FIELDS:
        rule = rules[columns[field]]
        assert {(r, columns[field]) for r in range(3, 6)} <= rule["cells"], field
        if profile.rubric.choices_for(field):
            assert rule["type"] == "list"
            assert rule["formula1"].startswith("Rubric!")  # a range: texts hold commas
            assert len(rule["options"]) == len(profile.rubric.choices_for(field))
        else:
            minimum = {"monthly_volume": "0", "users": "1", "monthly_value": "0"}[field]
            assert (rule["operator"], rule["formula1"]) == ("greaterThanOrEqual", minimum)
            assert rule["type"] == ("decimal" if field == "monthly_value" else "whole")
    assert rules[columns["process_maturity"]]["options"][2] == "3 — documented and mostly followed"


def test_known_values_are_prefilled_and_deciding_questions_come_first(workbooks, store, profile):
    book = openpyxl.load_workbook(workbooks["Ana"])
    answers = book["Answers"]
    columns = keys(answers)
    p1 = _rows(answers)["P1"]
    controls = answers.cell(p1, columns["controls"])
    assert controls.value == "3 — approvals and permissions in place"
    assert controls.fill.fgColor.rgb == PREFILLED and controls.font.i
    assert answers.cell(p1, columns["risk_level"]).value.startswith("Low — ")
    plan = plan_assessment(store, PORTFOLIO, profile, made_at=MADE)
    asked = plan.pilots.set_index("pilot_id").at["P1", "questions"]
    assert asked, "P1 is undecided"
    for field in asked:
        assert answers.cell(p1, columns[field]).fill.fgColor.rgb == DECIDING, field
    answer_keys = list(columns)[5:]
    ana = plan.pilots[plan.pilots["owner"] == "Ana"]
    counts = {f: sum(f in q for q in ana["questions"]) for f in ANSWER_FIELDS}
    asked_fields = [f for f in answer_keys if counts[f]]
    assert answer_keys[: len(asked_fields)] == asked_fields  # every asked field before the others
    assert [counts[f] for f in asked_fields] == sorted((counts[f] for f in asked_fields), reverse=True)


def test_a_formula_looking_name_stays_text(tmp_path, profile):
    from kairo_scoring import PortfolioStore, store_profile_version
    from tests.assessment.conftest import import_register

    with PortfolioStore(tmp_path / "k.duckdb") as store:
        store_profile_version(store, profile)
        import_register(store, tmp_path, 'pilot_id,name,owner\nX1,"=HYPERLINK(""http://x"")",Ana\n', "Evil")
        plan = plan_assessment(store, "Evil", profile)
        data = workbook_bytes(plan, plan.index["file"].iloc[0])
    answers = openpyxl.load_workbook(io.BytesIO(data))["Answers"]
    assert answers.cell(3, 2).value == '=HYPERLINK("http://x")'
    assert answers.cell(3, 2).data_type == "s" and answers.cell(3, 2).quotePrefix


def test_the_zip_holds_every_workbook_and_the_index(store, profile):
    plan = plan_assessment(store, PORTFOLIO, profile, made_at=MADE)
    with zipfile.ZipFile(io.BytesIO(assessment_zip(plan))) as archive:
        assert sorted(archive.namelist()) == sorted([*plan.index["file"], "index.csv"])


def test_export_refuses_a_missing_folder_and_an_unknown_portfolio(store, profile, tmp_path):
    plan = plan_assessment(store, PORTFOLIO, profile, made_at=MADE)
    with pytest.raises(OutputError, match="does not exist"):
        write_assessment(plan, tmp_path / "nowhere")
    with pytest.raises(StoreError, match="no snapshot of portfolio 'Nope'"):
        plan_assessment(store, "Nope", profile)
