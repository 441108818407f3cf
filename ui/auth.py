"""Sign-in and roles, Streamlit side: OIDC login (`st.login`) when `[auth]` is in secrets.toml.

Without an `[auth]` section the app runs open, as an admin, and says so in the sidebar.
With it, nothing but a sign-in page is shown until the user has signed in; their role then
comes from the roles file ($KAIRO_ROLES, else `.streamlit/roles.toml`) through
`kairo_scoring.role_for`, and pages ask `allowed(action)` before offering an action.

That role is only for what the page shows. Whether a write happens is decided by the
store: a page passes `current_actor()` (built at the click, from the signed-in user) to
every store write, and the store reads the roles file again at that moment; a refusal is
`AccessDenied`, which the page shows as a message.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from kairo_scoring import (
    LOCAL_OPERATOR,
    MIN_ROLE,
    ROLES_ENV,  # noqa: F401 - the variable that names the roles file, for tests and docs
    Action,
    Actor,
    Role,
    can,
    current_role,
    roles_file_path,
)
from ui.text import md_escape

# The roles file's roles are `Role`'s: viewer < editor < approver < admin. Its path is the
# library's (`roles_file_path`), so the CLI's --user gets the role the app would give.
OPEN_ACCESS_NOTE = "Open access: no sign-in configured"
ACCESS_KEY = "_access"


@dataclass(frozen=True)
class Access:
    """Who is using this session and what they may do."""

    role: Role
    configured: bool  # an [auth] section exists, so sign-in is required
    signed_in: bool
    email: str | None = None

    @property
    def needs_sign_in(self) -> bool:
        return self.configured and not self.signed_in


def roles_path() -> Path:
    """The roles file: $KAIRO_ROLES, else .streamlit/roles.toml next to app.py (`roles_file_path`)."""
    return roles_file_path()


def auth_configured() -> bool:
    """Whether secrets.toml has an [auth] section (without a secrets file: no)."""
    return st.secrets.load_if_toml_exists() and "auth" in st.secrets


def resolve_access() -> Access:
    """This session's access; a malformed roles file raises `KairoError` (the app stops: fail closed)."""
    if not auth_configured():
        return Access(Role.ADMIN, configured=False, signed_in=False)
    actor = current_actor()
    if not actor.signed_in:
        return Access(Role.VIEWER, configured=True, signed_in=False)
    return Access(current_role(actor), configured=True, signed_in=True, email=actor.email)


def current_actor() -> Actor:
    """Who is asking for a write, now: pass it to every store write.

    Open access (no [auth] section) is the local operator, as the sidebar says; a signed-in
    user is their email and the roles file, read by the store at the write.
    """
    if not auth_configured():
        return LOCAL_OPERATOR
    user = st.user
    if not user.get("is_logged_in"):
        return Actor()  # nobody signed in: a viewer
    email = user.get("email")
    verified = user.get("email_verified")
    return Actor.user(
        str(email) if email else None,
        email_verified=verified if isinstance(verified, bool) else None,
        roles_path=roles_path(),
    )


def sign_in_page() -> None:
    """The only page a signed-out user sees."""
    st.title("Kairo Portfolio Triage")
    st.write("Sign in with your organisation's account to see the portfolio.")
    st.button("Sign in", type="primary", icon=":material/login:", on_click=st.login)


def render_access(access: Access) -> None:
    """The sidebar note: open access, or who is signed in with which role and a sign-out button."""
    st.session_state[ACCESS_KEY] = access
    with st.sidebar:
        if not access.configured:
            st.caption(f":material/lock_open: {OPEN_ACCESS_NOTE}")
            return
        who = md_escape(access.email or "an account without email")
        st.caption(f":material/person: Signed in as {who} · {access.role.label}")
        st.button("Sign out", on_click=st.logout, icon=":material/logout:", key="sign_out")


def allowed(action: Action) -> bool:
    """Whether this session's role may take `action` (no access recorded: no)."""
    access = st.session_state.get(ACCESS_KEY)
    return isinstance(access, Access) and can(access.role, action)


def denied_notice(action: Action, what: str) -> None:
    """Say that `what` needs a higher role than this session has."""
    access = st.session_state.get(ACCESS_KEY)
    mine = access.role.label if isinstance(access, Access) else "none"
    st.info(
        f"{what} needs the {MIN_ROLE[action].label} role; you are signed in as a {mine}.",
        icon=":material/lock:",
    )
