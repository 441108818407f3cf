"""Browser benchmark of the Portfolio page's first paint against baselines measured in the same run.

One run starts four pages under `streamlit run` and loads them in turn, interleaved, in fresh
headless Chromium pages (cold browser cache, as a first visit):
  (a) bare      — a bare Streamlit page: a title and a line of text;
  (b) minimal   — a title, a line of text and two small plotly charts;
  (c) sample    — the Portfolio page at the bundled sample portfolio;
  (d) 10k       — the Portfolio page at a synthetic portfolio of 10,000 pilots.
Two moments per load, from navigation start (the page's own clock, `performance.now()`):
  headline  — the headline figures visible (the bare and minimal pages: their line of text);
  last chart — every plotly chart on the page drawn (as many as the warm-up load, run to its
               end, drew).
Medians of N loads each (one warm-up load per page first, not counted). Goals (issue 15):
headline ≤ 1.3× bare; last chart ≤ 1.15× minimal at the sample and ≤ 1.3× at 10,000 pilots.

`--trace DIR` also records one Chromium performance trace per page (bench/trace_breakdown.py
reads them) and the websocket messages, and prints where the time goes.

`--before DIR` also loads both Portfolio pages from a copy of the app before a change (its own
server and store copy), interleaved in the same run. Afterwards, the Portfolio page at 10,000
pilots in AppTest: its rerun time (`--reruns N`, target ≤ 0.5 s; 0 skips it).

Run: .venv/bin/python bench/bench_app.py [--pilots 10000] [--loads 5] [--reruns 15]
     [--trace /tmp/traces] [--before /tmp/app-before]
Uses a temporary store (KAIRO_STORE), never data/kairo.duckdb.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

PORTFOLIO = "Benchmark 10k"

BARE_APP = """
import streamlit as st

st.title("Baseline")
st.write("A line of text.")
"""

MINIMAL_PLOTLY_APP = """
import plotly.graph_objects as go
import streamlit as st

st.title("Baseline")
st.write("A line of text.")
st.plotly_chart(go.Figure(go.Scatter(x=[1, 2, 3], y=[1, 3, 2], mode="markers")), theme=None)
st.plotly_chart(go.Figure(go.Bar(x=["a", "b", "c"], y=[3, 1, 2])), theme=None)
"""

# Runs in the page before any of its scripts: polls the DOM every 10 ms and notes, on the
# page's own clock, when the headline shows and when each plotly chart appears and is drawn.
PROBE = """
(() => {
  const probe = window.__probe = {headline: null, headlineInDom: null, charts: [], done: null, messages: []};
  const Native = window.WebSocket;  // note when each websocket message reaches the page, and its size
  window.WebSocket = function (...args) {
    const socket = new Native(...args);
    socket.addEventListener('message', (m) => probe.messages.push(
      [performance.now(), m.data.byteLength ?? m.data.size ?? m.data.length]));
    return socket;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
  const visible = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const headline = () => {
    // The Portfolio page's figures: metric tiles, or on a first paint the same figures as
    // markdown tiles (ui.widgets.figure, early) until the next pass draws the metrics.
    const metrics = [...document.querySelectorAll('[data-testid=stMetric], .kairo-figure, [class*=st-key-kairo_figure]')]
      .filter((e) => visible(e) && /[0-9]/.test(e.textContent));
    if (metrics.length >= 4) return true;
    return [...document.querySelectorAll('[data-testid=stMarkdownContainer]')]
      .some((e) => e.textContent.includes('A line of text.') && visible(e));
  };
  const drawn = (gd) => !!(gd._fullLayout && gd.querySelector('.main-svg')
    && gd.querySelector('.trace, .sankey'));
  const tick = () => {
    const now = performance.now();
    if (probe.headline === null && headline()) probe.headline = now;
    document.querySelectorAll('.js-plotly-plot, [data-testid=stPlotlyChart]').forEach((e) => {
      const gd = e.classList.contains('js-plotly-plot') ? e : null;
      const host = e.closest('[data-testid=stPlotlyChart]') || e;
      let entry = probe.charts.find((c) => c.host === host);
      if (!entry) { entry = {host, added: now, drawn: null}; probe.charts.push(entry); }
      if (gd && entry.drawn === null && drawn(gd)) entry.drawn = now;
    });
  };
  setInterval(tick, 10);
  // The moment the headline enters the DOM (a paint may come later, if the main thread is busy).
  new MutationObserver(() => {
    if (probe.headlineInDom === null && headline()) probe.headlineInDom = performance.now();
  }).observe(document, {childList: true, subtree: true});
})();
"""

FINISHED = """
([expected, finished]) => {
  const p = window.__probe;
  if (!p || p.headline === null) return false;
  // The warm-up load waits for the script to finish, to count the charts; timed loads stop at
  // the last chart drawn (the table below the charts may still be on its way).
  if (finished && document.querySelector('[data-testid=stStatusWidget], [data-testid=stSkeleton]')) return false;
  const charts = p.charts.filter((c) => c.host.isConnected);
  if (charts.length < expected || charts.some((c) => c.drawn === null)) return false;
  if (p.done === null) p.done = Math.max(p.headline, ...charts.map((c) => c.drawn));
  return true;
}
"""


@dataclass
class Case:
    """One page to load: a label, the server's base URL and the query that opens it."""

    name: str
    url: str
    expected_charts: int = 0
    headline: list[float] = field(default_factory=list)
    last_chart: list[float] = field(default_factory=list)
    per_chart: list[list[tuple[float, float]]] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.name.replace(" ", "_")


def build_store(path: Path, pilots: int) -> None:
    """A store holding the sample and a synthetic portfolio of `pilots` pilots."""
    from kairo_scoring import (
        PortfolioStore,
        default_profile,
        ensure_default_profile,
        ensure_sample_portfolio,
        generate_portfolio,
        read_portfolio,
    )

    csv = path.parent / f"portfolio_{pilots}.csv"
    generate_portfolio(pilots, seed=11).to_csv(csv, index=False)
    profile = default_profile()
    with PortfolioStore(path) as store:
        ensure_default_profile(store, profile)
        ensure_sample_portfolio(store, REPO / "data", profile)
        store.import_snapshot(
            read_portfolio(csv),
            portfolio=PORTFOLIO,
            profile_name=profile.name,
            profile_version=profile.version,
            profile_hash=profile.content_hash,
        )


def load(browser, case: Case, *, settle: bool = False, trace: Path | None = None, frames: list | None = None):
    """One fresh page load; returns the probe's notes (ms from navigation start): headline
    (painted), inDom (headline in the DOM), done (last chart drawn), charts [(added, drawn)],
    messages [(arrived, bytes)]."""
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.add_init_script(PROBE)
    if frames is not None:
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.on("Network.webSocketFrameReceived", lambda event: frames.append(event["response"]))
    if trace is not None:
        browser.start_tracing(page=page, path=str(trace), screenshots=False)
    try:
        page.goto(case.url, timeout=120_000)
        if settle:  # the warm-up load: count the charts the finished page draws
            # until the count holds: the Portfolio page's first paint is a headline-only run,
            # and the run that draws the charts follows once the browser has shown it
            counts: list[int] = []
            while len(counts) < 2 or counts[-1] != counts[-2]:
                page.wait_for_function(FINISHED, arg=[0, True], timeout=180_000, polling=50)
                page.wait_for_timeout(2_000)
                counts.append(
                    page.evaluate("() => window.__probe.charts.filter(c => c.host.isConnected).length")
                )
            case.expected_charts = counts[-1]
        page.wait_for_function(FINISHED, arg=[case.expected_charts, False], timeout=180_000, polling=50)
        result = page.evaluate(
            "() => { const p = window.__probe; return {headline: p.headline, inDom: p.headlineInDom,"
            " done: p.done, messages: p.messages,"
            " charts: p.charts.filter(c => c.host.isConnected).map(c => [c.added, c.drawn])}; }"
        )
        # Then let the page finish (a pass after the charts: the tables) before closing it, so
        # the server's work for this load is not paid by the next one.
        for _ in range(2):
            page.wait_for_function(FINISHED, arg=[0, True], timeout=180_000, polling=50)
            page.wait_for_timeout(300)
    finally:
        if trace is not None:
            browser.stop_tracing()
        page.close()
    return result


def bench_apptest(reruns: int) -> tuple[float, float, int]:
    """The Portfolio page at the synthetic portfolio in AppTest: first run, median rerun, pilots."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.query_params["portfolio"] = PORTFOLIO
    start = time.perf_counter()
    at.run()
    first = time.perf_counter() - start
    if at.exception:
        raise RuntimeError([e.value for e in at.exception])
    pilots = int({m.label: m.value for m in at.metric}["Pilots"].replace(",", ""))
    times = []
    for _ in range(reruns):
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    return first, statistics.median(times), pilots


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def run(store: Path, loads: int, trace_dir: Path | None, before: Path | None = None) -> list[Case]:
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(REPO / "tests" / "e2e"))
    from conftest import CHROMIUM, CHROMIUM_ARGS, start_app, stop_app  # type: ignore[import-not-found]

    folder = store.parent
    (folder / "bare.py").write_text(BARE_APP)
    (folder / "minimal.py").write_text(MINIMAL_PLOTLY_APP)
    servers = []
    try:
        for name in ("bare", "minimal", "app"):
            app = None if name == "app" else folder / f"{name}.py"
            servers.append(start_app(store, folder / f"streamlit-{name}.log", app=app))
        bare_url, minimal_url, app_url = (url for _, url in servers)
        cases = [
            Case("bare", f"{bare_url}/"),
            Case("minimal", f"{minimal_url}/"),
            Case("sample", f"{app_url}/"),
            Case("10k", f"{app_url}/?portfolio={quote(PORTFOLIO)}"),
        ]
        if before is not None:  # the same pages from the code before a change, in the same run
            copy = folder / "before" / "kairo.duckdb"
            copy.parent.mkdir(exist_ok=True)
            shutil.copyfile(store, copy)
            servers.append(start_app(copy, folder / "streamlit-before.log", tree=before))
            before_url = servers[-1][1]
            cases += [
                Case("sample before", f"{before_url}/"),
                Case("10k before", f"{before_url}/?portfolio={quote(PORTFOLIO)}"),
            ]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            for case in cases:  # warm-up: the servers' caches, and how many charts each page draws
                load(browser, case, settle=True)
            for i in range(loads):
                order = cases if i % 2 == 0 else cases[::-1]  # interleaved, alternating order
                for case in order:
                    notes = load(browser, case)
                    case.headline.append(notes["headline"])
                    case.last_chart.append(notes["done"])
                    case.per_chart.append(notes["charts"])
            if trace_dir is not None:
                trace_dir.mkdir(parents=True, exist_ok=True)
                for case in cases:
                    frames: list = []
                    notes = load(browser, case, trace=trace_dir / f"{case.slug}.json", frames=frames)
                    (trace_dir / f"{case.slug}.frames.json").write_text(json.dumps(frames))
                    (trace_dir / f"{case.slug}.probe.json").write_text(json.dumps(notes))
            browser.close()
    finally:
        for process, _ in servers:
            stop_app(process)
    return cases


def report(cases: list[Case]) -> dict[str, float]:
    by = {c.name: c for c in cases}
    print(
        f"{'page':<10}{'charts':>7}{'headline (ms)':>16}{'last chart (ms)':>18}   runs (headline / last chart)"
    )
    for case in cases:
        runs = ", ".join(f"{h:.0f}/{c:.0f}" for h, c in zip(case.headline, case.last_chart, strict=True))
        print(
            f"{case.name:<10}{case.expected_charts:>7}{median(case.headline):>16.0f}"
            f"{median(case.last_chart):>18.0f}   {runs}"
        )
    for case in cases:
        if case.per_chart and case.expected_charts:
            drawn = ", ".join(f"{median([d for _, d in c]):.0f}" for c in zip(*case.per_chart, strict=False))
            print(f"{case.name}: each chart drawn at (median ms) {drawn}")
    ratios = {
        "headline/bare": median(by["sample"].headline) / median(by["bare"].headline),
        "headline/bare (10k)": median(by["10k"].headline) / median(by["bare"].headline),
        "last chart/minimal (sample)": median(by["sample"].last_chart) / median(by["minimal"].last_chart),
        "last chart/minimal (10k)": median(by["10k"].last_chart) / median(by["minimal"].last_chart),
    }
    if "sample before" in by:
        ratios["headline/bare, before"] = median(by["sample before"].headline) / median(by["bare"].headline)
        ratios["headline/bare (10k), before"] = median(by["10k before"].headline) / median(
            by["bare"].headline
        )
        ratios["last chart/minimal (sample), before"] = median(by["sample before"].last_chart) / median(
            by["minimal"].last_chart
        )
        ratios["last chart/minimal (10k), before"] = median(by["10k before"].last_chart) / median(
            by["minimal"].last_chart
        )
    for name, ratio in ratios.items():
        goal = 1.15 if "(sample)" in name else 1.3
        print(f"{name:<30} {ratio:5.2f}×   goal ≤ {goal}×   {'met' if ratio <= goal else 'NOT met'}")
    return ratios


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pilots", type=int, default=10_000)
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--reruns", type=int, default=15, help="AppTest reruns (0: skip)")
    parser.add_argument(
        "--before", type=Path, default=None, help="a copy of the app before a change, loaded too"
    )
    parser.add_argument("--trace", type=Path, default=None, help="folder for one performance trace per page")
    args = parser.parse_args()
    if not Path("/usr/bin/chromium").exists():
        print("Browser benchmark skipped: /usr/bin/chromium is absent")
        return 0
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "kairo.duckdb"
        build_store(store, args.pilots)
        cases = run(store, args.loads, args.trace, args.before)
        report(cases)
        if args.reruns:  # after the servers stopped: AppTest opens the same store in this process
            os.environ["KAIRO_STORE"] = str(store)
            first, rerun, pilots = bench_apptest(args.reruns)
            print(f"Portfolio page, {pilots:,} pilots (AppTest): first run {first:.2f} s, "
                  f"median rerun {rerun:.3f} s over {args.reruns} reruns (target ≤ 0.5 s)")  # fmt: skip
    if args.trace is not None:
        from trace_breakdown import breakdown

        for case in cases[1:]:
            print(
                breakdown(
                    args.trace / f"{case.slug}.json", args.trace / f"{case.slug}.frames.json", title=case.name
                )
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
