"""A profile version is stored once: a second save whose rubric, currency or description
differs (they are outside the scoring hash) is refused, never kept silently."""

from __future__ import annotations

import dataclasses

import pytest

from kairo_scoring import PortfolioStore, StoreError, default_profile, store_profile_version


@pytest.fixture
def store(tmp_path):
    with PortfolioStore(tmp_path / "kairo.duckdb") as opened:
        yield opened


def test_saving_the_same_version_again_changes_nothing(store):
    profile = default_profile()
    assert store_profile_version(store, profile) is True
    assert store_profile_version(store, profile) is False


@pytest.mark.parametrize("what", ["currency", "description", "rubric"])
def test_a_version_stored_with_other_wording_is_refused(store, what):
    profile = default_profile()
    store_profile_version(store, profile)
    entries = profile.rubric.entries
    changed = {
        "currency": {"currency": "EUR"},
        "description": {"description": "reworded"},
        "rubric": {
            "rubric": dataclasses.replace(
                profile.rubric,
                entries=(dataclasses.replace(entries[0], question="Asked another way?"), *entries[1:]),
            )
        },
    }[what]
    reworded = dataclasses.replace(profile, **changed)
    assert reworded.content_hash == profile.content_hash  # the scoring content is the same
    with pytest.raises(StoreError, match=f"another {what}"):
        store_profile_version(store, reworded)
    assert store.load_profile_text(profile.name, profile.version) == profile.to_toml()
