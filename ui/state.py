"""Session state, initialised in one place, and the URL keys that make a view shareable.

Every value a shared link carries — the sidebar's portfolio, profile, presentation mode and
filters, the opened pilot, the snapshot and the Pilot page's what-if — is synced to `st.query_params` by hand here,
not with widget `bind="query-params"`: Streamlit refuses to switch pages (`st.switch_page`
clears the URL) while any parameter is bound to a widget, which made every drill-down from
a filtered or imported view crash. Owning the URL also lets `go_to_pilot` carry the whole
view to the Pilot page, so its link is as shareable as the Portfolio page's.

The URL is read once per session (`init_state`), written at the end of every run
(`sync_url`). Nothing read from it is ever unpickled or evaluated: a value is a string (or
a list of strings), cut to `MAX_URL_VALUE`, and checked against the options it can take
before a widget uses it (`keep_valid_choice`, `keep_valid_choices`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from kairo_scoring import EDITABLE_FIELDS, what_if_from_link, what_if_link

# URL parameter names of the sidebar widgets (widget key == parameter name).
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
DECISION_FILTER_KEY = "decision"  # the decision-state filter (not a table column: see PortfolioFilter)
# Session keys that are not widgets, synced to these URL parameters.
URL_SYNCED: dict[str, str] = {"pilot_id": "pilot", "snapshot_id": "snapshot"}
MAX_URL_VALUE = 200
MAX_URL_VALUES = 200  # values of one repeated parameter (a filter)
TRUE_WORDS = frozenset({"true", "1", "yes", "on"})
DEFAULTS_KEY = "_url_defaults"  # widget key -> the value the widget shows when the URL is silent
# The Pilot page's what-if: one parameter per changed input ("whatif_controls=5"), for the
# pilot in the link. Read once into WHAT_IF_FROM_LINK, applied when that pilot is shown;
# WHAT_IF_SHOWN is what the page shows this run (cleared every run, so other pages carry none).
WHAT_IF_PREFIX = "whatif_"
WHAT_IF_FROM_LINK = "_what_if_from_link"
WHAT_IF_SHOWN = "_what_if_shown"

DEFAULTS: dict[str, Any] = {
    "pilot_id": None,  # the pilot opened on the Pilot page (from a click, the picker or the URL)
    "snapshot_id": None,  # None: the latest snapshot of the chosen portfolio
    "flash": None,  # a one-off success message shown after a callback (saved, imported…)
}


def _single_keys() -> tuple[str, ...]:
    return (PORTFOLIO_KEY, PROFILE_KEY)


def _many_keys() -> tuple[str, ...]:
    return (*FILTER_KEYS.values(), DECISION_FILTER_KEY)


def init_state() -> None:
    """Set every session default once per session, and read the shared link's values once."""
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, value)
    st.session_state.setdefault(DEFAULTS_KEY, {})
    st.session_state[WHAT_IF_SHOWN] = {}
    if st.session_state.get("_url_read"):
        return
    st.session_state["_url_read"] = True
    params = st.query_params
    pilot = params.get("pilot")
    if pilot:
        st.session_state["pilot_id"] = str(pilot)[:MAX_URL_VALUE]
    snapshot = params.get("snapshot")
    if snapshot and str(snapshot).isdigit():
        st.session_state["snapshot_id"] = int(snapshot)
    for key in _single_keys():
        value = params.get(key)
        if value:
            st.session_state[key] = str(value)[:MAX_URL_VALUE]
    present = params.get(PRESENT_KEY)
    if present:
        st.session_state[PRESENT_KEY] = str(present).strip().lower() in TRUE_WORDS
    for key in _many_keys():
        values = [str(v)[:MAX_URL_VALUE] for v in params.get_all(key)[:MAX_URL_VALUES] if v]
        if values:
            st.session_state[key] = list(dict.fromkeys(values))
    texts = {
        param.removeprefix(WHAT_IF_PREFIX): str(params.get(param))[:MAX_URL_VALUE]
        for param in list(params)[:MAX_URL_VALUES]
        if param.startswith(WHAT_IF_PREFIX)
    }
    if texts:
        st.session_state[WHAT_IF_FROM_LINK] = (st.session_state["pilot_id"], texts)


def keep_valid_choice(key: str, options: Sequence[Any]) -> None:
    """Before a selectbox: drop a value (from a link) it cannot show; remember its default."""
    st.session_state[DEFAULTS_KEY][key] = options[0] if len(options) else None
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]


def keep_valid_choices(key: str, options: Sequence[Any]) -> None:
    """Before a multiselect: keep only the values (from a link) it can show."""
    st.session_state[DEFAULTS_KEY][key] = []
    if key in st.session_state:
        allowed = set(options)
        st.session_state[key] = [v for v in st.session_state[key] or () if v in allowed]


def url_params() -> dict[str, str | list[str]]:
    """What a link to the current view carries: every value that differs from its default."""
    state = st.session_state
    defaults = state.get(DEFAULTS_KEY, {})
    params: dict[str, str | list[str]] = {}
    for key in _single_keys():
        value = state.get(key)
        if value is not None and value != defaults.get(key):
            params[key] = str(value)
    if state.get(PRESENT_KEY):
        params[PRESENT_KEY] = "true"
    for key in _many_keys():
        values = state.get(key) or []
        if values:
            params[key] = [str(v) for v in values]
    for key, param in URL_SYNCED.items():
        value = state.get(key)
        if value is not None:
            params[param] = str(value)
    for name, text in (state.get(WHAT_IF_SHOWN) or {}).items():
        params[WHAT_IF_PREFIX + name] = text
    return params


def _managed_params() -> tuple[str, ...]:
    what_if = {WHAT_IF_PREFIX + name for name in EDITABLE_FIELDS}
    # and any other what-if parameter a link brought (ignored, so it must not linger)
    what_if |= {param for param in st.query_params if param.startswith(WHAT_IF_PREFIX)}
    return (*_single_keys(), PRESENT_KEY, *_many_keys(), *URL_SYNCED.values(), *sorted(what_if))


def sync_url() -> None:
    """Write the view to the URL (only the parameters that changed)."""
    wanted = url_params()
    params = st.query_params
    for param in _managed_params():
        value = wanted.get(param)
        current: str | list[str] | None
        if isinstance(value, list):
            current = params.get_all(param)
        else:
            current = params.get(param)
        if value is None:
            if param in params:
                del params[param]
        elif current != value:
            params[param] = value


FIRST_PAINT_KEY = "_first_paint"  # "now": the headline and charts first; "done"


def begin_first_paint(on_portfolio: bool) -> bool:
    """Once a run, from app.py: whether this run is a browser session's first, on the Portfolio
    page, which then sends the headline (and the charts) before the sidebar; the next run, asked
    for by the page once the browser has drawn the charts, draws the whole page
    (docs/benchmarks.md, "First paint"). Every later run draws everything at once, and so does
    a session no browser opened (AppTest: no request headers, no page to paint)."""
    state = st.session_state.get(FIRST_PAINT_KEY)
    if state is None:
        now = on_portfolio and bool(st.context.headers)
        st.session_state[FIRST_PAINT_KEY] = "now" if now else "done"
        return now
    st.session_state[FIRST_PAINT_KEY] = "done"
    return False


def end_first_paint() -> None:
    """This run draws the whole page after all (nothing to paint first)."""
    st.session_state[FIRST_PAINT_KEY] = "done"


FOLLOW_UP_KEY = "_first_paint_next"  # set by the page when it asked for the next pass
ASKED_KEY = "_first_paint_asked"  # set by the browser's ask (a callback, before the run)
LAST_PAGE_KEY = "_page_last_run"  # the url path of the page the last run started on


def note_pass_asked() -> None:
    """The callback of the browser's ask for the next pass (`ui.widgets.rest_after_paint`): it
    runs before the run the ask caused, so app.py can tell that run from a page chosen."""
    st.session_state[ASKED_KEY] = True


def page_chosen_meanwhile(url_path: str, asking: str) -> str | None:
    """Once a run, from app.py, before anything is drawn: the url path of the page the person
    chose while a pass of the first paint of the page `asking` (its url path) was on its way,
    when this run is that pass; else None.

    The page's script holds a click back until its ask for a pass is sent (ui.widgets'
    PAINTED_JS), but a click just before the ask, or another way of leaving (the browser's
    back button), can still reach the server first: its run starts, and then the pass's request
    (still for the asking page: the browser learns of a new page from the server) interrupts it
    and would draw the asking page over the page chosen. Such a run is on the asking page, comes
    with the ask (its callback, `note_pass_asked`, ran before it), and the run before it started
    on another page: app.py then goes back to that page. (An ask merged into the chosen page's
    own request, when both arrive before either runs, is that page's run: nothing to undo.)
    """
    asked = bool(st.session_state.pop(ASKED_KEY, False))
    last = st.session_state.get(LAST_PAGE_KEY)
    st.session_state[LAST_PAGE_KEY] = url_path
    overtaken = asked and url_path == asking and last is not None and last != url_path
    return last if overtaken else None


def ask_next_pass() -> None:
    """Note that this pass of the first paint asked the browser for the next one."""
    st.session_state[FOLLOW_UP_KEY] = True


def next_pass_asked() -> bool:
    """Whether this run asked for the next pass (and forget it): app.py then leaves the sidebar
    to that pass, so the headline pass sends nothing but the headline. A page that stopped
    before asking (no pilot in view) gets its sidebar at once."""
    return bool(st.session_state.pop(FOLLOW_UP_KEY, False))


def first_paint_pass() -> str | None:
    """Which pass of the first paint this run is (`begin_first_paint`): "headline" (the headline
    as markdown tiles and the charts; no table, no sidebar) or None (the whole page)."""
    return "headline" if st.session_state.get(FIRST_PAINT_KEY) == "now" else None


def presenting() -> bool:
    """Presentation mode: aliases instead of names, larger type, no editing controls."""
    return bool(st.session_state.get(PRESENT_KEY, False))


def open_pilot(pilot_id: str) -> None:
    """Select a pilot for the Pilot page."""
    st.session_state["pilot_id"] = str(pilot_id)


def what_if_from_url(pilot_id: str, key_prefix: str) -> tuple[str, ...]:
    """Before the what-if inputs: preset them from a shared link's what-if, once, when the
    link's pilot is the one shown. Returns the link's inputs that could not be shown (an
    unknown field, a value the input does not offer), for the page to say it ignored them.
    A link's what-if for a pilot that is not shown is dropped."""
    pending = st.session_state.pop(WHAT_IF_FROM_LINK, None)
    if not pending or pending[0] != pilot_id:
        return ()
    changes, ignored = what_if_from_link(pending[1])
    for name, value in changes.items():
        st.session_state[key_prefix + name] = value
    return ignored


def show_what_if_in_url(changes: dict[str, Any]) -> None:
    """Put this run's what-if (the changed inputs) in the link (`sync_url` writes it)."""
    st.session_state[WHAT_IF_SHOWN] = what_if_link(changes)


def flash(message: str) -> None:
    """Queue a success message for the next run (callbacks cannot draw)."""
    st.session_state["flash"] = message


def show_flash() -> None:
    message = st.session_state.get("flash")
    if message:
        st.session_state["flash"] = None
        st.success(message, icon=":material/check_circle:")
