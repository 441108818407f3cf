"""The scoring profile: TOML round trip, versions, hashes, and errors that name the key."""

from __future__ import annotations

from importlib import resources

import pytest

from kairo_scoring.errors import ProfileError
from kairo_scoring.profile import default_profile, load_profile, profile_from_toml

DEFAULT_TOML = resources.files("kairo_scoring").joinpath("default_profile.toml").read_text("utf-8")


def test_default_profile_matches_the_readiness_model():
    profile = default_profile()
    assert (profile.name, profile.version) == ("default", 1)
    assert profile.api_pipeline_min_volume == 2000
    assert profile.shared_workspace_min_volume == 300
    assert profile.shared_workspace_min_users == 8
    rules = {(g.option, g.describe()) for g in profile.gates}
    assert ("assisted_desktop", "controls ≥ 3 when risk is critical") in rules
    assert ("api_pipeline", "controls ≥ 5 when risk ≥ high") in rules
    assert ("api_pipeline", "exception_governance ≥ 5 when risk is critical") in rules
    assert len(profile.gates_for("api_pipeline")) == 8


def test_toml_round_trip_keeps_content_and_hash():
    profile = default_profile()
    again = profile_from_toml(profile.to_toml())
    assert again == profile
    assert again.content_hash == profile.content_hash


def test_revision_bumps_the_version_and_changes_the_hash_only_when_content_changes():
    profile = default_profile()
    revised = profile.revised({"demand": {"api_pipeline_min_volume": 5000}})
    assert revised.version == 2
    assert revised.api_pipeline_min_volume == 5000
    assert revised.content_hash != profile.content_hash
    renamed = profile.revised({}, name="workshop")
    assert (renamed.name, renamed.version) == ("workshop", 1)
    assert renamed.content_hash == profile.content_hash


def test_load_profile_from_a_path(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(default_profile().revised({"weights": {"value": 0.5}}).to_toml())
    assert load_profile(path).weights["value"] == 0.5


@pytest.mark.parametrize(
    ("edit", "key", "words"),
    [
        (lambda t: t.replace('name = "default"', "name = 3"), "name", "non-empty text"),
        (lambda t: t.replace("version = 1", "version = 0"), "version", "≥ 1"),
        (lambda t: t.replace("workflow = 0.25", 'workflow = "high"'), "weights.workflow", "must be a number"),
        (lambda t: t.replace('field = "io_stability"', 'field = "io_stabilty"'), "gates[8].field", "'io_stabilty'"),
        (lambda t: t.replace('op = ">="', 'op = "<="', 1), "gates[0].op", "not allowed"),
        (lambda t: t.replace('min_risk = "high"', 'min_risk = "severe"'), "gates[13].min_risk", "'severe'"),
        (lambda t: t.replace("api_pipeline_min_volume = 2000", "api_pipeline_min_volume = 100"), "demand.api_pipeline_min_volume", "at least"),
        (lambda t: t.replace("gates_weight = 0.6", "gates_weight = 0.7"), "fit", "must be 1"),
        (lambda t: t.replace('"hold"]', '"hold", "hold"]'), "verdicts.priority", "exactly once"),
        (lambda t: t + "\n[extra]\nx = 1\n", "extra", "not a profile key"),
        (lambda t: t + "\nthis is = not toml [", "(document)", "not valid TOML"),
    ],
)  # fmt: skip
def test_a_malformed_profile_names_the_key_and_the_problem(edit, key, words):
    source = edit(DEFAULT_TOML)
    assert source != DEFAULT_TOML, "the edit must change the document"
    with pytest.raises(ProfileError) as caught:
        profile_from_toml(source)
    assert caught.value.key == key
    assert words in str(caught.value)


def test_missing_profile_file_is_a_profile_error(tmp_path):
    with pytest.raises(ProfileError, match="cannot read"):
        load_profile(tmp_path / "absent.toml")
