"""Property tests (hypothesis) for the invariants of the readiness model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kairo_scoring.schema import CURRENT_MODES, RISK_LEVELS, SCORE_FIELDS
from kairo_scoring.scoring import FIT_COLUMNS, PARALLEL_FROM, score
from kairo_scoring.synthetic import generate_portfolio
from tests.scoring.helpers import comparable, level, pilots, score_one

MONOTONE = ("readiness", "supply_level", *FIT_COLUMNS.values())


def not_lower(before, after) -> bool:
    if pd.isna(before):
        return True  # readiness unknown before: nothing to lower
    return after >= before - 1e-9


@settings(max_examples=150, deadline=None)
@given(pilots(), st.sampled_from(SCORE_FIELDS), st.data())
def test_raising_a_field_never_lowers_readiness_supply_or_fit(row, field, data):
    if row[field] is None or row[field] >= 5:
        row[field] = data.draw(st.integers(1, 4))
    raised = {**row, field: data.draw(st.floats(row[field], 5, allow_nan=False))}
    before, after = score_one(row), score_one(raised)
    for column in MONOTONE:
        assert not_lower(before[column], after[column]), column


@settings(max_examples=150, deadline=None)
@given(pilots(), st.data())
def test_lowering_risk_never_lowers_readiness_supply_or_fit(row, data):
    rank = data.draw(st.integers(1, 3))
    row["risk_level"] = RISK_LEVELS[rank]
    lowered = {**row, "risk_level": RISK_LEVELS[data.draw(st.integers(0, rank - 1))]}
    before, after = score_one(row), score_one(lowered)
    for column in MONOTONE:
        assert not_lower(before[column], after[column]), column


@settings(max_examples=200, deadline=None)
@given(pilots())
def test_recommended_never_exceeds_demand_or_supply(row):
    result = score_one(row)
    lightest, heaviest = level(result["recommended_lightest"]), level(result["recommended_heaviest"])
    assert lightest <= heaviest
    # supply_level is what it can surely govern: the lightest recommendation never exceeds it
    assert lightest <= result["supply_level"]
    if pd.notna(result["demand"]):
        assert heaviest <= level(result["demand"])
    if result["recommended"] == "undecided":
        return
    assert level(result["recommended"]) <= result["supply_level"]
    if pd.notna(result["demand"]):
        assert level(result["recommended"]) <= level(result["demand"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(pilots(), min_size=2, max_size=12), st.randoms(use_true_random=False))
def test_alone_equals_inside_portfolio_and_order_does_not_matter(rows, rnd):
    for i, row in enumerate(rows):
        row["pilot_id"] = f"p{i}"
    together = score(pd.DataFrame(rows)).table.set_index("pilot_id")
    shuffled_rows = rows[:]
    rnd.shuffle(shuffled_rows)
    shuffled = score(pd.DataFrame(shuffled_rows)).table.set_index("pilot_id")
    for row in rows:
        alone = comparable(score_one(row).drop("pilot_id"))
        assert comparable(together.loc[row["pilot_id"]]) == alone
        assert comparable(shuffled.loc[row["pilot_id"]]) == alone


@settings(max_examples=150, deadline=None)
@given(pilots(), st.data())
def test_a_decided_verdict_holds_for_every_completion_of_the_unknowns(row, data):
    verdict = score_one(row)["verdict"]
    if verdict == "needs_data":
        return
    completed = dict(row)
    for field in SCORE_FIELDS:
        if completed[field] is None:
            completed[field] = data.draw(st.integers(1, 5))
    if completed["risk_level"] is None:
        completed["risk_level"] = data.draw(st.sampled_from(RISK_LEVELS))
    if completed["current_mode"] is None:
        completed["current_mode"] = data.draw(st.sampled_from(CURRENT_MODES))
    if completed["monthly_volume"] is None:
        completed["monthly_volume"] = data.draw(st.integers(0, 50_000))
    if completed["users"] is None:
        completed["users"] = data.draw(st.integers(1, 500))
    assert score_one(completed)["verdict"] == verdict


@settings(max_examples=100, deadline=None)
@given(pilots())
def test_fully_known_pilots_never_need_data(row):
    for field in SCORE_FIELDS:
        row[field] = row[field] if row[field] is not None else 3
    row.update(
        risk_level=row["risk_level"] or "low",
        current_mode=row["current_mode"] or "none",
        monthly_volume=row["monthly_volume"] if row["monthly_volume"] is not None else 10,
        users=row["users"] or 1,
    )
    result = score_one(row)
    assert result["verdict"] != "needs_data"
    assert result["completeness"] == 100


@pytest.mark.parametrize("size", [10_000, PARALLEL_FROM + 5_000], ids=["10000", "threaded"])
def test_any_pilot_scored_alone_equals_its_row_in_a_10000_pilot_portfolio(size):
    # The second size takes the two-thread path that large portfolios use.
    portfolio = generate_portfolio(size, seed=11, unknown_rate=0.1)
    table = score(portfolio).table
    picks = np.random.default_rng(3).choice(len(portfolio), 60, replace=False)
    for position in picks:
        alone = score(portfolio.iloc[[position]]).table.iloc[0]
        assert comparable(alone) == comparable(table.iloc[position])


def test_scoring_a_scored_table_again_gives_the_same_table():
    first = score(generate_portfolio(500, seed=3)).table
    again = score(first).table
    assert list(again.columns) == list(first.columns)  # no duplicate "verdict", "recommended", …
    pd.testing.assert_frame_equal(again, first)
