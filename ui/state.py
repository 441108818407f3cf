"""Session state, initialised in one place, and the URL keys that make a view shareable.

Sidebar widgets bind themselves to the URL (`bind="query-params"`, their key is the
parameter name). The selected pilot and snapshot are app-wide values rather than one
page's widget, so they are synced to `st.query_params` here. Nothing read from the URL
is ever unpickled or evaluated: each value is checked against the options it can take.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

# URL parameter names of the bound sidebar widgets (widget key == parameter name).
PORTFOLIO_KEY = "portfolio"
PROFILE_KEY = "profile"
PRESENT_KEY = "present"
FILTER_KEYS: dict[str, str] = {
    "business_unit": "bu",
    "owner": "owner",
    "stage": "stage",
    "verdict": "verdict",
    "risk_level": "risk",
}
# Session keys synced by hand to these URL parameters.
URL_SYNCED: dict[str, str] = {"pilot_id": "pilot", "snapshot_id": "snapshot"}
MAX_URL_VALUE = 200

DEFAULTS: dict[str, Any] = {
    "pilot_id": None,  # the pilot opened on the Pilot page (from a click, the picker or the URL)
    "snapshot_id": None,  # None: the latest snapshot of the chosen portfolio
    "flash": None,  # a one-off success message shown after a callback (saved, imported…)
}


def init_state() -> None:
    """Set every session default once per session, reading the hand-synced URL values."""
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, value)
    if st.session_state.get("_url_read"):
        return
    st.session_state["_url_read"] = True
    pilot = st.query_params.get("pilot")
    if pilot:
        st.session_state["pilot_id"] = str(pilot)[:MAX_URL_VALUE]
    snapshot = st.query_params.get("snapshot")
    if snapshot and str(snapshot).isdigit():
        st.session_state["snapshot_id"] = int(snapshot)


def sync_url() -> None:
    """Write the hand-synced session values to the URL (only when they changed)."""
    for key, param in URL_SYNCED.items():
        value = st.session_state.get(key)
        current = st.query_params.get(param)
        if value is None:
            if current is not None:
                del st.query_params[param]
        elif current != str(value):
            st.query_params[param] = str(value)


def presenting() -> bool:
    """Presentation mode: aliases instead of names, larger type, no editing controls."""
    return bool(st.session_state.get(PRESENT_KEY, False))


def open_pilot(pilot_id: str) -> None:
    """Select a pilot for the Pilot page."""
    st.session_state["pilot_id"] = str(pilot_id)


def flash(message: str) -> None:
    """Queue a success message for the next run (callbacks cannot draw)."""
    st.session_state["flash"] = message


def show_flash() -> None:
    message = st.session_state.get("flash")
    if message:
        st.session_state["flash"] = None
        st.success(message, icon=":material/check_circle:")
