"""Benchmark the Portfolio page at 10,000 pilots (a benchmark, not a timed test).

1. AppTest: the Portfolio page's rerun after the first run (median of N reruns; target ≤ 0.5 s).
2. Browser: first render of the Portfolio page in the system Chromium under `streamlit run`,
   from navigation until the charts and the table are drawn and the script has finished
   (median of N fresh page loads; target ≤ 3 s).

Run: .venv/bin/python bench/bench_app.py [--pilots 10000] [--reruns 15] [--loads 5]
Uses a temporary store (KAIRO_STORE), never data/kairo.duckdb.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

PORTFOLIO = "Benchmark 10k"


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


def bench_apptest(reruns: int) -> tuple[float, float, int]:
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
    if at.exception:
        raise RuntimeError([e.value for e in at.exception])
    return first, statistics.median(times), pilots


BASELINE_APP = """
import plotly.graph_objects as go
import streamlit as st

st.title("Baseline")
st.metric("Pilots", 1)
st.plotly_chart(go.Figure(go.Scatter(x=[1, 2, 3], y=[1, 3, 2], mode="markers")))
st.plotly_chart(go.Figure(go.Sankey(node={"label": ["a", "b"]}, link={"source": [0], "target": [1], "value": [1]})))
st.dataframe({"a": [1, 2, 3]})
"""


def bench_browser(
    store: Path, loads: int, app: Path | None = None, query: str = ""
) -> tuple[float, list[float]]:
    """Median first render of `app` (the Kairo app by default) over `loads` fresh pages."""
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(REPO / "tests" / "e2e"))
    from conftest import CHROMIUM, CHROMIUM_ARGS, start_app, stop_app  # type: ignore[import-not-found]

    process, url = start_app(store, store.parent / f"streamlit-{(app or REPO).stem}.log", app=app)
    times = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            for i in range(loads + 1):  # the first load warms the server's caches; not counted
                page = browser.new_page(viewport={"width": 1440, "height": 900})
                start = time.perf_counter()
                page.goto(f"{url}/{query}", timeout=60_000)
                page.locator(".js-plotly-plot .scatterlayer .point").first.wait_for(
                    state="attached", timeout=60_000
                )
                page.locator(".js-plotly-plot .sankey").first.wait_for(state="attached", timeout=60_000)
                page.get_by_test_id("stDataFrame").first.wait_for(state="visible", timeout=60_000)
                page.wait_for_function(
                    "() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=60_000
                )
                elapsed = time.perf_counter() - start
                if i:
                    times.append(elapsed)
                page.close()
            browser.close()
    finally:
        stop_app(process)
    return statistics.median(times), times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pilots", type=int, default=10_000)
    parser.add_argument("--reruns", type=int, default=15)
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "kairo.duckdb"
        os.environ["KAIRO_STORE"] = str(store)
        build_store(store, args.pilots)
        # The server gets its own copy: this process keeps the first store open (DuckDB locks it).
        browser_store = Path(folder) / "browser" / "kairo.duckdb"
        browser_store.parent.mkdir()
        shutil.copyfile(store, browser_store)
        first, rerun, pilots = bench_apptest(args.reruns)
        print(f"Portfolio page, {pilots:,} pilots (AppTest): first run {first:.2f} s, "
              f"median rerun {rerun:.3f} s over {args.reruns} reruns (target ≤ 0.5 s)")  # fmt: skip
        if not args.skip_browser:
            if not Path("/usr/bin/chromium").exists():
                print("Browser benchmark skipped: /usr/bin/chromium is absent")
            else:
                baseline_app = Path(folder) / "baseline_app.py"
                baseline_app.write_text(BASELINE_APP)
                base, base_times = bench_browser(browser_store, args.loads, app=baseline_app)
                median, times = bench_browser(
                    browser_store, args.loads, query=f"?portfolio={quote(PORTFOLIO)}"
                )
                shown = ", ".join(f"{t:.2f}" for t in times)
                print(f"Portfolio page, {pilots:,} pilots (Chromium): median first render {median:.2f} s "
                      f"over {len(times)} loads [{shown}] (target ≤ 3 s)")  # fmt: skip
                print(f"Baseline page (one metric, two small plotly charts, a table) in the same run: "
                      f"median {base:.2f} s [{', '.join(f'{t:.2f}' for t in base_times)}]; "
                      f"ratio {median / base:.2f}x")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
