"""Why this option, in sentences built from the scored result (issue 11).

Hand-built pilots scored with the default profile (demand: an API workflow pipeline from
2,000 cases a month, a shared AI workspace from 300 cases or 8 users); the expected
sentences are written out by hand.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings

from kairo_scoring import OptionReasons, engine, option_reasons
from kairo_scoring.present.labels import option_label
from kairo_scoring.profile import default_profile
from kairo_scoring.scoring import score
from tests.scoring.helpers import ALL_FIVES, pilot, portfolios

PIPELINE_DEMAND = dict(monthly_volume=38_300, users=14)


def reasons(profile=None, **fields):
    scored = score(pd.DataFrame([pilot("p", risk_level="low", current_mode="none", **fields)]), profile)
    return option_reasons(scored, "p")


def test_demand_above_the_pipeline_threshold_is_the_reason_with_its_numbers():
    why = reasons(**ALL_FIVES, **PIPELINE_DEMAND)
    assert why.target == "Target: API workflow pipeline, because monthly volume 38,300 is at least 2,000."
    assert why.governable == "What it can govern today: API workflow pipeline."
    assert why.recommended == (
        "Recommended now: API workflow pipeline: the target, and the heaviest option it can govern."
    )


def test_the_heaviest_option_has_no_next_gate():
    why = reasons(**ALL_FIVES, **PIPELINE_DEMAND)
    assert isinstance(why, OptionReasons)
    assert why.next_option is None
    assert why.sentences == (why.target, why.governable, why.recommended)


def test_demand_below_every_threshold_names_each_one():
    why = reasons(**ALL_FIVES, monthly_volume=120, users=3)
    assert why.target == (
        "Target: Assisted desktop workflow, because users 3 is below 8 and monthly volume 120 is below 300."
    )
    # It could govern more, but the workflow does not need it: demand, not a gate, stops it.
    assert (
        why.recommended == "Recommended now: Assisted desktop workflow: the target, and it can be governed."
    )
    assert why.next_option == "Shared AI workspace is not needed: the target is Assisted desktop workflow."


def test_a_workspace_target_says_what_it_reached_and_what_it_stays_below():
    why = reasons(**ALL_FIVES, monthly_volume=450, users=12)
    assert why.target == (
        "Target: Shared AI workspace, because users 12 is at least 8 "
        "and monthly volume 450 is at least 300 but below 2,000."
    )
    assert why.next_option == "API workflow pipeline is not needed: the target is Shared AI workspace."


def test_the_first_failed_gate_stops_the_next_option():
    # The example: controls 3 governs a shared workspace, not an API pipeline.
    why = reasons(**{**ALL_FIVES, "controls": 3}, **PIPELINE_DEMAND)
    assert why.governable == "What it can govern today: Shared AI workspace."
    assert why.recommended == (
        "Recommended now: Shared AI workspace: the heaviest option it can govern today; the target needs more."
    )
    assert why.next_option == "Controls is 3; an API workflow pipeline needs at least 4."


def test_more_failed_gates_are_counted_after_the_first():
    why = reasons(**{**ALL_FIVES, "controls": 3, "io_stability": 2}, **PIPELINE_DEMAND)
    assert (
        why.next_option == "I/O stability is 2; an API workflow pipeline needs at least 4 (and 1 more gate)."
    )


def test_an_unknown_gate_reads_as_unknown():
    why = reasons(**{**ALL_FIVES, "controls": None}, **PIPELINE_DEMAND)
    assert why.recommended == (
        "Recommended now: Undecided, from Assisted desktop workflow to API workflow pipeline "
        "depending on the unknown answers."
    )
    assert why.next_option == "Controls is unknown; a shared AI workspace needs at least 3."


def test_a_gate_open_only_because_risk_is_unknown_says_so():
    fields = {**ALL_FIVES, "exception_governance": 4}
    scored = score(pd.DataFrame([pilot("p", current_mode="none", **fields, **PIPELINE_DEMAND)]))
    why = option_reasons(scored, "p")
    assert why.next_option == (
        "Exception governance is 4 and risk level is unknown; "
        "an API workflow pipeline needs at least 5 when risk is critical."
    )


def test_nothing_governable_names_the_first_gate_of_the_lightest_option():
    why = reasons(**{**ALL_FIVES, "value_evidence": 1}, **PIPELINE_DEMAND)
    assert why.governable == "What it can govern today: Nothing governable yet."
    assert why.recommended == "Recommended now: Keep piloting: no option can be governed yet."
    assert why.next_option == "Value evidence is 1; an assisted desktop workflow needs at least 3."


def test_an_unknown_target_names_the_unknown_answers_and_its_range():
    why = reasons(**ALL_FIVES, users=3)
    assert why.target == (
        "Target is unknown: from Assisted desktop workflow to API workflow pipeline, until monthly volume is known."
    )
    why = reasons(**ALL_FIVES, users=20)
    assert why.target == (
        "Target is unknown: from Shared AI workspace to API workflow pipeline, until monthly volume is known. "
        "It needs at least a shared AI workspace: users 20 is at least 8."
    )
    why = reasons(**ALL_FIVES)
    assert why.target.endswith("until monthly volume and users are known.")
    assert (
        why.next_option
        == "Shared AI workspace can be governed; whether it is needed depends on the unknown target."
    )


def test_the_thresholds_are_the_profiles():
    profile = default_profile().revised({"demand": {"api_pipeline_min_volume": 50_000}})
    why = reasons(profile, **ALL_FIVES, **PIPELINE_DEMAND)
    assert why.target == (
        "Target: Shared AI workspace, because users 14 is at least 8 "
        "and monthly volume 38,300 is at least 300 but below 50,000."
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(portfolios(max_size=8))
def test_every_pilot_has_reasons_that_agree_with_its_row(frame):
    scored = score(frame)
    for pilot_id in scored.table["pilot_id"]:
        row, why = scored.pilot(pilot_id), option_reasons(scored, pilot_id)
        if pd.isna(row["target"]):
            assert why.target.startswith("Target is unknown: ")
        else:
            assert why.target.startswith(f"Target: {option_label(row['target'])}")
        assert why.recommended.startswith(f"Recommended now: {option_label(row['recommended'])}")
        assert (why.next_option is None) == (row["recommended"] == "api_pipeline")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(portfolios(max_size=20))
def test_demand_bounds_are_the_heaviest_rule_met_and_the_heaviest_still_open(frame):
    # The demand rule written out by hand, as the README states it.
    profile = default_profile()
    inputs = engine.read_inputs(score(frame).table)
    volume, users = inputs.volume, inputs.users
    with np.errstate(invalid="ignore"):
        api = volume >= 2000
        workspace = (users >= 8) | (volume >= 300)
    low, high = engine.demand_bounds(inputs, profile)
    assert (low == np.where(api, 3, np.where(workspace, 2, 1))).all()
    could_api = api | np.isnan(volume)
    could_workspace = workspace | np.isnan(users) | np.isnan(volume)
    assert (high == np.where(could_api, 3, np.where(could_workspace, 2, 1))).all()


def test_demand_checks_are_the_rules_as_they_stand():
    scored = score(pd.DataFrame([pilot("p", monthly_volume=450, users=None)]))
    checks = [(c.option, c.field, c.value, c.minimum, c.status) for c in scored.demand_checks("p")]
    assert checks == [
        ("api_pipeline", "monthly_volume", 450.0, 2000.0, "not met"),
        ("shared_workspace", "users", None, 8.0, "unknown"),
        ("shared_workspace", "monthly_volume", 450.0, 300.0, "met"),
    ]
    assert scored.demand_range("p") == ("shared_workspace", "shared_workspace")
    with pytest.raises(KeyError):
        scored.demand_checks("nope")
