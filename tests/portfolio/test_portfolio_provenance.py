"""The provenance views: one pilot's sources, answers arrived between snapshots, completeness trend."""

from __future__ import annotations

import pandas as pd
import pytest

from kairo_scoring.provenance import AnsweredPilots, answer_problem, apply_answers, provenance_of_pilots
from kairo_scoring.schema import SCORING_INPUTS, conform
from kairo_scoring.scoring import score
from kairo_scoring.views import AnswersArrived, answers_arrived, completeness_trend, pilot_provenance

WHEN = pd.Timestamp("2026-03-01 10:00", tz="UTC")


def _base():
    pilots = conform(
        pd.DataFrame(
            {
                "pilot_id": ["A", "B", "C"],
                "name": ["Invoices", "Contracts", "Chatbot"],
                "owner": ["ann", "bob", None],
                "stage": ["pilot", "pilot", "production"],
                "controls": [3.0, None, None],
                "source_row": [2, 3, 4],
            }
        )
    )
    provenance = provenance_of_pilots(
        pilots,
        source="r.xlsx",
        sheet="Pilots",
        column_mapping={"pilot_id": "ID", "name": "Name", "owner": "Owner", "stage": "Stage"},
        derivations={"controls": "controls floor"},
    )
    return pilots, provenance


def _answers(rows):
    return pd.DataFrame(
        [
            {
                "pilot_id": p,
                "field": f,
                "value": v,
                "kind": k,
                "source": s,
                "respondent": r,
                "recorded_at": WHEN,
            }
            for p, f, v, k, s, r in rows
        ]
    )


def test_a_pilot_s_provenance_says_which_values_are_answers():
    pilots, provenance = _base()
    answered = apply_answers(
        pilots, provenance, _answers([("A", "users", 5, "assessment", "ann.xlsx", "ann")])
    )
    shown = pilot_provenance(answered.provenance, "A")
    assert shown.index.tolist() == ["pilot_id", "name", "owner", "stage", "controls", "users"]
    assert shown["is_answer"].tolist() == [False, False, False, False, False, True]
    assert shown.loc["controls", "kind"] == "derived" and shown.loc["controls", "detail"] == "controls floor"


def test_answers_arrived_counts_per_field_respondent_and_owner():
    pilots, provenance = _base()
    first = apply_answers(pilots, provenance, _answers([("A", "users", 5, "assessment", "ann.xlsx", "ann")]))
    second = apply_answers(
        first.pilots,
        first.provenance,
        _answers(
            [
                ("B", "users", 8, "assessment", "bob.xlsx", "bob"),
                ("B", "controls", 2, "assessment", "bob.xlsx", "bob"),
                ("C", "users", 3, "app", "app", "ed@example.com"),
            ]
        ),
    )
    arrived = answers_arrived(first.provenance, second.provenance, second.pilots)
    assert isinstance(arrived, AnswersArrived) and arrived.total == 3  # A's answer was already there
    assert arrived.per_field.to_dict("list") == {
        "field": ["controls", "users"],
        "answers": [1, 2],
        "pilots": [1, 2],
    }
    assert arrived.per_respondent.to_dict("list") == {
        "respondent": ["bob", "ed@example.com"],
        "answers": [2, 1],
        "pilots": [1, 1],
    }
    per_owner = arrived.per_owner
    assert per_owner["owner"].tolist()[0] == "bob" and pd.isna(per_owner["owner"].tolist()[1])
    assert per_owner["answers"].tolist() == [2, 1]
    # From the register alone, every answer has arrived; nothing arrives between equal snapshots.
    assert answers_arrived(provenance, second.provenance).total == 4
    assert answers_arrived(second.provenance, second.provenance).total == 0


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("controls", 4, None),
        ("controls", 4.0, None),
        ("controls", 3.5, "Controls: 3.5 is not a whole score from 1 to 5"),
        ("controls", True, "Controls: True is not a number"),
        ("risk_level", "high", None),
        ("risk_level", "High", "Risk level: 'High' is not one of low, medium, high, critical"),
        ("users", 0, "Users: 0 is below 1"),
        ("monthly_volume", 2.5, "Monthly volume: 2.5 is not a whole number"),
        ("monthly_value", 1234.5, None),
        ("owner", "  ", "Owner: no value given"),
        ("owner", None, "Owner: no value given"),
        ("colour", "red", "'colour' is not a Kairo field"),
    ],
)
def test_an_answer_is_a_canonical_value(field, value, problem):
    assert answer_problem(field, value) == problem


def test_a_derived_value_replaced_by_an_answer_counts_as_an_answer_not_a_register_value():
    pilots, provenance = _base()
    answered = apply_answers(
        pilots, provenance, _answers([("A", "controls", 4, "assessment", "a.xlsx", "ann")])
    )
    assert isinstance(answered, AnsweredPilots) and answered.changed
    row = answered.provenance.set_index(["pilot_id", "field"]).loc[("A", "controls")]
    assert (row["kind"], row["respondent"]) == ("assessment", "ann")
    assert answered.outcomes["outcome"].tolist() == ["corrected"]


def test_completeness_trend_matches_scoring_and_splits_by_kind():
    pilots, provenance = _base()
    answered = apply_answers(
        pilots,
        provenance,
        _answers(
            [("A", "users", 5, "assessment", "a.xlsx", "ann"), ("B", "risk_level", "low", "app", "app", "ed")]
        ),
    )
    trend = completeness_trend({1: provenance, 2: answered.provenance})
    assert trend["snapshot_id"].tolist() == [1, 2]
    assert trend["pilots"].tolist() == [3, 3]
    # Scoring inputs known: controls of A (derived); then also A's users and B's risk level.
    assert trend["known_inputs"].tolist() == [1, 3]
    assert trend[["register", "derived", "assessment", "app"]].to_dict("list") == {
        "register": [0, 0],
        "derived": [1, 1],
        "assessment": [0, 1],
        "app": [0, 1],
    }
    for completeness, table in zip(trend["completeness"], (pilots, answered.pilots), strict=True):
        assert completeness == pytest.approx(score(table).table["completeness"].mean())
    assert trend.loc[1, "completeness"] == pytest.approx(100 * 3 / (3 * len(SCORING_INPUTS)))
