"""A what-if as the text of a shared link, and back (issue 11): what the inputs can show is
read back to the same changes; anything else is ignored by name, never raised."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kairo_scoring.schema import CURRENT_MODES, RISK_LEVELS, SCORE_FIELDS, STAGES
from kairo_scoring.views.what_if import EDITABLE_FIELDS, what_if_from_link, what_if_link


def test_a_link_reads_back_to_the_same_changes():
    changes = {"controls": 5, "stage": None, "current_mode": "api_pipeline", "monthly_volume": 38300.0}
    texts = what_if_link(changes)
    assert texts == {
        "controls": "5",
        "stage": "unknown",
        "current_mode": "api_pipeline",
        "monthly_volume": "38300",
    }
    assert what_if_from_link(texts) == (changes, ())


def test_what_the_inputs_cannot_show_is_ignored_by_name():
    texts = {
        "controls": "9",  # not 1-5
        "ownership": "3.5",  # the input offers whole answers only
        "risk_level": "huge",
        "users": "-4",
        "monthly_value": "inf",
        "monthly_volume": "lots",
        "name": "Renamed",  # not an input of the what-if
        "bogus": "1",
        "io_stability": " 4 ",
    }
    changes, ignored = what_if_from_link(texts)
    assert changes == {"io_stability": 4}
    assert set(ignored) == set(texts) - {"io_stability"}


value_of = {
    **{f: st.one_of(st.none(), st.integers(1, 5)) for f in SCORE_FIELDS},
    "stage": st.one_of(st.none(), st.sampled_from(STAGES)),
    "current_mode": st.one_of(st.none(), st.sampled_from(CURRENT_MODES)),
    "risk_level": st.one_of(st.none(), st.sampled_from(RISK_LEVELS)),
    **{
        f: st.one_of(st.none(), st.floats(0, 1e12, allow_nan=False))
        for f in ("monthly_volume", "users", "monthly_value")
    },
}


@given(st.data())
def test_every_change_the_inputs_can_make_round_trips(data):
    fields = data.draw(st.lists(st.sampled_from(EDITABLE_FIELDS), unique=True))
    changes = {f: data.draw(value_of[f]) for f in fields}
    assert what_if_from_link(what_if_link(changes)) == (changes, ())
