"""Kairo Portfolio Triage: the router and frame. Pages live in app_pages/, helpers in ui/."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from kairo_scoring import KairoError
from ui.auth import render_access, resolve_access, sign_in_page
from ui.sidebar import render_sidebar
from ui.state import (
    begin_first_paint,
    end_first_paint,
    init_state,
    next_pass_asked,
    page_chosen_meanwhile,
    presenting,
    show_flash,
    sync_url,
    url_params,
)
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
# A pass of the Portfolio page's first paint that overtook a page the person chose: back to it.
if (chosen := page_chosen_meanwhile(page.url_path, PORTFOLIO_PAGE.url_path)) is not None:
    st.switch_page(
        next(p for section in PAGES.values() for p in section if p.url_path == chosen),
        query_params=url_params(),
    )

# Larger type for workshops; a fixed stylesheet, never user text.
PRESENTATION_CSS = """<style>
html, body, [data-testid="stAppViewContainer"] { font-size: 19px; }
[data-testid="stMarkdownContainer"] p, [data-testid="stCaptionContainer"] { font-size: 1.08rem; }
/* Metric values render through markdown too: keep them headline-sized. */
[data-testid="stMetricValue"], [data-testid="stMetricValue"] p, [class*="st-key-kairo_figure"] h2 { font-size: 1.65rem; line-height: 1.25; }
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
/* The first paint's headline figures (ui.widgets.figure, early): a metric tile's look, in plain
   markdown (its label small, its value a heading: the right sizes before this sheet arrives). */
[class*="st-key-kairo_figure"] { padding-bottom: 0.9375rem; } /* a metric tile's height */
[class*="st-key-kairo_figure"] p { margin: 0; line-height: 1.5rem; }
[class*="st-key-kairo_figure"] h2 {
  font-size: 2.25rem; font-weight: 400; line-height: normal; padding: 0 0 0.25rem; margin: 0;
  overflow-wrap: break-word;
}
@media (max-width: 640px) {
  .js-plotly-plot .modebar-container { display: none; }
  [class*="st-key-wide_chart"] { overflow-x: auto; }
  [class*="st-key-wide_chart"] > [data-testid="stElementContainer"] { min-width: 900px; }
}
</style>"""

# A browser session's first run on the Portfolio page sends the headline first: the page without
# the sidebar (the same view, read before its widgets are drawn; nothing was touched yet), and
# the sidebar and charts on the next run, once the browser shows the headline (ui.state).
headline_first = begin_first_paint(page is PORTFOLIO_PAGE)
render_access(access)
try:
    view = render_sidebar(draw=not headline_first)
except KairoError as exc:
    st.error(f"The portfolio store cannot be used: {md_escape(exc)}", icon=":material/error:")
    st.stop()
if headline_first and not len(view.scored):  # no pilot in view: the page only says so and stops
    end_first_paint()  # after a stop nothing more is drawn: the sidebar now, the whole page
    headline_first = False
    view = render_sidebar()
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
    # The sidebar comes with the next pass, once the headline is painted; at once when the page
    # stopped before asking for it (no pilot in view): the filters stay reachable.
    if headline_first and not next_pass_asked():
        render_sidebar()
sync_url()
