"""Kairo Portfolio Triage: the router and frame. Pages live in pages/, helpers in ui/."""

from __future__ import annotations

import streamlit as st

from kairo_scoring import KairoError
from ui.auth import render_access, resolve_access, sign_in_page
from ui.sidebar import render_sidebar
from ui.state import init_state, show_flash, sync_url
from ui.text import md_escape

st.set_page_config(
    page_title="Kairo Portfolio Triage",
    page_icon=":material/account_tree:",
    layout="wide",
    initial_sidebar_state="expanded",
)
init_state()
try:
    access = resolve_access()
except KairoError as exc:  # a malformed roles file: fail closed
    st.error(f"Sign-in is misconfigured: {md_escape(exc)}", icon=":material/error:")
    st.stop()
if access.needs_sign_in:
    st.navigation([st.Page(sign_in_page, title="Sign in", icon=":material/login:")]).run()
    st.stop()

PAGES = {
    "Portfolio": [
        st.Page(
            "pages/portfolio.py",
            title="Portfolio",
            icon=":material/dashboard:",
            default=True,
            url_path="overview",
        ),
        st.Page("pages/pilot.py", title="Pilot", icon=":material/troubleshoot:", url_path="scorecard"),
        st.Page("pages/history.py", title="History", icon=":material/history:", url_path="snapshots"),
    ],
    "Data": [
        st.Page("pages/intake.py", title="Intake", icon=":material/upload_file:", url_path="import"),
        st.Page("pages/export.py", title="Export", icon=":material/download:", url_path="downloads"),
    ],
    "Model": [
        st.Page("pages/scoring_model.py", title="Scoring model", icon=":material/tune:", url_path="model"),
    ],
}
# URL paths differ from the file names on purpose: Streamlit treats a project with a pages/
# folder as a v1 multipage app until st.navigation runs, and a v1 page that shares a URL
# path with ours would run without this frame (AppTest does that on every rerun).
page = st.navigation(PAGES)

# Larger type for workshops; a fixed stylesheet, never user text.
PRESENTATION_CSS = """<style>
html, body, [data-testid="stAppViewContainer"] { font-size: 19px; }
[data-testid="stMarkdownContainer"] p, [data-testid="stCaptionContainer"] { font-size: 1.08rem; }
</style>"""

render_access(access)
try:
    view = render_sidebar()
except KairoError as exc:
    st.error(f"The portfolio store cannot be used: {md_escape(exc)}", icon=":material/error:")
    st.stop()
st.session_state["_view"] = view
if view.presenting:
    st.html(PRESENTATION_CSS)

show_flash()
try:
    page.run()
except KairoError as exc:
    st.error(md_escape(exc), icon=":material/error:")
sync_url()
