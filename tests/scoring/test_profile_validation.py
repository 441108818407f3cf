"""Profile validation: every number finite and in range, no unknown key, no traceback on any input.

The property tests check the promise the validation exists for: a profile that loads
scores every pilot to finite numbers.
"""

from __future__ import annotations

import copy
import math
import tomllib
from importlib import resources

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kairo_scoring import tomlsafe
from kairo_scoring.errors import ProfileError
from kairo_scoring.profile import (
    MAX_PROFILE_VERSION,
    NUMBER_MAX,
    WEIGHT_MAX,
    WEIGHT_MIN,
    Profile,
    default_profile,
    profile_from_dict,
    profile_from_toml,
)
from kairo_scoring.schema import SCORE_FIELDS
from kairo_scoring.scoring import score
from kairo_scoring.synthetic import generate_portfolio

DEFAULT_TOML = resources.files("kairo_scoring").joinpath("default_profile.toml").read_text("utf-8")


def edited(old: str, new: str, count: int = 1) -> str:
    assert old in DEFAULT_TOML, old
    return DEFAULT_TOML.replace(old, new, count)


def refused(source: str) -> ProfileError:
    with pytest.raises(ProfileError) as caught:
        profile_from_toml(source)
    return caught.value


# --- numbers ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("source", "key", "words"),
    [
        (edited("workflow = 0.25", "workflow = inf"), "weights.workflow", "finite"),
        (edited("workflow = 0.25", "workflow = -inf"), "weights.workflow", "finite"),
        (edited("workflow = 0.25", "workflow = nan"), "weights.workflow", "finite"),
        (edited("workflow = 0.25", "workflow = 1e308"), "weights.workflow", "from 0 to 1000"),
        (edited("workflow = 0.25", "workflow = 1001"), "weights.workflow", "from 0 to 1000"),
        (edited("workflow = 0.25", "workflow = 9223372036854775807"), "weights.workflow", "from 0 to 1000"),
        (edited("workflow = 0.25", "workflow = -0.5"), "weights.workflow", "from 0 to 1000"),
        (edited("workflow = 0.25", "workflow = 1e-300"), "weights.workflow", "at least 1e-06"),
        (edited("api_pipeline_min_volume = 2000", "api_pipeline_min_volume = inf"), "demand.api_pipeline_min_volume", "finite"),
        (edited("api_pipeline_min_volume = 2000", "api_pipeline_min_volume = 1e13"), "demand.api_pipeline_min_volume", "from 0 to"),
        (edited("shared_workspace_min_volume = 300", "shared_workspace_min_volume = nan"), "demand.shared_workspace_min_volume", "finite"),
        (edited("shared_workspace_min_users = 8", "shared_workspace_min_users = inf"), "demand.shared_workspace_min_users", "finite"),
        (edited("shared_workspace_min_users = 8", "shared_workspace_min_users = 0.5"), "demand.shared_workspace_min_users", "from 1 to"),
        (edited("gates_weight = 0.6", "gates_weight = inf"), "fit.gates_weight", "finite"),
        (edited("gates_weight = 0.6", "gates_weight = nan"), "fit.gates_weight", "finite"),
        (edited("value = 4", "value = inf"), "gates[7].value", "from 1 to 5"),
        (edited("value = 4", "value = nan"), "gates[7].value", "from 1 to 5"),
        (edited("version = 1", f"version = {2**31}"), "version", f"at most {MAX_PROFILE_VERSION}"),
        (edited("version = 1", "version = 9223372036854775807"), "version", f"at most {MAX_PROFILE_VERSION}"),
        (edited("version = 1", "version = -9223372036854775808"), "version", "≥ 1"),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 40 else None,
)  # fmt: skip
def test_a_number_outside_its_range_is_refused_by_key(source, key, words):
    error = refused(source)
    assert error.key == key
    assert words in error.problem


def test_zero_weights_everywhere_are_refused():
    zeroed = DEFAULT_TOML
    for line in (
        "workflow = 0.25",
        "governance = 0.30",
        "standards = 0.15",
        "integration = 0.15",
        "value = 0.15",
    ):
        zeroed = zeroed.replace(line, line.split("=")[0] + "= 0")
    error = refused(zeroed)
    assert (error.key, error.problem) == ("weights", "at least one weight must be above 0")


def test_the_largest_allowed_numbers_load_and_score_to_finite_readiness():
    data = default_profile().to_dict()
    data["weights"] = {dim: WEIGHT_MAX for dim in data["weights"]}
    data["weights"]["value"] = 1e-6
    data["version"] = MAX_PROFILE_VERSION
    profile = profile_from_dict(data)
    table = score(generate_portfolio(50, seed=3), profile).table
    assert np.isfinite(table["readiness"]).all()
    assert (table["profile_version"] == MAX_PROFILE_VERSION).all()


@pytest.mark.parametrize(
    ("source", "key"),
    [
        (edited('priority = ["at_risk"', "priority = 5 #"), "verdicts.priority"),
        (edited('priority = ["at_risk"', 'priority = [1, "at_risk"'), "verdicts.priority"),
        (edited('field = "io_stability"', 'field = ["io_stability"]'), "gates[8].field"),
        (edited('option = "api_pipeline"', 'option = {a = 1}'), "gates[7].option"),
        (edited('value = ["value_evidence"]', 'value = [["value_evidence"]]'), "dimensions.value"),
        (edited('description = "Kairo readiness model v1 defaults"', "description = {a = 1}"), "description"),
    ],
)  # fmt: skip
def test_a_value_of_the_wrong_shape_is_a_profile_error_not_a_type_error(source, key):
    assert refused(source).key == key


# --- unknown keys -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("source", "key", "allowed", "suggestion"),
    [
        (edited("description =", "descripton ="), "descripton", "name, version, description", "description"),
        (edited("api_pipeline_min_volume", "api_pipline_min_volume"), "demand.api_pipline_min_volume",
         "api_pipeline_min_volume, shared_workspace_min_volume, shared_workspace_min_users", "api_pipeline_min_volume"),
        (edited("demand_weight = 0.4", "demand_weight = 0.4\nbonus = 1"), "fit.bonus", "gates_weight, demand_weight", None),
        (edited("priority =", "prority ="), "verdicts.prority", "priority", "priority"),
        (edited('min_risk = "high"', 'min_rsk = "high"'), "gates[13].min_rsk", "option, field, op, value, min_risk", "min_risk"),
        (edited("workflow = 0.25", "workflw = 0.25"), "weights.workflw", "workflow, governance, standards", "workflow"),
    ],
)  # fmt: skip
def test_an_unknown_key_is_refused_with_its_table_the_allowed_keys_and_a_close_match(
    source, key, allowed, suggestion
):
    error = refused(source)
    assert error.key == key
    assert "is not a profile key" in error.problem
    assert allowed in error.problem
    if suggestion:
        assert error.problem.endswith(f"did you mean '{suggestion}'?")
    else:
        assert "did you mean" not in error.problem


def test_an_unknown_gate_key_names_the_gate_as_the_user_counts_it():
    error = refused(edited('min_risk = "high"', 'min_rsk = "high"'))
    assert "in [[gates]] #14" in error.problem


# --- nesting --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "nested",
    [
        "x = " + "[" * 5000 + "]" * 5000,
        "x = " + "{a = " * 3000 + "1" + "}" * 3000,
        "x = " + "[" * 40 + "]" * 40,
    ],
    ids=["arrays-5000", "inline-tables-3000", "arrays-40"],
)
def test_a_deeply_nested_document_is_a_profile_error(nested):
    error = refused(nested)
    assert error.key == "(document)"
    assert "nested more than" in error.problem


def test_the_safe_loader_parses_what_tomllib_parses_up_to_its_depth():
    at_limit = "x = " + "[" * (tomlsafe.MAX_DEPTH - 1) + "]" * (tomlsafe.MAX_DEPTH - 1)
    assert tomlsafe.loads(at_limit) == tomllib.loads(at_limit)
    assert tomlsafe.loads(DEFAULT_TOML) == tomllib.loads(DEFAULT_TOML)
    with pytest.raises(tomllib.TOMLDecodeError, match="nested more than"):
        tomlsafe.loads("x = " + "[" * tomlsafe.MAX_DEPTH + "]" * tomlsafe.MAX_DEPTH)
    with pytest.raises(tomllib.TOMLDecodeError):
        tomlsafe.loads("this is = not toml [")


# --- properties -------------------------------------------------------------------------------
# Numbers a consultant (or a corrupted file) might put anywhere in a profile.
wild_number = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(0, 2 * WEIGHT_MAX),
    st.integers(-(2**70), 2**70),
    st.sampled_from([0, 0.0, 1e-320, 5e-324, 1e-6, 1, 5, 1000, 1e12, 1e308, 2**31, 2**63 - 1]),
)
junk = st.recursive(
    st.one_of(st.none(), st.booleans(), wild_number, st.text(max_size=8)),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


edge_weight = st.sampled_from([0.0, WEIGHT_MIN, 1e-3, 1.0, WEIGHT_MAX])
in_range_weight = st.one_of(edge_weight, st.floats(WEIGHT_MIN, WEIGHT_MAX), st.integers(0, int(WEIGHT_MAX)))


@st.composite
def profiles_data(draw) -> dict:
    """The default profile regrouped, with every number drawn across its whole range (extremes
    included) and, in most examples, one number replaced by anything at all."""
    data = default_profile().to_dict()
    fields = list(draw(st.permutations(SCORE_FIELDS)))[: draw(st.integers(1, len(SCORE_FIELDS)))]
    cuts = sorted(draw(st.sets(st.integers(1, max(1, len(fields) - 1)), max_size=len(fields) - 1)))
    groups = [fields[a:b] for a, b in zip([0, *cuts], [*cuts, len(fields)], strict=True) if fields[a:b]]
    data["dimensions"] = {f"d{i}": group for i, group in enumerate(groups)}
    data["weights"] = {dim: draw(in_range_weight) for dim in data["dimensions"]}
    workspace_volume = draw(st.floats(0, NUMBER_MAX))
    data["demand"] = {
        "api_pipeline_min_volume": draw(st.floats(workspace_volume, NUMBER_MAX)),
        "shared_workspace_min_volume": workspace_volume,
        "shared_workspace_min_users": draw(st.floats(1, NUMBER_MAX)),
    }
    gates_weight = draw(st.sampled_from([0.0, 1.0]) | st.floats(0, 1))
    data["fit"] = {"gates_weight": gates_weight, "demand_weight": 1 - gates_weight}
    for gate in data["gates"]:
        if gate["field"] != "risk_level":
            gate["value"] = draw(st.sampled_from([1, 5]) | st.floats(1, 5))
    data["version"] = draw(st.integers(1, MAX_PROFILE_VERSION))
    numbers = [("weights", dim) for dim in data["weights"]] + [("demand", k) for k in data["demand"]]
    numbers += [("fit", "gates_weight"), ("fit", "demand_weight"), (None, "version")]
    numbers += [(i, "value") for i, g in enumerate(data["gates"]) if g["field"] != "risk_level"]
    wild = draw(st.none() | st.sampled_from(numbers))
    if wild is not None:
        table, key = wild
        target = data if table is None else data["gates"][table] if isinstance(table, int) else data[table]
        target[key] = draw(wild_number)
    return data


PORTFOLIO = pd.concat(
    [
        generate_portfolio(300, seed=5, unknown_rate=0.35),
        # Edge pilots: every answer 1, every answer 5, and one known answer each.
        pd.DataFrame([{"pilot_id": "all-1", "name": "All 1", **dict.fromkeys(SCORE_FIELDS, 1.0)},
                      {"pilot_id": "all-5", "name": "All 5", **dict.fromkeys(SCORE_FIELDS, 5.0)}]
                     + [{"pilot_id": f"only-{f}", "name": f"Only {f}", f: 5.0} for f in SCORE_FIELDS]),
    ],
    ignore_index=True,
)  # fmt: skip


def weighted_answer_known(profile: Profile) -> np.ndarray:
    """Per pilot: does any dimension with a weight above 0 have a known answer?"""
    known = np.zeros(len(PORTFOLIO), bool)
    for dim, fields in profile.dimensions.items():
        if profile.weights[dim] > 0:
            known |= PORTFOLIO[list(fields)].notna().any(axis=1).to_numpy()
    return known


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles_data())
def test_any_profile_that_loads_scores_readiness_finite_and_within_0_to_100(data):
    try:
        profile = profile_from_dict(data)
    except ProfileError:
        assume(False)
    readiness = score(PORTFOLIO, profile).table["readiness"].to_numpy(float)
    known = weighted_answer_known(profile)
    assert known.any()  # at least one weight is above 0 and the edge pilots cover every field
    assert np.isfinite(readiness[known]).all()
    assert (readiness[known] >= 0).all() and (readiness[known] <= 100).all()
    assert np.isnan(readiness[~known]).all()  # no weighted answer known: unknown, never 0
    assert profile_from_toml(profile.to_toml()) == profile


@st.composite
def damaged_profiles(draw) -> dict:
    """The default profile's data with junk put somewhere in it, or a key added."""
    data = copy.deepcopy(default_profile().to_dict())
    table = draw(st.sampled_from([None, "weights", "dimensions", "demand", "fit", "verdicts", "gates"]))
    target = data if table is None else data[table]
    if isinstance(target, list):
        target = target[draw(st.integers(0, len(target) - 1))]
    key = draw(st.one_of(st.sampled_from(sorted(target)), st.text(max_size=8)))
    target[key] = draw(junk)
    return data


@settings(max_examples=400, deadline=None)
@given(damaged_profiles())
def test_a_damaged_profile_is_a_profile_or_a_profile_error_never_a_traceback(data):
    try:
        profile = profile_from_dict(data)
    except ProfileError as error:
        assert isinstance(error.key, str) and error.problem
        return
    assert all(math.isfinite(w) for w in profile.weights.values())
    assert profile_from_toml(profile.to_toml()) == profile
