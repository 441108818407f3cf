"""Scoring profiles are immutable versions; mapping profiles are saved in place with a version counter."""

from __future__ import annotations

import pytest

from kairo_scoring.errors import StoreError
from kairo_scoring.store import PortfolioStore

DEFAULT_V1 = "[weights]\nprocess_maturity = 1.0\n"
DEFAULT_V2 = "[weights]\nprocess_maturity = 2.0\n"


def test_scoring_profile_versions_are_kept_and_the_latest_is_the_default(store: PortfolioStore) -> None:
    assert store.save_profile("default", 1, DEFAULT_V1, "h1") is True
    assert store.save_profile("default", 2, DEFAULT_V2, "h2") is True
    assert store.save_profile("strict", 1, "[gates]\n", "h3") is True

    assert store.load_profile_text("default") == DEFAULT_V2
    assert store.load_profile_text("default", 1) == DEFAULT_V1
    listing = store.profiles()
    assert listing[["name", "version", "hash"]].values.tolist() == [
        ["default", 1, "h1"],
        ["default", 2, "h2"],
        ["strict", 1, "h3"],
    ]
    assert str(listing["created_at"].dt.tz) == "UTC"


def test_saving_the_same_profile_version_again_is_a_no_op(store: PortfolioStore) -> None:
    store.save_profile("default", 1, DEFAULT_V1, "h1")

    assert store.save_profile("default", 1, DEFAULT_V1, "h1") is False
    assert len(store.profiles()) == 1


def test_a_stored_profile_version_cannot_be_overwritten(store: PortfolioStore) -> None:
    store.save_profile("default", 1, DEFAULT_V1, "h1")

    with pytest.raises(StoreError, match="'default' version 1 is already stored with different content"):
        store.save_profile("default", 1, DEFAULT_V2, "h2")
    assert store.load_profile_text("default", 1) == DEFAULT_V1


@pytest.mark.parametrize("version", [0, -1, 1.5, "2", True])
def test_profile_versions_are_positive_integers(store: PortfolioStore, version: object) -> None:
    with pytest.raises(StoreError, match="version number"):
        store.save_profile("default", version, DEFAULT_V1, "h1")  # type: ignore[arg-type]


def test_missing_profile_names_the_stored_ones(store: PortfolioStore) -> None:
    store.save_profile("default", 1, DEFAULT_V1, "h1")

    with pytest.raises(StoreError, match="No scoring profile 'lenient' .* stored profiles: default"):
        store.load_profile_text("lenient")
    with pytest.raises(StoreError, match="'default' version 7"):
        store.load_profile_text("default", 7)


def test_mapping_version_rises_only_when_the_text_changes(store: PortfolioStore) -> None:
    assert store.save_mapping("federal-inventory", 'name = "Use Case Name"\n') == 1
    assert store.save_mapping("federal-inventory", 'name = "Use Case Name"\n') == 1
    assert store.save_mapping("federal-inventory", 'name = "Use Case Title"\n') == 2
    assert store.save_mapping("pmo", "owner = 'Lead'\n") == 1

    assert store.load_mapping_text("federal-inventory") == 'name = "Use Case Title"\n'
    listing = store.mappings()
    assert listing[["name", "version"]].values.tolist() == [["federal-inventory", 2], ["pmo", 1]]
    assert (listing["updated_at"] >= listing["created_at"]).all()


def test_missing_mapping_is_a_store_error(store: PortfolioStore) -> None:
    with pytest.raises(StoreError, match="No mapping profile 'pmo' in the store; stored mappings: none"):
        store.load_mapping_text("pmo")
