"""The validation report grouped by kind of problem, column and value, with counts, and the
sentence each group reads as; every issue in exactly one group."""

from __future__ import annotations

import pandas as pd
import pytest

from kairo_scoring import (
    FIELDS,
    ISSUE_COLUMNS,
    ISSUE_GROUP_COLUMNS,
    IssueGroups,
    field_meaning,
    issue_group_sentence,
    issue_group_sentences,
    issue_groups,
    read_portfolio,
)
from kairo_scoring.cli import main

# Excel rows 2–7; 'Yes' twice and 'No' once in a 1–5 column, a bad count, a missing name.
REGISTER = (
    b"Pilot name,Unit,Ctrl maturity,Users\n"
    b"Invoice bot,Finance,Yes,x\n"
    b"Contract review,Legal,No,3\n"
    b"HR helper,HR,Yes,-1\n"
    b"Triage,IT,3,2\n"
    b",IT,3,2\n"
    b"Mail sorter,Ops,n/a,2\n"
)


def _issues(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(ISSUE_COLUMNS))
    return frame.astype({"row": "Int64"})


def test_a_register_s_problems_are_grouped_by_kind_column_and_value_with_counts():
    result = read_portfolio(REGISTER, filename="r.csv", column_overrides={"controls": "Ctrl maturity"})
    grouped = issue_groups(result.issues, result.column_mapping)
    assert isinstance(grouped, IssueGroups)
    groups = grouped.groups
    assert list(groups.columns) == list(ISSUE_GROUP_COLUMNS)
    shown = [
        (g.severity, g.code, g.column, g.field, g.value, g.rows, g.first_row) for g in groups.itertuples()
    ]
    assert shown == [
        ("error", "missing_name", "Pilot name", "name", "", 1, 6),
        ("warning", "not_a_score", "Ctrl maturity", "controls", "Yes", 2, 2),
        ("warning", "not_a_number", "Users", "users", "x", 1, 2),
        ("warning", "not_a_score", "Ctrl maturity", "controls", "No", 1, 3),
        ("warning", "below_minimum", "Users", "users", "-1", 1, 4),
        ("info", "no_id_column", "", pd.NA, "", 1, pd.NA),
        ("info", "not_applicable", "Ctrl maturity", "controls", "n/a", 1, 7),
    ]
    cells = grouped.cells_of(int(groups.loc[groups["value"] == "Yes", "group"].iloc[0]))
    assert list(cells.columns) == list(ISSUE_COLUMNS)
    assert cells["row"].tolist() == [2, 4]  # rows as the source counts them (header is row 1)
    assert set(cells["column"]) == {"Ctrl maturity"} and set(cells["value"]) == {"Yes"}


def test_every_issue_is_in_exactly_one_group_and_the_counts_add_up():
    result = read_portfolio(REGISTER, filename="r.csv", column_overrides={"controls": "Ctrl maturity"})
    grouped = issue_groups(result.issues, result.column_mapping)
    assert int(grouped.groups["rows"].sum()) == len(result.issues)
    pd.testing.assert_frame_equal(grouped.cells.drop(columns="group"), result.issues)  # nothing lost
    regrouped = pd.concat([grouped.cells_of(g) for g in grouped.groups["group"]], ignore_index=True)
    assert len(regrouped) == len(result.issues)


def test_the_largest_group_of_a_severity_comes_first_and_each_group_is_one_value():
    issues = _issues(
        [
            ("Q1", 5, "Risk", "huge", "not a risk level", "unknown_category", "warning"),
            ("Q1", 2, "Score", "Yes", "not a 1–5 score", "not_a_score", "warning"),
            ("Q2", 3, "Score", "Yes", "not a 1–5 score", "not_a_score", "warning"),
            ("Q2", 4, "Score", "yes", "not a 1–5 score", "not_a_score", "warning"),  # another answer
            ("Q1", 9, "Name", "", "no name", "missing_name", "error"),
        ]
    )
    groups = issue_groups(issues).groups
    assert groups[["code", "value", "rows"]].values.tolist() == [
        ["missing_name", "", 1],
        ["not_a_score", "Yes", 2],  # across the two sheets
        ["unknown_category", "huge", 1],
        ["not_a_score", "yes", 1],
    ]
    assert groups["field"].isna().all()  # no mapping given: no field named
    assert groups["group"].tolist() == [0, 1, 2, 3]


def test_a_group_whose_sentences_differ_keeps_the_most_frequent_and_counts_the_others():
    issues = _issues(
        [
            (None, 3, "ID", "P1", "duplicate of row 2", "duplicate_id", "error"),
            (None, 4, "ID", "P1", "duplicate of row 2", "duplicate_id", "error"),
            (None, 6, "ID", "P1", "duplicate of row 5", "duplicate_id", "error"),
        ]
    )
    group = issue_groups(issues).groups.iloc[0]
    assert (group["reason"], group["reasons"], group["rows"]) == ("duplicate of row 2", 2, 3)
    assert issue_group_sentence(group.to_dict()) == (
        "ID: 'P1' in 3 rows — duplicate of row 2 (and 1 other reason: see the cells)"
    )


def test_an_empty_report_has_no_group():
    empty = read_portfolio(b"name\nInvoice bot\n", filename="r.csv").issues.iloc[0:0]
    grouped = issue_groups(empty)
    assert grouped.groups.empty and list(grouped.groups.columns) == list(ISSUE_GROUP_COLUMNS)
    assert grouped.groups.dtypes["rows"] == "int64" and grouped.cells.empty


def test_a_report_without_codes_stored_before_them_is_still_grouped():
    old = pd.DataFrame({"row": pd.array([2, 3], dtype="Int64"), "column": "Score", "value": "Yes"})
    old["reason"] = "not a 1–5 score"
    groups = issue_groups(old).groups
    assert groups[["column", "value", "rows"]].values.tolist() == [["Score", "Yes", 2]]


@pytest.mark.parametrize(
    ("group", "sentence"),
    [
        (
            {
                "column": "controls",
                "field": "controls",
                "value": "Yes",
                "rows": 37,
                "reason": "not a 1–5 score",
            },
            "controls: 'Yes' in 37 rows — not a 1–5 score",
        ),
        (
            {
                "column": "Ctrl maturity",
                "field": "controls",
                "value": "Yes",
                "rows": 1,
                "reason": "not a 1–5 score",
            },
            "Ctrl maturity (Controls): 'Yes' in 1 row — not a 1–5 score",
        ),
        (
            {"column": "Pilot name", "field": "name", "value": "", "rows": 4, "reason": "no name"},
            "Pilot name: empty in 4 rows — no name",
        ),
        (
            {"column": "Users", "field": pd.NA, "value": "x" * 50, "rows": 2, "reason": "not a number"},
            f"Users: '{'x' * 40}…' in 2 rows — not a number",
        ),
        (
            {
                "column": "",
                "field": pd.NA,
                "value": "",
                "rows": 1,
                "reason": "the file has no pilot ID column",
            },
            "The file has no pilot ID column",
        ),
    ],
)
def test_a_group_reads_as_one_sentence(group, sentence):
    assert issue_group_sentence({"reasons": 1, **group}) == sentence


def test_the_sentences_follow_the_groups_order():
    result = read_portfolio(REGISTER, filename="r.csv", column_overrides={"controls": "Ctrl maturity"})
    groups = issue_groups(result.issues, result.column_mapping).groups
    sentences = issue_group_sentences(groups)
    assert sentences.index.equals(groups.index)
    assert sentences.iloc[1] == "Ctrl maturity (Controls): 'Yes' in 2 rows — not a 1–5 score; set to unknown"


def test_every_field_has_a_readable_meaning_that_says_what_it_holds():
    meanings = {f.name: field_meaning(f.name) for f in FIELDS}
    assert meanings["controls"] == "Approvals, permissions, logging and audit are in place — a 1–5 score"
    assert (
        meanings["risk_level"] == "Harm if the workflow gets it wrong — one of: Low, Medium, High, Critical"
    )
    assert meanings["users"] == "People who work in the workflow — a whole number, 1 or more"
    assert meanings["name"] == "The pilot's name — text, required"
    assert "required" not in meanings["pilot_id"]  # derived when the source has none
    assert all(f.name not in meanings[f.name] for f in FIELDS if "_" in f.name)  # no field codes


def test_kairo_validate_prints_the_problems_counted_by_column_and_value(tmp_path, capsys):
    source = tmp_path / "register.csv"
    source.write_bytes(REGISTER.replace(b"Ctrl maturity", b"Controls"))
    assert main(["validate", str(source), "--limit", "2"]) == 0
    printed = capsys.readouterr().out.splitlines()
    start = printed.index("Problems by column and value (7 groups):")
    assert printed[start + 1 : start + 4] == [
        "  Pilot name: empty in 1 row — no name: a pilot needs a name",
        "  Controls: 'Yes' in 2 rows — not a 1–5 score; set to unknown",
        "  … and 5 more",
    ]
