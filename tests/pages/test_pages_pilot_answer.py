"""The Pilot page states its answer in full and says why (issue 11): the current mode, the
recommendation and the target as text that wraps (never a metric, which cuts "API pip…"),
the reasons built by the library, readiness with its basis, a what-if table in labels, and a
what-if that a shared link carries."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.conftest import APP, TIMEOUT, answer_cards, metrics, no_errors

ANSWERS = ("Current mode", "Recommended now", "Target", "Readiness", "Completeness")


def open_pilot(pilot_id: str, **params: str) -> AppTest:
    """The Pilot page as a shared link to `pilot_id` (with `params`) opens it."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["pilot"] = pilot_id
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("app_pages/pilot.py")
    at.run()
    no_errors(at)
    return at


def url(at: AppTest) -> dict[str, str]:
    return {key: str(value) for key, value in at.query_params.items()}


def markdown(at: AppTest) -> str:
    return "\n".join(m.value.replace("\\", "") for m in at.markdown)


def test_the_answer_is_stated_in_full_text_that_wraps(store_path):
    at = open_pilot("KP-007")  # "Service desk ticket triage": the longest option names
    cards = answer_cards(at)
    assert cards["Current mode"] == "Shared AI workspace"
    assert cards["Recommended now"] == "Shared AI workspace"
    assert cards["Target"] == "API workflow pipeline"
    # None of them is a metric: st.metric cuts its value to its column with an ellipsis.
    assert not set(ANSWERS) & set(metrics(at))


def test_the_reasons_are_the_models_sentences(store_path):
    at = open_pilot("KP-007")
    text = markdown(at)
    assert "Why this option" in text
    assert "Target: API workflow pipeline, because monthly volume 6,500 is at least 2,000." in text
    assert "What it can govern today: Shared AI workspace." in text
    assert (
        "Recommended now: Shared AI workspace: the heaviest option it can govern today; the target needs more."
    ) in text
    assert "Exception governance is 3; an API workflow pipeline needs at least 4 (and 1 more gate)." in text


def test_readiness_shows_its_basis_and_the_range_the_unknowns_allow(store_path):
    at = open_pilot("KP-018")  # 6 of its 8 readiness answers known
    assert answer_cards(at)["Readiness"] == "76"
    notes = [c.value.replace("\\", "") for c in at.caption]
    assert "from 6 of 8 answers; 58–83 with the rest" in notes


def test_the_what_if_table_speaks_labels(store_path):
    at = open_pilot("KP-003")
    at.selectbox(key="whatif::KP-003::controls").set_value(5)
    at.selectbox(key="whatif::KP-003::exception_governance").set_value(5)
    at.run()
    no_errors(at)
    table = next(d.value for d in at.dataframe if "What-if" in d.value.columns)
    assert list(table.columns) == ["Changed", "As recorded", "What-if"]
    changed = dict(
        zip(table["Changed"], zip(table["As recorded"], table["What-if"], strict=True), strict=True)
    )
    assert changed["Controls"] == ("2", "5")
    assert changed["Verdict"] == ("At risk", "Hold")
    assert changed["Readiness"] == ("64 (from all 8 answers)", "76 (from all 8 answers)")
    assert changed["Recommended now"] == ("Keep piloting", "API workflow pipeline")
    # no code names: the readiness range is one row, every name is a label
    assert not any("_" in name for name in table["Changed"])
    assert not {"Readiness at the least", "Readiness at the most"} & set(table["Changed"])


def test_the_what_if_round_trips_through_the_url(store_path):
    at = open_pilot("KP-003")
    at.selectbox(key="whatif::KP-003::controls").set_value(5)
    at.selectbox(key="whatif::KP-003::exception_governance").set_value(5)
    at.number_input(key="whatif::KP-003::monthly_volume").set_value(100.0)
    at.run()
    no_errors(at)
    shared = url(at)
    assert shared["whatif_controls"] == "5"
    assert shared["whatif_exception_governance"] == "5"
    assert shared["whatif_monthly_volume"] == "100"
    verdict = metrics(at)["Verdict in the what-if"]

    again = open_pilot("KP-003", **{k: v for k, v in shared.items() if k != "pilot"})
    assert again.selectbox(key="whatif::KP-003::controls").value == 5
    assert again.selectbox(key="whatif::KP-003::exception_governance").value == 5
    assert again.number_input(key="whatif::KP-003::monthly_volume").value == 100.0
    assert metrics(again)["Verdict in the what-if"] == verdict
    assert url(again) == shared

    next(b for b in again.button if b.label == "Reset the what-if").click()
    again.run()
    no_errors(again)
    assert not any(k.startswith("whatif_") for k in url(again))


def test_setting_an_answer_to_unknown_is_carried_too(store_path):
    # (AppTest cannot pick a selectbox's None option, so the link sets it.)
    at = open_pilot("KP-003", whatif_controls="unknown")
    assert at.selectbox(key="whatif::KP-003::controls").value is None
    table = next(d.value for d in at.dataframe if "What-if" in d.value.columns)
    assert ("Controls", "2", "unknown") in set(table.itertuples(index=False, name=None))
    assert url(at)["whatif_controls"] == "unknown"  # and the link keeps saying so


@pytest.mark.parametrize(
    "params",
    [
        {"whatif_controls": "9"},
        {"whatif_controls": "<script>alert(1)</script>"},
        {"whatif_risk_level": "huge", "whatif_users": "-3"},
        {"whatif_name": "Renamed", "whatif_nonsense": "1"},
        {"whatif_monthly_volume": "1e400"},
    ],
)
def test_a_what_if_the_inputs_cannot_show_is_ignored_with_a_caption(store_path, params):
    at = open_pilot("KP-003", **params)
    assert any(c.value.startswith("Ignored from the link") for c in at.caption)
    assert "Verdict in the what-if" not in metrics(at)  # nothing changed
    assert not any(k.startswith("whatif_") for k in url(at))  # and the link drops them


def test_a_what_if_for_another_pilot_is_not_applied(store_path):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["pilot"] = "KP-003"
    at.query_params["whatif_controls"] = "5"
    at.run()
    at.session_state["pilot_id"] = "KP-007"  # the user opens another pilot first
    at.switch_page("app_pages/pilot.py")
    at.run()
    no_errors(at)
    assert at.selectbox(key="whatif::KP-007::controls").value == 4  # as recorded
    assert "Verdict in the what-if" not in metrics(at)
    at.selectbox(key="pilot_pick").set_value("KP-003")  # the link's what-if is spent, not held back
    at.run()
    no_errors(at)
    assert at.selectbox(key="whatif::KP-003::controls").value == 2


def test_other_pages_carry_no_what_if(store_path):
    at = open_pilot("KP-003", whatif_controls="5")
    assert url(at)["whatif_controls"] == "5"
    next(b for b in at.button if b.key == "back_to_portfolio").click()
    at.run()
    no_errors(at)
    assert [t.value for t in at.title] == ["Portfolio"]
    assert not any(k.startswith("whatif_") for k in url(at))
