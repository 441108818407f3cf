"""The `ladder` derivation: the highest level whose conditions hold; unknown when none does."""

from __future__ import annotations

import pytest

from kairo_scoring.errors import ProfileError
from kairo_scoring.intake import mapping_from_toml, mapping_to_toml, read_portfolio

PROFILE = """
name = "ladder-test"
[columns]
name = ["Name"]
ato = ["ATO"]
monitoring = ["Monitoring"]
review = ["Review"]
[values.done]
"in progress" = 0.5
"n/a" = ""
[[derived]]
field = "controls"
kind = "ladder"
name = "controls floor"
inputs = ["ato", "monitoring", "review"]
values = "done"
[[derived.levels]]
level = 3
all = ["ato"]
[[derived.levels]]
level = 4
all = ["ato"]
any = ["monitoring", "review"]
[[derived.levels]]
level = 5
all = ["ato", "monitoring", "review"]
"""

CSV = (
    "Name,ATO,Monitoring,Review\n"
    "a,yes,yes,yes\n"  # 5
    "b,yes,in progress,yes\n"  # 4: review done
    "c,yes,in progress,n/a\n"  # 3
    "d,no,yes,yes\n"  # no rung without the ATO: unknown
    "e,,,\n"  # unknown
    "f,in progress,yes,yes\n"  # in progress is not done: unknown
)


def test_the_highest_level_that_holds_is_the_value():
    result = read_portfolio(CSV.encode(), filename="x.csv", mapping=mapping_from_toml(PROFILE))
    assert result.pilots["controls"].tolist()[:3] == [5.0, 4.0, 3.0]
    assert result.pilots["controls"].iloc[3:].isna().all()
    assert set(result.provenance.loc[result.provenance["field"] == "controls", "detail"]) == {
        "controls floor"
    }


def test_a_ladder_round_trips_through_toml():
    profile = mapping_from_toml(PROFILE)
    assert mapping_from_toml(mapping_to_toml(profile)) == profile


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("level = 5\n", "level = 6\n"), "a level is a score from 1 to 5"),
        (('all = ["ato", "monitoring", "review"]', 'all = ["ato", "audit"]'), "'audit' is not one of"),
        (('field = "controls"', 'field = "stage"'), "a ladder derives a 1–5 field"),
    ],
)
def test_a_bad_ladder_is_refused(change, message):
    with pytest.raises(ProfileError, match=message):
        mapping_from_toml(PROFILE.replace(*change))
