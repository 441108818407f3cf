"""The executive's short lists and the pilot table that leads with the decision (issue 11)."""

from __future__ import annotations

import pandas as pd
import pytest

from kairo_scoring import (
    SHORTLIST_VERDICTS,
    Shortlist,
    anonymise,
    generate_portfolio,
    headline,
    pilot_table,
    readiness_basis,
    readiness_basis_texts,
    score,
    shortlist,
    shortlists,
)
from kairo_scoring.views.shortlists import SHORTLIST_COLUMNS
from tests.portfolio.fixtures import four_pilots, scored_four
from tests.scoring.helpers import ALL_THREES, pilot


@pytest.fixture(scope="module")
def scored():
    return scored_four()


def test_the_lists_hold_the_verdicts_promote_and_at_risk(scored):
    lists = shortlists(scored.table)
    assert list(lists) == ["promote_now", "at_risk"]
    assert SHORTLIST_VERDICTS == {"promote_now": "promote", "at_risk": "at_risk"}
    assert lists["promote_now"].pilots["pilot_id"].tolist() == ["B"]
    assert lists["at_risk"].pilots["pilot_id"].tolist() == ["C"]
    assert (lists["at_risk"].total, lists["at_risk"].total_value, lists["at_risk"].more) == (1, 3000.0, 0)
    assert list(lists["promote_now"].pilots.columns) == list(SHORTLIST_COLUMNS)


def test_a_list_is_the_most_valuable_first_and_counts_the_rest():
    # four more pilots just like B (promote to an assisted desktop), with other values
    b = four_pilots().set_index("pilot_id").loc["B"].to_dict()
    extra = [
        {**b, "pilot_id": pid, "name": name, "monthly_value": value}
        for pid, name, value in (
            ("B2", "Two", 500),
            ("B0", "Zero", 500),
            ("B9", "Nine", None),
            ("B5", "Five", 50),
        )
    ]
    table = score(pd.concat([four_pilots(), pd.DataFrame(extra)], ignore_index=True)).table
    top = shortlist(table, "promote", n=3)
    assert isinstance(top, Shortlist)
    # by value, ties by pilot_id, an unknown value last
    assert top.pilots["pilot_id"].tolist() == ["B0", "B2", "B"]
    assert (top.total, top.more, top.total_value) == (5, 2, 1250.0)
    everyone = shortlist(table, "promote", n=10)
    assert everyone.pilots["pilot_id"].tolist() == ["B0", "B2", "B", "B5", "B9"]
    assert everyone.more == 0
    nobody = shortlist(table, "simplify")
    assert (nobody.total, nobody.more, nobody.total_value, len(nobody.pilots)) == (0, 0, 0.0, 0)


def test_the_lists_count_what_the_headline_counts():
    table = score(generate_portfolio(400, seed=3, unknown_rate=0.1)).table
    figures = headline(table)
    lists = shortlists(table, n=5)
    assert lists["promote_now"].total == figures.ready_to_promote > 5
    assert lists["at_risk"].total == figures.at_risk > 5
    for listed in lists.values():
        assert len(listed.pilots) == 5 and listed.more == listed.total - 5
        assert (table.set_index("pilot_id").loc[listed.pilots["pilot_id"], "verdict"] == listed.verdict).all()


def test_in_presentation_mode_the_lists_show_aliases(scored):
    shown = shortlists(anonymise(scored.table))
    assert shown["promote_now"].pilots["name"].tolist() == ["Pilot 002"]  # B is the second id
    assert shown["at_risk"].pilots["name"].tolist() == ["Pilot 003"]
    assert shown["at_risk"].pilots["pilot_id"].tolist() == ["C"]  # still opens the pilot


def test_the_pilot_table_leads_with_the_decision_and_the_value_it_is_sorted_by(scored):
    rows, _ = pilot_table(scored.table)
    assert list(rows.columns[:5]) == ["name", "verdict", "recommended", "monthly_value", "next_step"]
    assert rows["monthly_value"].tolist()[:3] == [3000, 1000, 200]
    # readiness keeps its range and basis beside it, and the id stays for opening a pilot
    assert list(rows.columns[5:10]) == [
        "readiness",
        "readiness_low",
        "readiness_high",
        "readiness_answers",
        "readiness_answers_total",
    ]
    assert "pilot_id" in rows.columns


def test_readiness_basis_says_how_many_answers_and_the_range():
    table = score(
        pd.DataFrame([pilot("two", ownership=5, controls=5), pilot("all", **ALL_THREES), pilot("none")])
    )
    table = table.table.set_index("pilot_id")
    assert readiness_basis(table.loc["two"]) == "from 2 of 8 answers; 20–100 with the rest"
    assert readiness_basis(table.loc["all"]) == "from all 8 answers"
    assert readiness_basis(table.loc["none"]) == "from 0 of 8 answers; 0–100 with the rest"
    assert readiness_basis({"readiness": 50.0}) == ""  # scored before the range existed
    texts = readiness_basis_texts(table)
    assert texts.index.tolist() == ["two", "all", "none"]
    assert texts["two"] == "from 2 of 8 answers; 20–100 with the rest"
