"""What answers mean: value maps in the mapping TOML (a score, unknown, or reject the row),
set from the Intake page through ``mapping_with_values``, and the answers summary and preview
the page shows. Nothing is guessed: an answer no map names stays unknown with a warning."""

from __future__ import annotations

import pandas as pd
import pytest

from kairo_scoring import (
    IssueCode,
    ProfileError,
    answer_choices,
    answer_target,
    load_mapping,
    mapping_from_toml,
    mapping_to_toml,
    mapping_with_values,
    preview_answers,
    read_portfolio,
)
from kairo_scoring.intake import ANSWER_SUMMARY_COLUMNS, AnswerPreview

PMO_SHEET = (
    b"Pilot name,Unit,Controls,Ownership,Risk\n"
    b"Invoice bot,Finance,Yes,H,L\n"
    b"Contract review,Legal,No,M,M\n"
    b"HR helper,HR,yes,L,H\n"
    b"Triage,IT,Y,withdrawn,L\n"
    b"Mail sorter,Ops,4,N,M\n"
)
TOML = """
name = "pmo"
[columns]
name = ["Pilot name"]
business_unit = ["Unit"]
controls = ["Controls"]
ownership = ["Ownership"]
risk_level = ["Risk"]
[values.controls]
"yes" = 4
"y" = 4
"no" = 1
[values.ownership]
"h" = 4
"m" = 3
"l" = 2
"n" = ""
"withdrawn" = "reject"
[values.risk_level]
"l" = "low"
"m" = "medium"
"h" = "high"
"""


def _read(mapping=None):
    return read_portfolio(PMO_SHEET, filename="pmo.csv", mapping=mapping)


def test_without_a_map_yes_no_and_h_m_l_in_score_columns_stay_unknown_with_a_warning() -> None:
    result = _read()

    not_scores = result.issues[result.issues["code"] == IssueCode.NOT_A_SCORE]
    assert len(not_scores) == 9  # 4 yes/no answers and 5 letters: none guessed
    assert result.pilots["controls"].isna().tolist() == [True, True, True, True, False]


def test_a_mapping_toml_says_what_answers_mean_score_unknown_or_reject() -> None:
    result = _read(mapping_from_toml(TOML))

    assert result.pilots["name"].tolist() == ["Invoice bot", "Contract review", "HR helper", "Mail sorter"]
    assert result.pilots["controls"].tolist() == [4.0, 1.0, 4.0, 4.0]
    assert result.pilots["ownership"].tolist()[:3] == [4.0, 3.0, 2.0]
    assert pd.isna(result.pilots["ownership"].iloc[3])  # "N" means unknown here: no warning
    assert result.pilots["risk_level"].tolist() == ["low", "medium", "high", "medium"]
    assert result.rejected["source_row"].tolist() == [5]
    assert "rejects the answer 'withdrawn'" in result.rejected["reject_reason"].iloc[0]
    codes = result.counts_by_code
    assert codes[IssueCode.REJECTED_ANSWER] == 1 and codes[IssueCode.NOT_A_SCORE] == 0
    assert result.total_rows == 5


@pytest.mark.parametrize(
    ("entry", "key"),
    [
        ('[values.controls]\n"yes" = 7\n', "values.controls.yes"),
        ('[values.controls]\n"yes" = 3.5\n', "values.controls.yes"),
        ('[values.controls]\n"yes" = "high"\n', "values.controls.yes"),
        ('[values.score]\n"gold" = 0\n', "values.score.gold"),
        ('[values.stage]\n"live" = "running"\n', "values.stage.live"),
    ],
)
def test_a_map_target_that_is_no_value_of_its_field_is_refused_naming_the_key(entry: str, key: str) -> None:
    with pytest.raises(ProfileError) as raised:
        mapping_from_toml(f'name = "bad"\n{entry}')
    assert raised.value.key == key


def test_reject_is_refused_in_a_derivation_map() -> None:
    text = (
        'name = "bad"\n[columns]\nato = ["ATO"]\n[values.credits]\n"waived" = "reject"\n'
        '[[derived]]\nfield = "controls"\nkind = "map"\ninputs = ["ato"]\nvalues = "credits"\n'
    )
    with pytest.raises(ProfileError, match="rejects rows in a field's own map"):
        mapping_from_toml(text)


def test_meanings_set_on_the_page_join_the_profile_and_round_trip_through_toml() -> None:
    canonical = load_mapping("canonical")
    profile = mapping_with_values(canonical, {"controls": {"Yes": 4, "No": 1, "gone": "reject"}})

    assert profile.value_map("controls")["yes"] == 4  # keys as the map looks them up
    assert profile.value_map("controls")["high"] == 4  # the shared five-point words are kept
    assert "yes" not in profile.value_map("ownership")  # only the column it was set for
    assert mapping_from_toml(mapping_to_toml(profile)) == profile
    result = _read(profile)
    assert result.pilots["controls"].tolist()[:3] == [4.0, 1.0, 4.0]


def test_a_bad_meaning_from_the_page_is_a_profile_error() -> None:
    with pytest.raises(ProfileError):
        mapping_with_values(load_mapping("canonical"), {"controls": {"yes": 9}})
    with pytest.raises(ProfileError):
        mapping_with_values(load_mapping("canonical"), {"not_a_field": {"yes": 1}})


def test_the_answers_summary_lists_each_distinct_answer_with_its_cells_and_reading() -> None:
    answers = _read().answers

    assert tuple(answers.columns) == ANSWER_SUMMARY_COLUMNS
    controls = answers[answers["field"] == "controls"].set_index("key")
    assert controls.loc["yes", "cells"] == 2  # "Yes" and "yes" are one answer for the map
    assert controls.loc["yes", "answer"] in ("Yes", "yes")
    assert controls.loc["yes", "reads_as"] == "unknown" and controls.loc["yes", "code"] == "not_a_score"
    assert controls.loc["4", "reads_as"] == "4" and controls.loc["4", "code"] == ""
    assert list(controls.index[:3]) != ["4"]  # unusable answers first
    risk = answers[answers["field"] == "risk_level"].set_index("key")
    assert risk.loc["m", "reads_as"] == "medium"  # the canonical L/M/H map


def test_the_preview_counts_the_cells_each_choice_fixes() -> None:
    answers = _read().answers

    preview = preview_answers(answers, "controls", {"yes": "4", "no": "1"})

    assert preview == AnswerPreview(fixed=3, marked_unknown=0, rejected=0, changed=3, still_unusable=1)
    ownership = preview_answers(answers, "ownership", {"h": "4", "n": "unknown", "withdrawn": "reject"})
    assert (ownership.fixed, ownership.marked_unknown, ownership.rejected, ownership.still_unusable) == (
        1,
        1,
        1,
        2,
    )


def test_the_choices_for_an_answer() -> None:
    assert answer_choices("controls") == ("1", "2", "3", "4", "5", "unknown", "reject")
    assert answer_choices("stage")[:2] == ("idea", "pilot")
    assert [answer_target("controls", c) for c in ("4", "unknown", "reject")] == [4, "", "reject"]
    assert answer_target("stage", "pilot") == "pilot"
