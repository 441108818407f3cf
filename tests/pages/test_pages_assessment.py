"""The assessment loop in the app (issue 10): the Portfolio page's "Decide the undecided"
panel, the Pilot page's sources and answer form, and the History page's arrivals."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from kairo_scoring import (
    PROVENANCE_KIND_NAMES,
    deciding_questions,
    default_profile,
    question_fields_table,
    questions_sentence,
    read_portfolio,
    score,
    waiting_table,
)
from tests.pages.conftest import APP, REPO, TIMEOUT, no_errors
from tests.security.test_auth_pages import AUTH, ROLES, signed_in
from ui import loaders
from ui.auth import ROLES_ENV
from ui.questions import WAITING_LIMIT

SAMPLE = REPO / "data" / "sample_portfolio.xlsx"
PILOT = "KP-006"  # undecided: its deciding questions are monthly volume and users
SAMPLE_LATEST = 2  # the bundled sample's snapshots: the previous quarter (1) and this one (2)


def expected_questions():
    return deciding_questions(score(read_portfolio(SAMPLE).pilots, default_profile()))


def table(at: AppTest, first_header: str) -> pd.DataFrame:
    found = [d.value for d in at.dataframe if list(d.value.columns[:1]) == [first_header]]
    assert len(found) == 1, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def open_pilot(at: AppTest, pilot_id: str = PILOT) -> AppTest:
    at.session_state["pilot_id"] = pilot_id
    at.switch_page("app_pages/pilot.py")
    at.run()
    no_errors(at)
    return at


def save_button(at: AppTest):
    return next(b for b in at.button if b.label == "Save answers")


def answer(at: AppTest, field: str, value, snapshot: int = SAMPLE_LATEST) -> None:
    key = f"answer::{snapshot}::{PILOT}::{field}"
    widget = next(w for w in (*at.number_input, *at.selectbox) if w.key == key)
    widget.set_value(value)


def test_the_portfolio_panel_says_whom_to_ask_what(app):
    expected = expected_questions()
    assert expected.undecided > 0
    assert "Decide the undecided" in [s.value for s in app.subheader]
    assert f"**{questions_sentence(expected.headline())}**" in [m.value for m in app.markdown]
    shown = table(app, "Question")
    pd.testing.assert_frame_equal(shown, question_fields_table(expected, "USD", limit=8), check_dtype=False)
    owners = table(app, "Owner")
    assert (
        owners["Owner"].tolist()
        == waiting_table(expected.owners, "owner", limit=WAITING_LIMIT)["Owner"].tolist()
    )
    assert owners["Ask about"].iloc[0] == "; ".join(("Ownership", "Controls"))  # Marco Bianchi's two pilots
    units = table(app, "Business unit")
    assert set(units["Business unit"]) == set(expected.business_units["business_unit"])
    assert "Download the questions per pilot (csv)" in [b.label for b in app.get("download_button")]


def test_the_panel_is_computed_once_and_shows_aliases_when_presenting(store_path, monkeypatch):
    st.cache_data.clear()
    calls = []
    real = loaders.deciding_questions
    monkeypatch.setattr(loaders, "deciding_questions", lambda scored: calls.append(1) or real(scored))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.run()
    at.sidebar.toggle(key="present").set_value(True)
    at.run()
    no_errors(at)
    assert len(calls) == 1  # rerun and presentation mode reuse the cached questions
    owners = table(at, "Owner")["Owner"].tolist()
    assert owners and all(o.startswith("Owner ") for o in owners)
    assert not {"Marco Bianchi", "Lena Fischer"} & set(owners)


def test_no_panel_when_every_pilot_in_view_is_decided(app):
    undecided_units = set(expected_questions().pilots["business_unit"])
    decided_unit = sorted(set(read_portfolio(SAMPLE).pilots["business_unit"]) - undecided_units)[0]
    app.sidebar.multiselect(key="bu").set_value([decided_unit])
    app.run()
    no_errors(app)
    assert "Pilots" in [s.value for s in app.subheader]
    assert "Decide the undecided" not in [s.value for s in app.subheader]


def test_the_pilot_page_shows_where_each_value_came_from(app):
    at = open_pilot(app)
    sources = table(at, "Field").set_index("Field")["Source"]
    assert sources["Controls"].startswith("register: sample_portfolio.xlsx, sheet Pilots, row ")
    assert sources["Users"] == "not answered yet"


def test_the_pilot_form_saves_a_snapshot_with_app_provenance(app):
    at = open_pilot(app)
    prefix = f"answer::{SAMPLE_LATEST}::{PILOT}::"
    labels = {
        w.key.removeprefix(prefix): w.label for w in at.number_input if (w.key or "").startswith(prefix)
    }
    assert labels == {  # every unknown answer, the deciding questions highlighted, each with its unit
        "monthly_volume": ":orange[**Monthly volume** · deciding] (cases or transactions a month)",
        "users": ":orange[**Users** · deciding] (people)",
        "monthly_value": "Monthly value (estimated value a month, in the portfolio's currency)",
    }
    answer(at, "users", 12)
    answer(at, "monthly_volume", 500)
    save_button(at).click()
    at.run()
    no_errors(at)
    assert "Saved snapshot #3: 2 answers" in [s.value for s in at.success]
    store = loaders.get_store()
    assert store.latest_snapshot_id("Sample portfolio") == 3
    pilots = store.load_pilots(3).set_index("pilot_id")
    assert pilots.loc[PILOT, "users"] == 12 and pilots.loc[PILOT, "monthly_volume"] == 500
    provenance = store.load_provenance(3).set_index(["pilot_id", "field"])
    assert provenance.loc[(PILOT, "users"), "kind"] == "app"
    assert provenance.loc[(PILOT, "monthly_volume"), "respondent"] == "open mode"
    assert provenance.loc[(PILOT, "controls"), "kind"] == "register"  # the rest keep theirs
    # The page now shows the new snapshot, with the answers and their source.
    assert at.sidebar.selectbox(key="snapshot_pick").value == 3
    sources = table(at, "Field").set_index("Field")
    assert sources.loc["Users", "Value"] == "12" and sources.loc["Users", "Source"].startswith(
        "app: open mode, "
    )
    assert not [
        w for w in at.number_input if w.key == f"answer::3::{PILOT}::users"
    ]  # answered: not asked again


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [(None, None, "No answer given"), ("users", 0, "cannot be saved")],  # users start at 1
)
def test_a_refused_save_shows_why_and_stores_nothing(app, field, value, message):
    at = open_pilot(app)
    if field:
        answer(at, field, value)
    save_button(at).click()
    at.run()
    assert not at.exception
    assert [e.value for e in at.error if message in e.value]
    assert loaders.get_store().latest_snapshot_id("Sample portfolio") == SAMPLE_LATEST


@pytest.fixture
def roles_file(tmp_path, monkeypatch):
    path = tmp_path / "roles.toml"
    path.write_text(ROLES, encoding="utf-8")
    monkeypatch.setenv(ROLES_ENV, str(path))
    return path


@pytest.mark.parametrize(("email", "sees_form"), [("val@elsewhere.org", False), ("ed@example.com", True)])
def test_only_an_editor_sees_the_form(store_path, roles_file, email, sees_form):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets["auth"] = AUTH
    at.user = signed_in(email)
    at.run()
    open_pilot(at)
    assert any(b.label == "Save answers" for b in at.button) is sees_form
    assert any("Answering questions needs the editor role" in i.value for i in at.info) is not sees_form


def test_presentation_mode_hides_the_form_and_the_respondents(app):
    at = open_pilot(app)
    answer(at, "users", 12)
    save_button(at).click()
    at.run()
    at.sidebar.toggle(key="present").set_value(True)
    at.run()
    no_errors(at)
    assert not any(b.label == "Save answers" for b in at.button)
    sources = table(at, "Field").set_index("Field")["Source"]
    assert sources["Users"].startswith("app, ") and "open mode" not in sources["Users"]
    assert sources["Controls"] == "register"


def test_history_shows_the_answers_that_arrived(app):
    at = open_pilot(app)
    answer(at, "users", 12)
    answer(at, "monthly_volume", 500)
    save_button(at).click()
    at.run()
    at.switch_page("app_pages/history.py")
    at.run()
    no_errors(at)
    assert "Answers arrived since snapshot #2" in [s.value for s in at.subheader]
    per_field = table(at, "Field")
    assert per_field.to_dict("list") == {
        "Field": ["Monthly volume", "Users"],
        "Answers": [1, 1],
        "Pilots": [1, 1],
    }
    assert table(at, "Owner").to_dict("list") == {"Owner": ["Farah Haddad"], "Answers": [2], "Pilots": [1]}
    assert "2 answers for 1 pilot." in [c.value for c in at.caption]
    names = [t.get("name") for c in at.get("plotly_chart") for t in json.loads(c.proto.spec)["data"]]
    assert {PROVENANCE_KIND_NAMES["app"], PROVENANCE_KIND_NAMES["register"]} <= set(names)
    assert PROVENANCE_KIND_NAMES["app"] == "Answered in the app"


def test_the_panel_lists_the_top_owners_and_says_how_many_more(store_path, monkeypatch):
    import ui.questions

    monkeypatch.setattr(ui.questions, "WAITING_LIMIT", 3)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    no_errors(at)
    owners = len(expected_questions().owners)
    assert len(table(at, "Owner")) == 3
    assert f"and {owners - 3} more owners" in [c.value for c in at.caption]
