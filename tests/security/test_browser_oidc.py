"""Sign-in in Chromium against a local OpenID Connect provider (oidc-provider-mock) on loopback:
the app shows only a sign-in button, the provider signs the user in, and the role from the
roles file decides which controls appear. Nothing leaves 127.0.0.1."""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Iterator

import pytest
import tomli_w
import werkzeug.serving
from playwright.sync_api import Page, expect

import tests.e2e.conftest as e2e
from tests.e2e.conftest import (  # noqa: F401 - the two browser fixtures are used by pytest-playwright
    browser_context_args,
    browser_type_launch_args,
    register_upload,
)
from tests.e2e.test_e2e_app import WAIT, settle
from tests.security.test_auth_pages import REGISTER
from tests.security.test_browser_xss import go_to, stray_dialog
from ui.auth import ROLES_ENV

oidc_provider_mock = pytest.importorskip("oidc_provider_mock")
pytestmark = pytest.mark.e2e

ROLES = """
default_role = "viewer"

[emails]
"ada@example.com" = "admin"
"""


@pytest.fixture(scope="module")
def provider_url() -> Iterator[str]:
    """A mock OIDC provider on 127.0.0.1: any client, any user typed into its form (email = sub)."""
    server = werkzeug.serving.make_server("127.0.0.1", 0, oidc_provider_mock.app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def signed_app_url(tmp_path_factory, provider_url) -> Iterator[str]:
    """`streamlit run` with an [auth] section and a roles file, both in a temporary folder."""
    folder = tmp_path_factory.mktemp("oidc")
    port = e2e.free_port()
    auth = {
        "redirect_uri": f"http://127.0.0.1:{port}/oauth2callback",
        "cookie_secret": secrets.token_hex(32),
        "client_id": "kairo-e2e",
        "client_secret": secrets.token_hex(16),
        "server_metadata_url": f"{provider_url}/.well-known/openid-configuration",
    }
    (folder / "secrets.toml").write_text(tomli_w.dumps({"auth": auth}), encoding="utf-8")
    (folder / "roles.toml").write_text(ROLES, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        # Streamlit reads secrets from the files this option names (not the repo's .streamlit/).
        patch.setenv("STREAMLIT_SECRETS_FILES", str(folder / "secrets.toml"))
        patch.setenv(ROLES_ENV, str(folder / "roles.toml"))
        patch.setattr(e2e, "free_port", lambda: port)  # the redirect URI must name the app's port
        process, url = e2e.start_app(folder / "kairo.duckdb", folder / "streamlit.log")
    yield url
    e2e.stop_app(process)


def sign_in(page: Page, app_url: str, provider_url: str, email: str) -> None:
    page.goto(app_url, timeout=WAIT)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=WAIT)
    expect(page.get_by_test_id("stSidebar").get_by_label("Portfolio")).to_have_count(0)  # nothing shown
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(re.escape(provider_url) + r"/.*authorize"), timeout=WAIT)
    page.locator("input[name=sub]").fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(re.compile(re.escape(app_url) + r"/?(\?.*)?$"), timeout=WAIT)
    expect(page.get_by_role("heading", name="Portfolio", exact=True)).to_be_visible(timeout=WAIT)
    settle(page)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text(f"Signed in as {email}")).to_be_visible()


def intake_controls(page: Page) -> bool:
    """Upload a register on the Intake page; whether the Save snapshot button is offered."""
    go_to(page, "Intake")
    expect(page.get_by_role("heading", name="Intake", exact=True)).to_be_visible(timeout=WAIT)
    settle(page)
    register_upload(page).set_input_files(
        files=[{"name": "register.csv", "mimeType": "text/csv", "buffer": REGISTER}]
    )
    expect(page.get_by_role("heading", name="Save as a snapshot", exact=True)).to_be_visible(timeout=WAIT)
    settle(page)
    return page.get_by_role("button", name="Save snapshot").count() == 1


def profile_controls(page: Page) -> bool:
    """Open the Scoring model's editor tab; whether a profile can be saved from it."""
    go_to(page, "Scoring model")
    expect(page.get_by_role("heading", name="Scoring model", exact=True)).to_be_visible(timeout=WAIT)
    settle(page)
    page.get_by_role("tab", name="Edit the model").click()
    settle(page)
    return page.get_by_role("button", name=re.compile(r"^Save as ")).count() == 1


def test_a_viewer_signs_in_and_sees_but_cannot_import_or_change_the_model(
    page: Page, signed_app_url, provider_url
):
    sign_in(page, signed_app_url, provider_url, "val@example.org")
    expect(page.get_by_test_id("stSidebar").get_by_text("· viewer")).to_be_visible()
    expect(page.get_by_text("Open access")).to_have_count(0)
    expect(page.get_by_text("Ready to promote")).to_be_visible()  # the portfolio is shown
    assert not intake_controls(page)
    expect(page.get_by_text("needs the editor role")).to_be_visible()
    assert not profile_controls(page)
    expect(page.get_by_text("needs the admin role")).to_be_visible()
    assert stray_dialog(page).count() == 0

    page.get_by_role("button", name="Sign out").click()
    end_session = page.get_by_role("button", name="End session")  # the provider confirms the logout
    end_session.or_(page.get_by_role("button", name="Sign in")).first.wait_for(timeout=WAIT)
    if end_session.count():
        end_session.click()
    page.goto(signed_app_url, timeout=WAIT)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=WAIT)


def test_an_admin_signs_in_and_gets_the_import_and_profile_controls(
    new_context, signed_app_url, provider_url
):
    page = new_context().new_page()  # a separate cookie jar: a second person
    sign_in(page, signed_app_url, provider_url, "ada@example.com")
    expect(page.get_by_test_id("stSidebar").get_by_text("· admin")).to_be_visible()
    assert intake_controls(page)
    assert profile_controls(page)
