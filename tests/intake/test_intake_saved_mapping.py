"""A mapping edited on the intake page, saved by name, reads the same register unaided next time."""

from __future__ import annotations

import pytest

from kairo_scoring.errors import ProfileError
from kairo_scoring.intake import (
    load_mapping,
    mapping_from_toml,
    mapping_to_toml,
    mapping_with_columns,
    read_portfolio,
)

REGISTER = "Ref code;Initiative title;Ctrl maturity\nA-1;Invoice bot;4\nA-2;Contract review;2\n"


def test_saved_mapping_reads_odd_headers_next_time_without_edits():
    data = REGISTER.encode()
    chosen = {"controls": "Ctrl maturity", "name": "Initiative title"}
    first = read_portfolio(data, filename="q3.csv", column_overrides=chosen)
    assert list(first.pilots["controls"]) == [4.0, 2.0]

    saved = mapping_with_columns(load_mapping("canonical"), chosen, name="Finance register")
    reloaded = mapping_from_toml(mapping_to_toml(saved))
    assert reloaded == saved
    assert reloaded.columns["controls"][0] == "Ctrl maturity"

    again = read_portfolio(data, filename="q4.csv", mapping=reloaded)
    assert again.column_mapping["controls"] == "Ctrl maturity"
    assert list(again.pilots["controls"]) == [4.0, 2.0]
    assert list(again.pilots["name"]) == ["Invoice bot", "Contract review"]


def test_a_direct_choice_replaces_the_base_derivation_and_an_empty_choice_unmaps():
    federal = load_mapping("us-federal-2025")
    assert any(d.field == "controls" for d in federal.derived)
    saved = mapping_with_columns(federal, {"controls": "My controls", "owner": ""}, name="agency copy")
    assert not any(d.field == "controls" for d in saved.derived)
    assert "owner" not in saved.columns
    assert saved.name == "agency copy" and saved.version == 1


def test_a_saved_mapping_needs_a_name():
    with pytest.raises(ProfileError, match="needs a name"):
        mapping_with_columns(load_mapping("canonical"), {}, name="  ")
