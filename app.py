"""Kairo Portfolio Triage: the router and frame. Pages live in app_pages/, helpers in ui/."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from kairo_scoring import KairoError
from ui.auth import render_access, resolve_access, sign_in_page
from ui.sidebar import render_sidebar
from ui.state import begin_first_paint, init_state, presenting, show_flash, sync_url
from ui.text import md_escape

init_state()
# Presentation mode (from the toggle or a shared link's ?present=true, read by init_state) starts
# with the sidebar collapsed: the room sees the page, not the controls. Otherwise "auto": open on
# a desktop, collapsed on a phone. Streamlit applies a changed state, so the toggle collapses it.
# The favicon is an SVG file, sent inline as a data: URL; a ":material/…" page icon would make
# the browser fetch it from fonts.gstatic.com (tests/security/test_no_outside_requests.py).
st.set_page_config(
    page_title="Kairo Portfolio Triage",
    page_icon=str(Path(__file__).parent / "ui" / "favicon.svg"),
    layout="wide",
    initial_sidebar_state="collapsed" if presenting() else "auto",
)
try:
    access = resolve_access()
except KairoError as exc:  # a malformed roles file: fail closed
    st.error(f"Sign-in is misconfigured: {md_escape(exc)}", icon=":material/error:")
    st.stop()
if access.needs_sign_in:
    st.navigation([st.Page(sign_in_page, title="Sign in", icon=":material/login:")]).run()
    st.stop()

PORTFOLIO_PAGE = st.Page(
    "app_pages/portfolio.py",
    title="Portfolio",
    icon=":material/dashboard:",
    default=True,
    url_path="overview",
)
PAGES = {
    "Portfolio": [
        PORTFOLIO_PAGE,
        st.Page("app_pages/pilot.py", title="Pilot", icon=":material/troubleshoot:", url_path="scorecard"),
        st.Page("app_pages/history.py", title="History", icon=":material/history:", url_path="snapshots"),
    ],
    "Data": [
        st.Page("app_pages/intake.py", title="Intake", icon=":material/upload_file:", url_path="import"),
        st.Page("app_pages/export.py", title="Export", icon=":material/download:", url_path="downloads"),
        st.Page("app_pages/audit.py", title="Audit", icon=":material/policy:", url_path="audit"),
    ],
    "Model": [
        st.Page(
            "app_pages/scoring_model.py", title="Scoring model", icon=":material/tune:", url_path="model"
        ),
    ],
}
# The pages live in app_pages/, not pages/: Streamlit still gives a folder named pages/ a
# legacy multipage pass on the first run of a process, before st.navigation has run, and
# that pass shows a spurious "Page not found" to the first visitor on a deep link.
page = st.navigation(PAGES)

# Larger type for workshops; a fixed stylesheet, never user text.
PRESENTATION_CSS = """<style>
html, body, [data-testid="stAppViewContainer"] { font-size: 19px; }
[data-testid="stMarkdownContainer"] p, [data-testid="stCaptionContainer"] { font-size: 1.08rem; }
/* Metric values render through markdown too: keep them headline-sized. */
[data-testid="stMetricValue"], [data-testid="stMetricValue"] p { font-size: 1.65rem; line-height: 1.25; }
</style>"""

# Every layout, every page: metrics wrap rather than end in "…" (a label or value is never cut),
# and on a phone plotly's toolbar gives way to the legend, and the flow chart (three labelled
# columns, see ui.widgets.chart) keeps a readable width and scrolls sideways in its own box.
LAYOUT_CSS = """<style>
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] *,
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  overflow-wrap: break-word;
}
@media (max-width: 640px) {
  .js-plotly-plot .modebar-container { display: none; }
  [class*="st-key-wide_chart"] { overflow-x: auto; }
  [class*="st-key-wide_chart"] > [data-testid="stElementContainer"] { min-width: 900px; }
}
</style>"""

# A browser session's first run on the Portfolio page sends the headline first: the page before
# the sidebar (the same view, read before its widgets are drawn; nothing was touched yet), and
# the charts and tables on the next run, once the browser shows the headline (ui.state).
headline_first = begin_first_paint(page is PORTFOLIO_PAGE)
render_access(access)
try:
    view = render_sidebar(draw=not headline_first)
except KairoError as exc:
    st.error(f"The portfolio store cannot be used: {md_escape(exc)}", icon=":material/error:")
    st.stop()
st.session_state["_view"] = view
st.html(LAYOUT_CSS)
if view.presenting:
    st.html(PRESENTATION_CSS)

show_flash()
try:
    page.run()
except KairoError as exc:
    st.error(md_escape(exc), icon=":material/error:")
finally:
    if headline_first:  # also when the page stopped (no pilot in view): the filters stay reachable
        render_sidebar()
sync_url()
