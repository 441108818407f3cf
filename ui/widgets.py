"""Small reusable widgets: the context line under a title, chart display, pilot links."""

from __future__ import annotations

import html

import plotly.graph_objects as go
import streamlit as st

from kairo_scoring import filters_text, scale_for_room
from ui.sidebar import View
from ui.state import open_pilot, presenting, url_params
from ui.text import md_escape

CHART_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"], "responsive": True}


def context_line(view: View) -> None:
    """'Sample portfolio · #2 · 2025-… · profile default v1 · filters …' (user text escaped)."""
    parts = [
        f"**{md_escape(view.portfolio)}**",
        md_escape(view.snapshot.label),
        f"profile {md_escape(view.profile.label)}",
    ]
    if view.filters.active:
        parts.append(f"filtered by {md_escape(filters_text(view.filters))}")
    if view.presenting:
        parts.append("presentation mode")
    st.caption(" · ".join(parts))


def chart(fig: go.Figure, *, key: str | None = None, selectable: bool = False):
    """Show a figure with our own template (not Streamlit's theme); selectable charts rerun on click.
    In presentation mode every font is room-sized (`scale_for_room`), whichever page draws it."""
    if presenting():
        fig = scale_for_room(fig)
    if any(trace.type == "sankey" for trace in fig.data):
        # In a box of its own, which app.py's stylesheet lets scroll sideways on a phone: three
        # columns of labelled nodes need more width than a phone has, or the labels overlap.
        with st.container(key="wide_chart" if key is None else f"wide_chart_{key}"):
            return st.plotly_chart(fig, theme=None, key=key, config=CHART_CONFIG)
    if selectable:
        return st.plotly_chart(
            fig, theme=None, key=key, on_select="rerun", selection_mode="points", config=CHART_CONFIG
        )
    return st.plotly_chart(fig, theme=None, key=key, config=CHART_CONFIG)


def go_to_pilot(pilot_id: str) -> None:
    """Open a pilot on the Pilot page, carrying the whole view (portfolio, filters…) in its URL."""
    open_pilot(pilot_id)
    st.switch_page("app_pages/pilot.py", query_params=url_params())


def back_to_portfolio() -> None:
    """A button back to the Portfolio page, keeping the view (the browser's Back button works too)."""
    if st.button("Back to the portfolio", icon=":material/arrow_back:", key="back_to_portfolio"):
        st.switch_page("app_pages/portfolio.py", query_params=url_params())


def selected_point_id(event) -> str | None:
    """The pilot_id (customdata[0]) of the clicked point in a plotly selection event.

    Read by key: Streamlit's event is a dict subclass, and a selection restored from
    session state is a plain dict.
    """
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    for point in points or ():
        data = point.get("customdata") if isinstance(point, dict) else None
        if data:
            return html.unescape(str(data[0]))  # the figures escape what plotly shows
    return None


def empty_notice(view: View) -> bool:
    """Say so and return True when the filters leave no pilot."""
    if len(view.scored) == 0:
        st.info(
            "No pilot matches the filters. Clear some filters in the sidebar.",
            icon=":material/filter_alt_off:",
        )
        return True
    return False


# Runs in the page on a session's first paint (`ui.state.begin_first_paint`): once the
# headline's tiles are on screen (or after 3 s whatever happens), two animation frames later
# (so they are painted), ask the server for the rest of the page. Until then the browser
# fetches and evaluates only the code of the headline's and the sidebar's elements, not
# plotly.js (4.7 MB) or the table's grid and Arrow (1.2 MB), which would hold the headline back.
PAINTED_JS = """
export default function ({ setTriggerValue }) {
  const start = performance.now();
  const shown = () => [...document.querySelectorAll('[data-testid=stMetric]')]
    .some((tile) => tile.getBoundingClientRect().height > 0);
  const tick = () => {
    if (shown() || performance.now() - start > 3000) {
      requestAnimationFrame(() => requestAnimationFrame(() => setTriggerValue('painted', true)));
    } else {
      setTimeout(tick, 20);
    }
  };
  tick();
}
"""
_painted = st.components.v2.component("kairo_first_paint", js=PAINTED_JS)


def rest_after_paint() -> None:
    """Rerun the page, drawing everything, as soon as the browser has painted the headline."""
    _painted(key="first_paint", on_painted_change=lambda: None)


def blank(height: int) -> None:
    """An empty box the height of what the next run draws there (no layout jump when it comes)."""
    st.container(height=height, border=False)
