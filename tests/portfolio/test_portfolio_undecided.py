"""Views over pilots whose recommendation is undecided: they are counted as undecided,
never as not ready, in the headline, the flows, snapshot comparisons and the what-if."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from kairo_scoring import compare_snapshots, headline, label_values, mode_flows, pilot_table, score, what_if
from tests.scoring.helpers import ALL_THREES, pilot


@pytest.fixture(scope="module")
def scored():
    return score(
        pd.DataFrame(
            [
                # ownership unknown: not ready or an assisted desktop, undecided.
                pilot("U", current_mode="none", monthly_volume=100, users=2, risk_level="low", monthly_value=500,
                      **{**ALL_THREES, "ownership": None, "value_evidence": 4}),
                # value evidence 2 fails an assisted gate: known not to be ready.
                pilot("N", current_mode="none", monthly_volume=100, users=2, risk_level="low", monthly_value=100,
                      **{**ALL_THREES, "value_evidence": 2}),
            ]
        )
    )  # fmt: skip


def test_headline_shares_count_the_undecided_pilot_as_undecided(scored):
    assert headline(scored.table).option_share == {
        "not_ready": 0.5,
        "assisted_desktop": 0.0,
        "shared_workspace": 0.0,
        "api_pipeline": 0.0,
        "undecided": 0.5,
    }


def test_flows_route_the_undecided_pilot_through_undecided(scored):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pandas deprecates values outside the categories
        flows = mode_flows(scored.table)
    now = flows[flows["step"] == "today→now"].set_index("target")["pilots"].to_dict()
    assert now == {"not_ready": 1, "undecided": 1}


def test_a_pilot_that_becomes_decided_is_an_undecided_movement_not_a_promotion(scored):
    later = score(scored.table.assign(ownership=[3, 3])[["pilot_id", "name", *ALL_THREES, "current_mode",
                                                          "monthly_volume", "users", "risk_level",
                                                          "monthly_value"]])  # fmt: skip
    movement = compare_snapshots(scored.table, later.table).pilots.set_index("pilot_id")["movement"]
    assert movement.to_dict() == {"N": "unchanged", "U": "undecided"}


def test_what_if_shows_the_recommendation_turn_from_undecided(scored):
    result = what_if(scored.pilot("U"), {"ownership": 3}, scored.profile)
    diff = result.diff.set_index("what")
    assert diff.loc["recommended", ["original", "what_if", "changed"]].tolist() == [
        "undecided",
        "assisted_desktop",
        True,
    ]
    assert diff.loc["recommended_lightest", ["original", "what_if"]].tolist() == [
        "not_ready",
        "assisted_desktop",
    ]
    assert diff.loc["recommended_heaviest", ["original", "what_if", "changed"]].tolist() == [
        "assisted_desktop",
        "assisted_desktop",
        False,
    ]


def test_the_pilot_table_labels_an_undecided_recommendation(scored):
    rows, _ = pilot_table(scored.table)
    shown = label_values(rows)  # "Keep piloting", not "Not ready": that is a verdict's name (issue 9)
    assert shown.set_index("pilot_id")["recommended"].to_dict() == {"U": "Undecided", "N": "Keep piloting"}
