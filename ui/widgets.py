"""Small reusable widgets: the context line under a title, chart display, pilot links."""

from __future__ import annotations

import html

import plotly.graph_objects as go
import streamlit as st

from kairo_scoring import filters_text, scale_for_room
from ui.sidebar import View
from ui.state import ask_next_pass, note_pass_asked, open_pilot, presenting, url_params
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


# Runs in the page on the first pass of a session's first paint (`ui.state.begin_first_paint`):
# once every chart of that pass is drawn, or after 3 s whatever happens, two animation frames
# later (so it is painted), ask the server for the next pass, which draws the whole page. So the
# browser evaluates the headline's and plotly's code before the tables' grid and Arrow (1.2 MB)
# and the sidebar's widgets, which would hold the charts back.
PAINTED_JS = """
export default function ({ data, setTriggerValue }) {
  // Stand down once the person goes elsewhere: a link clicked (the sidebar's pages; noted once
  // for the whole page load, so a pass drawn after the click stands down too), the page's address
  // changed, or this element gone. Asking for the next pass then would rerun this page over the
  // one they chose. Streamlit sends an ask in a timer task after it is made (widget changes go
  // in batches), while a page link sends at once: a click between the two is held back and
  // replayed once the ask is sent, so the server always gets the person's choice last.
  const seen = (window.kairoFirstPaint ??= { left: false, sending: 0, held: [] });
  if (!seen.listening) {
    seen.listening = true;
    document.addEventListener('click', (event) => {
      const link = event.target.closest && event.target.closest('a[href]');
      if (!link) return;
      if (seen.sending > 0) {
        event.preventDefault();
        event.stopImmediatePropagation();
        seen.held.push(link.getAttribute('href'));
        return;
      }
      seen.left = true;
    }, true);
  }
  const path = location.pathname;
  let done = false;
  const standDown = () => { done = true; };
  const ask = () => {
    const wanted = !done && !seen.left && location.pathname === path;
    done = true;
    if (!wanted) return;
    seen.sending += 1;
    setTriggerValue('painted', true);
    document.dispatchEvent(new CustomEvent('kairo:next-pass'));
    setTimeout(() => {  // set after Streamlit's own timer for the ask: runs once it is sent
      seen.sending -= 1;
      // the same link drawn now (a pass may have drawn the sidebar again meanwhile)
      for (const href of seen.held.splice(0)) {
        const link = [...document.querySelectorAll('a[href]')].find((a) => a.getAttribute('href') === href);
        if (link) link.click();
      }
    }, 0);
  };
  const visible = (e) => e.getBoundingClientRect().height > 0;
  const shown = () => {
    const charts = [...document.querySelectorAll('[data-testid=stPlotlyChart]')];
    return charts.length > 0 && charts.every((c) => c.querySelector('.main-svg') && visible(c));
  };
  const start = performance.now();
  const tick = () => {
    if (done) return;
    if (shown() || performance.now() - start > 3000) {
      requestAnimationFrame(() => requestAnimationFrame(ask));
    } else {
      setTimeout(tick, 20);
    }
  };
  tick();
  return standDown;  // unmounted (another page, or the next pass drawn): nothing more to ask
}
"""
_painted = st.components.v2.component("kairo_first_paint", js=PAINTED_JS)


def rest_after_paint() -> None:
    """Rerun the page for the whole page once the browser has drawn the first pass's charts."""
    ask_next_pass()
    # The next pass draws metric tiles in the markdown tiles' place. An empty one now, that nobody
    # sees, has the browser load their code with the charts' (React waits for an element type's
    # code, showing a grey box, the first time one is drawn: else the headline would give way to
    # grey boxes for up to a second and a half while the next pass loads).
    st.metric("Headline figures", "", label_visibility="collapsed")
    _painted(key="first_paint", data={}, on_painted_change=note_pass_asked)  # app.py: page_chosen_meanwhile


def figure(label: str, value: str, *, help: str | None = None, early: bool = False) -> None:
    """One headline figure as a tile that sizes to its text. `early` (the first paint's headline
    pass): the same label and value as plain markdown, whose code the browser loads for any text
    anyway (a metric tile's is nine more files fetched before the headline could show): the
    label small, the value a heading of the metric's size, so it reads right before app.py's
    stylesheet (`st-key-kairo_figure…` in LAYOUT_CSS) arrives. No HTML: markdown with HTML waits
    for a plugin of its own (rehype-raw), fetched while the server is busy with the charts, which
    held the headline back by ≈ 0.4 s. The next pass draws the metric tile in its place (with its
    help), the same height."""
    if not early:
        st.metric(label, value, help=help, width="content")
        return
    with st.container(key=f"kairo_figure_{_key(label)}", width="content"):
        st.markdown(f":small[{md_escape(label)}]\n\n## {md_escape(value)}", anchors=False, width="content")


def _key(label: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in label.lower())


def blank(height: int) -> None:
    """An empty box the height of what the next run draws there (no layout jump when it comes)."""
    st.container(height=height, border=False)
