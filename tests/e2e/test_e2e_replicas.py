"""Two replicas of the app, one PostgreSQL store: `streamlit run app.py` twice, on two ports,
with the same $KAIRO_STORE URL (a fresh database on the session's server, tests/pg_server.py).

Two browser sessions per replica, at the same time (async Playwright, one Chromium), each
import a distinct two-pilot register into one shared portfolio through the Intake page and
record a decision on one of its pilots on the Pilot page. Afterwards every confirmed write
must be in the store exactly once, a fresh page on each replica must show a snapshot and a
decision made through the other one, no session may have seen an exception box or an error
alert, and the store's integrity check must pass. Every wait is bounded, on a text the page
shows; the whole run is capped at RUN_LIMIT seconds.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.async_api import Page, async_playwright
from playwright.async_api import TimeoutError as PlaywrightTimeout

from kairo_scoring import PortfolioStore
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, register_upload, start_app, stop_app, type_portfolio
from tests.e2e.conftest import settled as shared_settled

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

REPLICAS = ("A", "B")
SESSIONS_PER_REPLICA = 2
SHARED_PORTFOLIO = "Replicas shared"
STEP_TIMEOUT = 90_000  # ms for any one thing to appear: two servers and four sessions on 2 cores
RUN_LIMIT = 110  # s for the browser part; with the start (<= 60 s) the test stays under 3 minutes
ERROR_SELECTOR = '[data-testid="stException"], [data-testid="stAlertContentError"]'
SAVED = re.compile(rf"Saved snapshot #(\d+) of {SHARED_PORTFOLIO} \(2 pilots, as of ")


@dataclass
class Session:
    replica: str
    number: int
    url: str
    folder: Path  # where a failing step leaves its screenshot
    snapshot_id: int | None = None  # set once the import is confirmed on the page
    decided: bool = False  # set once the decision is confirmed on the page
    errors: list[str] = field(default_factory=list)

    @property
    def tag(self) -> str:
        return f"{self.replica}{self.number}"

    @property
    def source_name(self) -> str:
        return f"replica_{self.tag}.csv"

    @property
    def pilot_id(self) -> str:
        return f"RP-{self.tag}-1"

    @property
    def person(self) -> str:
        return f"Person {self.tag}"

    def register(self) -> bytes:
        rows = [
            f"RP-{self.tag}-{i},Replica {self.tag} pilot {i},Unit {self.number},Owner {self.tag},{1 + i},3,{100 * i},low"
            for i in (1, 2)
        ]
        header = "Pilot ID,Pilot name,Unit,Owner,Process maturity,Controls,Monthly volume,Risk"
        return ("\n".join([header, *rows]) + "\n").encode()


def pilot_link(session: Session, base: str) -> str:
    query = urlencode(
        {"portfolio": SHARED_PORTFOLIO, "snapshot": session.snapshot_id, "pilot": session.pilot_id}
    )
    return f"{base}/scorecard?{query}"


async def settled(page: Page) -> None:
    await shared_settled(page, STEP_TIMEOUT)


async def check(page: Page, session: Session, step: str) -> None:
    for text in await page.locator(ERROR_SELECTOR).all_inner_texts():
        session.errors.append(f"{session.tag} {step}: {text.strip()[:200]}")


async def import_register(page: Page, session: Session) -> None:
    await page.goto(f"{session.url}/import", timeout=STEP_TIMEOUT)
    await page.get_by_role("heading", name="Intake", exact=True).wait_for(timeout=STEP_TIMEOUT)
    await settled(page)
    await register_upload(page).set_input_files(
        files=[{"name": session.source_name, "mimeType": "text/csv", "buffer": session.register()}]
    )
    await page.get_by_role("heading", name="Save as a snapshot", exact=True).wait_for(timeout=STEP_TIMEOUT)
    await settled(page)
    await type_portfolio(page, SHARED_PORTFOLIO, STEP_TIMEOUT)
    await page.get_by_role("button", name="Save snapshot").click()
    saved = page.get_by_text(SAVED).first
    try:
        await saved.wait_for(timeout=STEP_TIMEOUT)
    except PlaywrightTimeout as exc:  # what the page showed instead, kept for whoever reads the failure
        await page.screenshot(path=str(session.folder / f"{session.tag}_save.png"), full_page=True)
        shown = await page.locator('[data-testid="stMain"]').inner_text()
        raise AssertionError(
            f"{session.tag}: no 'Saved snapshot' after the click; the page showed:\n{shown[-1500:]}"
        ) from exc
    session.snapshot_id = int(SAVED.search(await saved.inner_text()).group(1))
    await settled(page)
    await check(page, session, "import")


async def record_decision(page: Page, session: Session) -> None:
    await page.goto(pilot_link(session, session.url), timeout=STEP_TIMEOUT)
    await page.get_by_role("heading", name=f"Replica {session.tag} pilot 1").wait_for(timeout=STEP_TIMEOUT)
    await settled(page)
    await page.get_by_test_id("stRadio").get_by_text("Retire", exact=True).first.click()
    await page.get_by_label("Your name").first.fill(session.person)
    await page.get_by_role("button", name="Record the decision").click()
    await page.get_by_text("Decision recorded").first.wait_for(timeout=STEP_TIMEOUT)
    session.decided = True
    await page.get_by_text(f"Proposed by {session.person} (typed, unverified)").first.wait_for(
        timeout=STEP_TIMEOUT
    )
    await settled(page)
    await check(page, session, "decision")


async def run_session(browser, session: Session) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    page.set_default_timeout(STEP_TIMEOUT)
    try:
        await asyncio.sleep(session.number * 1.5)  # two arrivals per replica, a little apart
        await import_register(page, session)
        await record_decision(page, session)
    finally:
        await context.close()


async def sees_the_other(browser, here: str, written: Session) -> list[str]:
    """A fresh page on replica `here` opens the pilot imported and decided through the other:
    the snapshot and the decision must both be there. Returns the errors it showed."""
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    page.set_default_timeout(STEP_TIMEOUT)
    viewer = Session(replica=f"view {here}", number=0, url=here, folder=written.folder)
    try:
        await page.goto(pilot_link(written, here), timeout=STEP_TIMEOUT)
        await page.get_by_role("heading", name=f"Replica {written.tag} pilot 1").wait_for(
            timeout=STEP_TIMEOUT
        )
        await page.get_by_text(f"Proposed by {written.person} (typed, unverified)").first.wait_for(
            timeout=STEP_TIMEOUT
        )
        await settled(page)
        await check(page, viewer, f"viewing {written.tag}")
    finally:
        await context.close()
    return viewer.errors


async def run_all(sessions: list[Session], urls: dict[str, str]) -> list[str]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            await asyncio.gather(*(run_session(browser, s) for s in sessions))
            first = {s.replica: s for s in reversed(sessions)}  # session 0 of each replica
            views = await asyncio.gather(
                sees_the_other(browser, urls["A"], first["B"]), sees_the_other(browser, urls["B"], first["A"])
            )
        finally:
            await browser.close()
    return [e for errors in views for e in errors]


def start_replicas(url: str, folder) -> dict[str, tuple]:
    """Both replicas, started side by side (each waits up to STARTUP_TIMEOUT to be healthy)."""
    with ThreadPoolExecutor(len(REPLICAS)) as pool:
        futures = {r: pool.submit(start_app, url, folder / f"streamlit_{r}.log") for r in REPLICAS}
    started = {r: f.result() for r, f in futures.items() if f.exception() is None}
    if len(started) < len(REPLICAS):
        for process, _ in started.values():
            stop_app(process)
        raise next(f.exception() for f in futures.values() if f.exception() is not None)
    return started


def test_two_replicas_share_one_postgresql_store(tmp_path, postgres_url):
    apps = start_replicas(postgres_url, tmp_path)
    urls = {r: url for r, (_, url) in apps.items()}
    sessions = [
        Session(replica=r, number=n, url=urls[r], folder=tmp_path)
        for n in range(SESSIONS_PER_REPLICA)
        for r in REPLICAS
    ]
    outcome: dict[str, object] = {}

    def drive() -> None:  # the async API in a thread of its own, clear of pytest-playwright's loop
        try:
            outcome["view_errors"] = asyncio.run(asyncio.wait_for(run_all(sessions, urls), RUN_LIMIT))
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            outcome["failure"] = exc

    started = time.monotonic()
    try:
        worker = threading.Thread(target=drive, daemon=True)
        worker.start()
        worker.join(RUN_LIMIT + 15)
        elapsed = time.monotonic() - started
    finally:
        for process, _ in apps.values():
            stop_app(process)
    assert not worker.is_alive(), f"the browser sessions did not finish within {RUN_LIMIT + 15}s"
    if "failure" in outcome:
        raise outcome["failure"]
    print(f"replicas: {len(sessions)} sessions on {len(REPLICAS)} replicas in {elapsed:.1f}s")

    with PortfolioStore(postgres_url) as store:
        snapshots = store.snapshots(SHARED_PORTFOLIO)
        decisions = store.decisions(SHARED_PORTFOLIO)
        problems = store.integrity_check()
    errors = [e for s in sessions for e in s.errors] + list(outcome["view_errors"])
    assert errors == []
    assert all(s.snapshot_id is not None and s.decided for s in sessions), [
        (s.tag, s.snapshot_id) for s in sessions
    ]
    landed = Counter(snapshots["source_name"])
    assert landed == Counter(s.source_name for s in sessions), landed  # each import exactly once
    by_source = dict(zip(snapshots["source_name"], snapshots["snapshot_id"].astype(int), strict=True))
    assert by_source == {s.source_name: s.snapshot_id for s in sessions}  # the ids the pages showed
    decided = Counter(zip(decisions["proposed_by"], decisions["pilot_id"], decisions["kind"], strict=True))
    assert decided == Counter((s.person, s.pilot_id, "retire") for s in sessions), decided
    assert set(decisions["status"]) == {"proposed"}
    assert problems == []
