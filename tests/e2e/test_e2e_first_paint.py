"""The Portfolio page's first paint in a real browser: the headline first, then the rest, and a
click elsewhere while the passes are still coming is never undone by them: ui.widgets'
PAINTED_JS stands down once a link is clicked, the address changes or it is unmounted, and holds
a click made while its ask is being sent until it is sent; a pass that overtook a page chosen
goes back to it (ui.state.page_chosen_meanwhile)."""

from __future__ import annotations

import json
from itertools import pairwise

import pytest

from tests.e2e.conftest import app_running

pytestmark = pytest.mark.e2e

TIMEOUT = 120_000
# From the headline shown to the click: while the charts are still coming, around the moment they
# are drawn and the whole page is asked for (measured: ≈ 0.8–1.5 s), and during that last pass.
CLICK_AFTER_MS = [0, 300, 800, 900, 1000, 1100, 1200, 1400, 1700, 2200]


EARLY_TILE = "[class*=st-key-kairo_figure]"  # the first pass's markdown tiles (ui.widgets.figure)

# From the page's start, every 5 ms: how many headline figures show a number (the first pass's
# markdown tiles or the metric tiles) and how many grey boxes (element code still loading) stand
# in the headline's rows; one entry each time that changes.
WATCH_THE_HEADLINE = """
window.__headline = [];
setInterval(() => {
  const visible = (e) => e.getBoundingClientRect().height > 0;
  const tiles = 'TILES';
  const figures = [...document.querySelectorAll(tiles)]
    .filter((e) => visible(e) && /[0-9]/.test(e.textContent)).length;
  const rows = [...document.querySelectorAll('[data-testid=stHorizontalBlock]')]
    .filter((row) => row.querySelector(tiles));
  const grey = rows.flatMap((row) => [...row.querySelectorAll('[data-testid=stSkeleton]')]).filter(visible).length;
  const last = window.__headline[window.__headline.length - 1];
  if (!last || last[1] !== figures || last[2] !== grey) window.__headline.push([Math.round(performance.now()), figures, grey]);
}, 5);
""".replace("TILES", f"{EARLY_TILE}, [data-testid=stMetric]")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with app_running(tmp_path_factory.mktemp("first_paint")) as url:
        yield url


def test_left_alone_the_first_paint_ends_with_the_whole_page(served, page):
    page.goto(served, timeout=TIMEOUT)
    page.locator(f"{EARLY_TILE}, [data-testid=stMetric]").first.wait_for(timeout=TIMEOUT)
    page.get_by_role("heading", name="Pilots", exact=True).wait_for(timeout=TIMEOUT)  # the last pass
    assert page.get_by_test_id("stMetric").count() >= 6  # the metric tiles replaced the early ones
    assert page.locator(EARLY_TILE).count() == 0
    assert page.get_by_test_id("stPlotlyChart").count() >= 3
    assert page.get_by_test_id("stSidebar").get_by_text("Filters").count() == 1


def test_the_headline_stays_on_screen_from_its_first_paint_to_the_whole_page(served, browser):
    """The next pass draws metric tiles where the markdown tiles were: the figures never give way
    to grey boxes (or to nothing) while it loads, whichever pass draws them."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        page.add_init_script(WATCH_THE_HEADLINE)
        page.goto(served, timeout=TIMEOUT)
        page.get_by_role("heading", name="Pilots", exact=True).wait_for(timeout=TIMEOUT)  # the last pass
        page.wait_for_function(
            "() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=TIMEOUT
        )
        page.wait_for_timeout(1000)
        log = page.evaluate("() => window.__headline")
    finally:
        page.close()
    first = next(i for i, (_, figures, _) in enumerate(log) if figures >= 6)  # the first row
    counts = [figures for _, figures, _ in log[first:]]
    assert all(later >= before for before, later in pairwise(counts)), log  # never fewer
    assert all(grey == 0 for _, _, grey in log[first:]), log


CHART_TOPS = """() => [...document.querySelectorAll('[data-testid=stPlotlyChart]')]
  .map((e) => Math.round(e.getBoundingClientRect().top + window.scrollY))"""


@pytest.mark.parametrize("width", [1280, 390])
def test_the_charts_stay_where_they_are_when_the_whole_page_comes(served, browser, width):
    """The first pass draws blank boxes of the heights of what the next one brings above the
    charts (the charts' choices, the short lists' tables): nothing the person reads jumps."""
    page = browser.new_page(viewport={"width": width, "height": 800})
    try:
        page.goto(served, timeout=TIMEOUT)
        page.wait_for_function(
            "() => document.querySelectorAll('[data-testid=stPlotlyChart] .main-svg').length >= 4",
            timeout=TIMEOUT,
        )
        early = page.evaluate(CHART_TOPS)
        page.get_by_role("heading", name="Pilots", exact=True).wait_for(timeout=TIMEOUT)  # the last pass
        page.wait_for_function(
            "() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=TIMEOUT
        )
        page.wait_for_timeout(500)
        assert page.evaluate(CHART_TOPS) == early
    finally:
        page.close()


def assert_the_pilot_page_stays(page) -> None:
    """The Pilot page opens, and no pass of the first paint still asked for draws over it."""
    page.get_by_role("heading", name="Pilot", exact=True).wait_for(timeout=30_000)
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=TIMEOUT)
    page.wait_for_timeout(2500)  # long enough for any pass still asked for to have landed
    assert page.get_by_role("heading", name="Pilot", exact=True).count() == 1
    assert page.get_by_role("heading", name="Portfolio", exact=True).count() == 0


@pytest.mark.parametrize("delay", CLICK_AFTER_MS)
def test_a_page_chosen_during_the_first_paint_is_the_page_shown(served, browser, delay):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        page.goto(served, timeout=TIMEOUT)
        page.get_by_role("heading", name="Portfolio", exact=True).wait_for(timeout=TIMEOUT)
        page.wait_for_timeout(delay)
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="Pilot", exact=True).click()
        assert_the_pilot_page_stays(page)
    finally:
        page.close()


def test_a_click_between_the_ask_for_a_pass_and_its_sending_wins(served, browser):
    """Made certain: the click comes in the same moment as the ask (the page announces each ask,
    and the click is made by a listener of that announcement, before Streamlit sends the ask in
    its timer task). On the code before the page held such a click back until the ask was sent,
    the ask's rerun reached the server last and drew the Portfolio page over the Pilot page."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.add_init_script(
        "document.addEventListener('kairo:next-pass', () => {"
        "  window.kairoClicked = true;"
        "  document.querySelector('[data-testid=stSidebarNav] a[href$=\"/scorecard\"]').click();"
        "});"
    )
    try:
        page.goto(served, timeout=TIMEOUT)
        page.wait_for_function("() => window.kairoClicked === true", timeout=TIMEOUT)
        assert_the_pilot_page_stays(page)
    finally:
        page.close()


# --- the server's side: a pass's request that overtook a page already running --------------
class Tab:
    """One browser tab on the app, over Streamlit's websocket protocol: the runs it asks for,
    read message by message, noting the page each ran on and the first-paint asks it drew."""

    def __init__(self, url: str):
        self.url = url.replace("http://", "ws://", 1).rstrip("/") + "/_stcore/stream"
        self.pages: dict[str, str] = {}  # page name -> page script hash
        self.page = ""  # the hash of the page the last run started on
        self.asks: list[str] = []  # the bidi component ids of that run's asks
        self.runs: list[tuple[str, int]] = []  # each run's page hash and how it finished

    def __enter__(self) -> Tab:
        from websockets.sync.client import connect

        self._connection = connect(self.url, subprotocols=["streamlit"], max_size=None)
        self.socket = self._connection.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._connection.__exit__(*exc)

    def send(self, page: str = "", ask: str | None = None) -> None:
        """Ask for a run of `page` (a hash; "" the default), as the browser does after a page
        link is clicked or, with `ask`, after the first-paint script asked for its next pass."""
        from streamlit.components.v2.bidi_component.main import _make_trigger_id
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ClientState_pb2 import ClientState
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        state = ClientState(query_string="", page_script_hash=page)
        if ask is not None:
            trigger = WidgetState(id=_make_trigger_id(ask, "events"))
            trigger.json_trigger_value = json.dumps([{"event": "painted", "value": True}])
            state.widget_states.widgets.append(trigger)
        self.socket.send(BackMsg(rerun_script=state).SerializeToString())

    def read(self, *, until_page: str | None = None, quiet: float = 3.0) -> None:
        """Read until a run starts on `until_page`; without it, until no run has been going for
        `quiet` seconds after one finished."""
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        running = True
        while True:
            try:
                raw = self.socket.recv(timeout=60 if running else quiet)
            except TimeoutError:
                if running or until_page is not None:
                    raise
                return
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                running, self.page, self.asks = True, msg.new_session.page_script_hash, []
                if self.page == until_page:
                    return
            elif kind == "navigation":  # the pages st.navigation offers, and the one running
                self.pages = {p.page_name: p.page_script_hash for p in msg.navigation.app_pages}
            elif kind == "delta" and msg.delta.new_element.WhichOneof("type") == "bidi_component":
                self.asks.append(msg.delta.new_element.bidi_component.id)
            elif kind == "script_finished":
                running = False
                self.runs.append((self.page, msg.script_finished))


def first_pass(tab: Tab) -> tuple[str, str]:
    """Load the page's first pass (the headline and the charts): the Portfolio page's hash and
    the pass's ask for the whole page."""
    tab.send()
    tab.read()
    assert len(tab.asks) == 1, "the first pass asks for the next one"
    return tab.page, tab.asks[0]


def shown(tab: Tab) -> str | None:
    return {page_hash: name for name, page_hash in tab.pages.items()}.get(tab.page)


def test_a_page_link_sent_right_after_an_ask_is_the_page_shown(served):
    """What the page's script makes of a click in the same moment as an ask: the ask first, the
    click right behind it, both often merged into one request before either runs (the chosen
    page's, carrying the ask). A guard that took every run carrying an ask for a pass (not only
    the Portfolio page's) as overtaken sent that run back to the Portfolio page."""
    for _ in range(3):  # merged or one after the other, as the server's thread happens to wake
        with Tab(served) as tab:
            portfolio, ask = first_pass(tab)
            tab.send(portfolio, ask=ask)
            tab.send(tab.pages["Pilot"])
            tab.read()
        assert shown(tab) == "Pilot", f"the page chosen is the page shown, not {shown(tab)}"


def test_a_pass_that_overtakes_the_page_chosen_goes_back_to_it(served):
    """The page's ask for a pass reaches the server just after a page link's request, whose run
    has started: the ask's request, still for the Portfolio page (the browser learns of the new
    page from the server), interrupts it. On the code before `ui.state.page_chosen_meanwhile`
    the Portfolio page was drawn instead of the page chosen."""

    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    for _ in range(5):
        with Tab(served) as tab:
            portfolio, ask = first_pass(tab)
            tab.send(tab.pages["Pilot"])  # the click: the Pilot page's run starts...
            tab.read(until_page=tab.pages["Pilot"])
            tab.send(portfolio, ask=ask)  # ...and the ask arrives while it runs
            before = len(tab.runs)
            tab.read()
        if tab.runs[before][1] == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            break
        # the Pilot page had finished before the ask came (a browser has its new page by then
        # and asks for that one): not the race, try again
    else:
        pytest.fail("the Pilot page's run always finished before the ask reached the server")
    assert shown(tab) == "Pilot", f"the page chosen is the page shown, not {shown(tab)}"
