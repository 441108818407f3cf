"""How readiness moves when the scoring model changes (issue 11): the distribution before and
after, the largest movers, and what the model does with weights that do not sum to 1."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kairo_scoring import (
    ProfileError,
    default_profile,
    present,
    profile_impact,
    revise_profile,
    sample_portfolio,
    score,
    weight_shares,
    weights_note,
)
from tests.portfolio.fixtures import four_pilots
from tests.scoring.helpers import portfolios

charts = present.figures
NAN = float("nan")


def _frame(rows):
    return pd.DataFrame(rows, columns=["pilot_id", "name", "recommended", "verdict", "readiness"])


BEFORE = _frame(
    [
        ("P1", "One", "assisted_desktop", "promote", 50.0),
        ("P2", "Two", "api_pipeline", "hold", 80.0),
        ("P3", "Three", None, "needs_data", NAN),
        ("P4", "Four", "assisted_desktop", "promote", 40.0),
        ("P5", "Five", "assisted_desktop", "promote", 60.0),
        ("P6", "Six", "shared_workspace", "hold", 70.0),
    ]
)
AFTER = _frame(
    [
        ("P1", "Alias one", "assisted_desktop", "promote", 58.0),  # +8
        ("P2", "Alias two", "api_pipeline", "at_risk", 70.0),  # -10
        ("P3", "Alias three", None, "needs_data", NAN),  # unknown both sides: not a mover
        ("P4", "Alias four", "assisted_desktop", "promote", 48.0),  # +8, ties P1: after it
        ("P5", "Alias five", "assisted_desktop", "promote", 60.0 + 1e-12),  # float noise only
        ("P6", "Alias six", "shared_workspace", "hold", NAN),  # became unknown: not a mover
    ]
)


def test_the_largest_movers_by_hand():
    impact = profile_impact(BEFORE, AFTER)
    assert impact.readiness_moved == 3
    expected = pd.DataFrame(
        {
            "pilot_id": ["P2", "P1", "P4"],
            "name": ["Two", "One", "Four"],  # names come from `before`
            "readiness_before": [80.0, 50.0, 40.0],
            "readiness_after": [70.0, 58.0, 48.0],
            "readiness_delta": [-10.0, 8.0, 8.0],
            "verdict_before": ["hold", "promote", "promote"],
            "verdict_after": ["at_risk", "promote", "promote"],
        }
    ).astype({"name": object, "verdict_before": object, "verdict_after": object})
    pd.testing.assert_frame_equal(impact.movers, expected)


def test_movers_keep_only_the_top_n():
    impact = profile_impact(BEFORE, AFTER, movers=2)
    assert impact.movers["pilot_id"].tolist() == ["P2", "P1"]
    assert impact.readiness_moved == 3  # the count is of every pilot that moved
    assert profile_impact(BEFORE, AFTER, movers=0).movers.empty


def test_the_readiness_distribution_by_hand():
    before = pd.Series([0.0, 9.4, 9.6, 55.0, 100.0, NAN])
    after = pd.Series([10.0, 19.4, 19.6, 99.6, 100.0, 42.0])
    impact = profile_impact(
        _frame([(f"P{i}", f"P{i}", None, "hold", b) for i, b in enumerate(before)]),
        _frame([(f"P{i}", f"P{i}", None, "hold", a) for i, a in enumerate(after)]),
    )
    dist = impact.distribution
    assert dist["band_low"].tolist()[:10] == [0, 10, 20, 30, 40, 50, 60, 70, 80, 90]
    assert dist["band_high"].tolist()[:10] == [9, 19, 29, 39, 49, 59, 69, 79, 89, 100]
    # 9.6 reads 10, so it counts in 10–19; 100 is in the last band; the unknown row is last
    assert dist["pilots_before"].tolist() == [2, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1]
    assert dist["pilots_after"].tolist() == [0, 2, 1, 0, 1, 0, 0, 0, 0, 2, 0]
    assert np.isnan(dist["band_low"].iloc[-1]) and np.isnan(dist["band_high"].iloc[-1])


def test_the_distribution_has_no_unknown_band_when_every_readiness_is_known():
    table = score(four_pilots()).table
    dist = profile_impact(table, table).distribution
    assert len(dist) == 10 and not dist["band_low"].isna().any()
    assert dist["pilots_before"].sum() == dist["pilots_after"].sum() == 4


def test_a_weight_change_moves_readiness_and_a_threshold_change_does_not():
    base = default_profile()
    table = score(sample_portfolio(), base).table
    heavier = revise_profile(base, name="default", version=2, weights={**base.weights, "governance": 0.9})
    moved = profile_impact(table, score(sample_portfolio(), heavier).table)
    assert moved.readiness_moved > 0
    assert len(moved.movers) == min(10, moved.readiness_moved)
    shifts = moved.movers["readiness_delta"].abs().tolist()
    assert shifts == sorted(shifts, reverse=True)
    assert moved.distribution["pilots_before"].sum() == moved.distribution["pilots_after"].sum() == 80

    stricter = revise_profile(base, name="default", version=2, demand={"api_pipeline_min_volume": 500})
    still = profile_impact(table, score(sample_portfolio(), stricter).table)
    assert still.readiness_moved == 0 and still.movers.empty
    assert still.distribution["pilots_before"].tolist() == still.distribution["pilots_after"].tolist()


@settings(max_examples=40, deadline=None)
@given(portfolio=portfolios(max_size=12), factor=st.floats(0.01, 50))
def test_weights_are_used_by_their_proportions_only(portfolio, factor):
    """What the weights note says: the model divides the weights by their sum, so scaling
    every weight alike moves no pilot's readiness (nor its range)."""
    base = default_profile()
    scaled = revise_profile(
        base, name="scaled", version=1, weights={d: w * factor for d, w in base.weights.items()}
    )
    before, after = score(portfolio, base).table, score(portfolio, scaled).table
    assert profile_impact(before, after).readiness_moved == 0
    for column in ("readiness", "readiness_low", "readiness_high"):
        np.testing.assert_allclose(after[column], before[column], rtol=0, atol=1e-6)


def test_weight_shares_by_hand():
    shares = weight_shares({"workflow": 0.5, "governance": 1.0, "standards": 0.0, "value": 0.5})
    assert shares.total == 2.0 and not shares.sums_to_one and shares.usable
    assert shares.shares == {"workflow": 0.25, "governance": 0.5, "standards": 0.0, "value": 0.25}
    assert shares.off == ("standards",)
    assert weight_shares(default_profile().weights).sums_to_one  # 0.25 + 0.30 + 0.15 × 3 in floats
    nothing = weight_shares({"workflow": 0.0, "value": 0.0})
    assert not nothing.usable and nothing.shares == {"workflow": 0.0, "value": 0.0}


def test_the_weights_note_explains_weights_that_do_not_sum_to_one():
    assert weights_note(default_profile().weights) == (
        "The weights add up to 1, so each is its dimension's share of readiness: Workflow 25%, "
        "Governance 30%, Standards 15%, Integration 15%, Value 15%."
    )
    assert weights_note({"workflow": 0.5, "governance": 1.0, "standards": 0.0, "value": 0.5}) == (
        "The weights add up to 2, not 1. The model accepts them and divides each by their sum, so only "
        "their proportions count: readiness is Workflow 25%, Governance 50%, Value 25%. A weight of 0 "
        "leaves Standards out of readiness."
    )
    assert "add up to 0.999, not 1" in weights_note({"workflow": 0.499, "value": 0.5})


def test_the_weights_note_says_when_the_model_refuses_the_weights():
    zero = {d: 0.0 for d in default_profile().weights}
    note = weights_note(zero)
    assert note.startswith("Every weight is 0") and "refuses" in note
    with pytest.raises(ProfileError, match="at least one weight must be above 0"):
        revise_profile(default_profile(), name="x", version=1, weights=zero)


def test_the_readiness_shift_chart_is_valid_and_counts_every_pilot():
    impact = profile_impact(BEFORE, AFTER)
    figure = charts.readiness_shift_chart(impact.distribution, before="Now <b>v1</b>", after="With these")
    validated = go.Figure(figure.to_dict())  # raises on any invalid property
    before, after = validated.data
    assert before.name == "Now &lt;b&gt;v1&lt;/b&gt;"  # profile labels are the user's text
    assert list(before.x)[0] == "0–9" and list(before.x)[-2] == "90–100" and list(before.x)[-1] == "unknown"
    assert sum(before.y) == sum(after.y) == len(BEFORE)
    assert list(after.y)[-1] == 2  # P3 and P6 have no readiness after
