"""A workshop in presentation mode, in Chromium (issue 13): a decision recorded on the Pilot page
and a bulk accept from selected rows of the Portfolio table, under a typed name (open mode).
No real pilot name, owner or the typed name may appear anywhere on the page: the decision
record shows aliases. Screenshots of each step (copied to $KAIRO_SHOTS_COPY when it is set)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kairo_scoring import (
    PortfolioStore,
    default_profile,
    ensure_default_profile,
    ensure_sample_portfolio,
    pilot_table,
    score,
)
from tests.e2e.conftest import REPO, settle_drawn, start_app, stop_app

pytestmark = pytest.mark.e2e
WAIT = 60_000  # ms
PILOT = "KP-007"  # "Service desk ticket triage", recommended a shared AI workspace
TYPED_NAME = "Quentin Typedname"


@pytest.fixture(scope="module")
def workshop(tmp_path_factory):
    """The app on a fresh store with the sample, and the real names a room must not see."""
    folder = tmp_path_factory.mktemp("workshop")
    store_path = folder / "kairo.duckdb"
    with PortfolioStore(store_path) as store:
        ensure_default_profile(store, default_profile())
        ensure_sample_portfolio(store, REPO / "data", default_profile())
        latest = store.snapshots("Sample portfolio")["snapshot_id"].max()
        pilots = store.load_pilots(int(latest))
    table = score(pilots, default_profile()).table
    rows, _ = pilot_table(table)  # the Portfolio table's order: most valuable first
    settled = [i for i, r in enumerate(rows["recommended"]) if r != "undecided"][:2]
    names = set(pilots["name"].astype(str)) | set(pilots["owner"].dropna().astype(str))
    process, url = start_app(store_path, folder / "streamlit.log")
    yield url, names, settled
    stop_app(process)


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("workshop_shots")


def settle(page: Page) -> None:
    settle_drawn(page, WAIT, drawn_ms=800)


def save_shot(page: Page, folder: Path, name: str) -> None:
    """The first screen and the whole page; copied to $KAIRO_SHOTS_COPY when it is set."""
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    first, full = folder / f"{name}.png", folder / f"{name}_full.png"
    page.screenshot(path=str(first))
    tall = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=stMain]')].map(e => e.scrollHeight))"
    )
    page.set_viewport_size({"width": width, "height": min(int(tall) + 40, 12_000)})
    page.wait_for_timeout(1000)
    page.screenshot(path=str(full))
    page.set_viewport_size({"width": width, "height": height})
    copy = os.environ.get("KAIRO_SHOTS_COPY")
    if copy:
        Path(copy).mkdir(parents=True, exist_ok=True)
        for path in (first, full):
            shutil.copy(path, Path(copy) / path.name)


def assert_no_real_name(page: Page, names: set[str]) -> None:
    """Neither a pilot's or owner's real name nor the typed name is in the page's text."""
    text = page.evaluate("() => document.body.innerText")
    found = sorted(n for n in (*names, TYPED_NAME) if re.search(rf"\b{re.escape(n)}\b", text))
    assert not found, found


def test_a_workshop_decides_in_presentation_mode_without_a_real_name_on_screen(page: Page, workshop, shots):
    url, names, settled = workshop
    page.set_viewport_size({"width": 1440, "height": 900})

    # 1. the Pilot page: accept the recommendation under a typed name
    page.goto(f"{url}/scorecard?pilot={PILOT}&present=true", timeout=WAIT)
    settle(page)
    expect(page.get_by_text("No sign-in is configured").first).to_be_visible(timeout=WAIT)
    page.get_by_label("Your name").first.fill(TYPED_NAME)
    page.get_by_role("button", name="Record the decision").click()
    settle(page)
    expect(page.get_by_text("Decision recorded").first).to_be_visible(timeout=WAIT)
    expect(page.get_by_text("Proposed by Person A").first).to_be_visible(timeout=WAIT)
    expect(page.get_by_label("Your name").first).to_have_value("")  # emptied: the room reads the screen
    expect(page.get_by_text("This app has encountered an error")).to_have_count(0)
    page.get_by_text("Proposed by Person A").first.scroll_into_view_if_needed()
    save_shot(page, shots, "workshop_01_pilot_decision")
    assert_no_real_name(page, names)

    # 2. the Portfolio page: select two rows, accept the recommendation for both
    page.goto(f"{url}/?present=true", timeout=WAIT)
    settle(page)
    page.get_by_text("Select several to decide on").click()
    settle(page)
    grid = page.get_by_test_id("stDataFrame").last
    grid.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    for row in settled:
        box = grid.bounding_box()
        assert box, "the pilot table is not on screen"
        page.mouse.click(box["x"] + 16, box["y"] + 52 + 35 * row)  # the row's selection box
        settle(page)
    button = page.get_by_role("button", name="Accept the recommendation for these 2")
    expect(button).to_be_visible(timeout=WAIT)
    page.get_by_label("Your name").fill(TYPED_NAME)
    button.click()
    settle(page)
    expect(page.get_by_text("Recorded 2 decisions").first).to_be_visible(timeout=WAIT)
    expect(page.get_by_label("Your name")).to_have_value("")
    expect(page.get_by_text("This app has encountered an error")).to_have_count(0)
    awaiting = page.get_by_test_id("stMetric").filter(has_text="Awaiting sign-off")
    expect(awaiting).to_contain_text("3")  # the pilot's and the two of the bulk accept
    save_shot(page, shots, "workshop_02_portfolio_bulk")
    assert_no_real_name(page, names)

    # 3. the audit trail, as a room would see it
    page.goto(f"{url}/audit?present=true", timeout=WAIT)
    settle(page)
    expect(page.get_by_text("newest first").first).to_be_visible(timeout=WAIT)
    save_shot(page, shots, "workshop_03_audit")
    assert_no_real_name(page, names)
