"""The replica bench's client (bench/bench_replica.py) against a real replica, once.

`streamlit run app.py` on a fresh PostgreSQL database holding a small imported portfolio;
two simulated sessions speak Streamlit's websocket protocol, load the Portfolio page and
rerun it for a few seconds. Each must have received the finished page (its title, its
charts) with zero errors, and the bench's figures (CPU per rerun, RSS) must be real. And a
page that fails must count as an error, never as a fast rerun: the same client against a
script that raises. Skips without the PostgreSQL server binaries (unless
KAIRO_REQUIRE_POSTGRES=1, tests/pg_server.py)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.e2e.conftest import start_app, stop_app

sys.path.insert(0, str(REPO / "bench"))
from bench_replica import PageSession, import_portfolio, measure_sessions, replica  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PILOTS = 200
CHARTS = 3  # the Portfolio page draws at least the placement, the flow and the verdict charts


def _in_a_thread(coroutine):
    """Run the bench's asyncio client in a thread of its own: the browser tests' sync
    Playwright keeps an event loop running in this one (asyncio.run would refuse)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_the_bench_client_gets_the_finished_portfolio_page(postgres_url: str, tmp_path: Path) -> None:
    import_portfolio(postgres_url, tmp_path, PILOTS)
    with replica(postgres_url, tmp_path) as (process, base):
        steps = _in_a_thread(measure_sessions(base, process.pid, None, [1, 2], window=3.0, think=1.0))

    assert [step.sessions for step in steps] == [1, 2]
    loads = [run for step in steps for run in step.first_loads]
    reruns = [run for step in steps for run in step.runs]
    assert len(loads) == 2 and len(reruns) >= 2
    for run in [*loads, *reruns]:
        assert run.error is None
        assert run.headings[0] == "Portfolio"
        assert run.elements["plotly_chart"] >= CHARTS
        assert run.elements["metric"] > 0 and run.elements["dataframe"] > 0
    assert all(run.references > 0 for run in reruns)  # the session's message cache is used
    assert all(step.errors == [] for step in steps)
    assert all(step.cpu_per_rerun > 0 and step.rss_mb > 50 for step in steps)


def test_a_failing_page_counts_as_an_error_not_a_fast_rerun(tmp_path: Path) -> None:
    script = tmp_path / "failing.py"
    script.write_text('import streamlit as st\nst.title("Portfolio")\nraise RuntimeError("store gone")\n')
    process, base = start_app(tmp_path / "kairo.duckdb", tmp_path / "streamlit.log", app=script)
    try:
        session = PageSession(base)
        run = _in_a_thread(_once(session))
    finally:
        stop_app(process)
    assert run.error is not None and run.error.startswith("exception on the page")  # details are redacted
    assert run.headings == ["Portfolio"]  # the page started drawing: still an error


async def _once(session: PageSession):
    try:
        return await session.rerun()
    finally:
        await session.close()
