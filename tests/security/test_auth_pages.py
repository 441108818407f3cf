"""Sign-in and roles in the app (AppTest with a faked `st.user`): the login gate, open mode,
and which controls each role gets. The browser test against a real OIDC provider is
tests/security/test_browser_oidc.py."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from kairo_scoring import PortfolioStore
from tests.pages.conftest import APP, TIMEOUT, no_errors
from ui.auth import OPEN_ACCESS_NOTE, ROLES_ENV

AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret-that-is-long-enough-0123456789",
    "client_id": "kairo-test",
    "client_secret": "kairo-test-secret",
    "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration",
}
ROLES = """
default_role = "viewer"

[emails]
"ada@example.com" = "admin"

[domains]
"example.com" = "editor"
"""
REGISTER = b"Pilot name,Unit,Owner,Process maturity,Controls,Monthly volume,Risk\nInvoice bot,Finance,Ann,4,4,1200,low\n"


@pytest.fixture
def roles_file(tmp_path, monkeypatch):
    path = tmp_path / "roles.toml"
    path.write_text(ROLES, encoding="utf-8")
    monkeypatch.setenv(ROLES_ENV, str(path))
    return path


def run_as(user: dict | None, page: str | None = None) -> AppTest:
    """The app with `[auth]` configured, as `user` (None: open mode, no [auth] section)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if user is not None:
        at.secrets["auth"] = AUTH
        at.user = user
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    no_errors(at)
    return at


def signed_in(email: str) -> dict:
    return {"is_logged_in": True, "email": email, "name": email.split("@")[0]}


def sidebar_text(at: AppTest) -> str:
    return " ".join(c.value for c in at.sidebar.caption)


def upload_register(at: AppTest) -> None:
    at.file_uploader(key="register_upload").upload("register.csv", REGISTER, "text/csv")
    at.run()
    no_errors(at)
    assert [m.value for m in at.metric if m.label == "Rows accepted"] == ["1"]


def labels(at: AppTest) -> list[str]:
    return [b.label for b in at.button]


def test_without_auth_the_app_is_open_and_says_so(store_path):
    at = run_as(None)
    assert OPEN_ACCESS_NOTE in sidebar_text(at)
    assert "Sign in" not in labels(at)
    assert [t.value for t in at.title] == ["Portfolio"]


def test_signed_out_users_see_only_the_sign_in_page(store_path, roles_file):
    at = run_as({"is_logged_in": False})
    assert "Sign in" in labels(at)
    assert [t.value for t in at.title] == ["Kairo Portfolio Triage"]
    assert not at.metric and not at.dataframe  # no portfolio figures
    assert "portfolio" not in {s.key for s in at.sidebar.selectbox}
    assert OPEN_ACCESS_NOTE not in sidebar_text(at)
    # the sign-in page stands in for every page: a deep link shows it too
    deep = AppTest.from_file(APP, default_timeout=TIMEOUT)
    deep.secrets["auth"] = AUTH
    deep.user = {"is_logged_in": False}
    deep.query_params["pilot"] = "KP-003"
    deep.run()
    assert not deep.metric and "Sign in" in labels(deep)


@pytest.mark.parametrize(
    ("email", "role", "can_import", "can_edit_profile"),
    [
        ("val@elsewhere.org", "viewer", False, False),  # the default role
        ("ed@example.com", "editor", True, False),  # by domain
        ("ada@example.com", "admin", True, True),  # by exact email
    ],
)
def test_each_role_gets_its_controls(store_path, roles_file, email, role, can_import, can_edit_profile):
    at = run_as(signed_in(email), "app_pages/intake.py")
    assert f"Signed in as {email.replace('.', chr(92) + '.')} · {role}" in sidebar_text(at)
    assert "Sign out" in labels(at)
    upload_register(at)
    assert ("Save snapshot" in labels(at)) is can_import
    assert any("needs the editor role" in i.value for i in at.info) is not can_import

    at.switch_page("app_pages/scoring_model.py")
    at.run()
    no_errors(at)
    assert any(label.startswith("Save as") for label in labels(at)) is can_edit_profile
    assert any(n.key.startswith("editor::") for n in at.number_input) is can_edit_profile
    assert any("needs the admin role" in i.value for i in at.info) is not can_edit_profile
    # everyone sees the portfolio
    at.switch_page("app_pages/portfolio.py")
    at.run()
    no_errors(at)
    assert {m.label for m in at.metric} >= {"Pilots", "Ready to promote"}


def test_an_editor_import_lands_in_the_store(store_path, roles_file):
    at = run_as(signed_in("ed@example.com"), "app_pages/intake.py")
    upload_register(at)
    at.text_input(key="intake_portfolio").set_value("Editor import")
    at.run()
    next(b for b in at.button if b.label == "Save snapshot").click()
    at.run()
    no_errors(at)
    with PortfolioStore(store_path) as store:
        assert store.snapshots("Editor import")["pilots"].tolist() == [1]


def test_an_unverified_email_gets_the_default_role(store_path, roles_file):
    at = run_as({**signed_in("ada@example.com"), "email_verified": False}, "app_pages/scoring_model.py")
    assert "· viewer" in sidebar_text(at)
    assert not any(label.startswith("Save as") for label in labels(at))


def test_a_malformed_roles_file_stops_the_app(store_path, roles_file):
    roles_file.write_text('default_role = "superuser"\n', encoding="utf-8")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets["auth"] = AUTH
    at.user = signed_in("ada@example.com")
    at.run()
    assert not at.exception
    assert any("Sign-in is misconfigured" in e.value for e in at.error)
    assert not at.metric and "Save snapshot" not in labels(at)


# --- the role is checked again at the click, by the store ---------------------------------


def demote(roles_file, text: str) -> None:
    """Change the roles file between the page's render and the user's click."""
    roles_file.write_text(text, encoding="utf-8")


def click(at: AppTest, label_start: str) -> None:
    next(b for b in at.button if b.label.startswith(label_start)).click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def refusals(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def test_an_import_is_refused_when_the_role_was_lowered_after_the_page_was_drawn(store_path, roles_file):
    at = run_as(signed_in("ed@example.com"), "app_pages/intake.py")
    upload_register(at)
    at.text_input(key="intake_portfolio").set_value("Stale import")
    at.run()
    assert "Save snapshot" in labels(at)  # drawn for an editor
    demote(roles_file, ROLES.replace('"example.com" = "editor"', '"example.com" = "viewer"'))
    click(at, "Save snapshot")
    assert any("Saving a register as a snapshot needs the editor role" in e for e in refusals(at)), refusals(
        at
    )
    assert "Save snapshot" not in labels(at)  # and the page now draws a viewer's controls
    with PortfolioStore(store_path) as store:
        assert store.snapshots("Stale import").empty


def test_a_mapping_save_is_refused_when_the_role_was_lowered_after_the_page_was_drawn(store_path, roles_file):
    at = run_as(signed_in("ed@example.com"), "app_pages/intake.py")
    upload_register(at)
    at.text_input(key="mapping_save_name").set_value("Finance register")
    at.run()
    demote(roles_file, ROLES.replace('"example.com" = "editor"', '"example.com" = "viewer"'))
    click(at, "Save mapping")
    assert any("Saving a mapping profile needs the editor role" in e for e in refusals(at)), refusals(at)
    with PortfolioStore(store_path) as store:
        assert store.mappings().empty


def test_a_mapping_save_by_an_editor_lands_in_the_store(store_path, roles_file):
    at = run_as(signed_in("ed@example.com"), "app_pages/intake.py")
    upload_register(at)
    at.text_input(key="mapping_save_name").set_value("Finance register")
    at.run()
    click(at, "Save mapping")
    no_errors(at)
    with PortfolioStore(store_path) as store:
        assert store.mappings()["name"].tolist() == ["Finance register"]


def test_a_profile_save_is_refused_when_the_role_was_lowered_after_the_page_was_drawn(store_path, roles_file):
    at = run_as(signed_in("ada@example.com"), "app_pages/scoring_model.py")
    weight = next(n for n in at.number_input if "::w::" in str(n.key))
    weight.set_value(weight.value + 0.5)
    at.run()
    no_errors(at)
    with PortfolioStore(store_path) as store:
        before = store.profiles()[["name", "version"]].values.tolist()
    demote(roles_file, ROLES.replace('"ada@example.com" = "admin"', '"ada@example.com" = "editor"'))
    click(at, "Save as")
    assert any("Saving a scoring profile needs the admin role" in e for e in refusals(at)), refusals(at)
    assert not any(label.startswith("Save as") for label in labels(at))
    with PortfolioStore(store_path) as store:
        assert store.profiles()[["name", "version"]].values.tolist() == before


def test_a_look_alike_of_an_editor_cannot_import(store_path, roles_file):
    demote(roles_file, ROLES.replace('"example.com" = "editor"', '"strasse.de" = "editor"'))
    at = run_as(signed_in("ed@straße.de"), "app_pages/intake.py")
    assert "· viewer" in sidebar_text(at)
    upload_register(at)
    assert "Save snapshot" not in labels(at)
