"""Browser tests: `streamlit run app.py` on a free port with a temporary store, driven by the
system Chromium through pytest-playwright. Everything skips when Chromium is absent."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STARTUP_TIMEOUT = 60

if not CHROMIUM.exists():
    pytest.skip(f"browser tests need the system Chromium at {CHROMIUM}", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen, timeout: float = STARTUP_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not become healthy within {timeout}s")


def start_app(
    store: Path, log: Path, app: Path | None = None, *, tree: Path = REPO
) -> tuple[subprocess.Popen, str]:
    """Start the app (or another script) on a free port with its own store; returns the process and base URL.

    ``tree`` is the copy of the project to run from (the bench runs the code before a change
    from its own folder, so it imports its own ``kairo_scoring``)."""
    port = free_port()
    env = {**os.environ, "KAIRO_STORE": str(store), "PYTHONUNBUFFERED": "1"}
    if tree != REPO:
        env["PYTHONPATH"] = str(tree)
    process = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(app or tree / "app.py"),
            "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
        ],
        cwd=tree,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process)
    except Exception:
        stop_app(process)
        raise
    return process, url


def stop_app(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@contextmanager
def app_running(folder: Path) -> Iterator[str]:
    """The app on a free port with a fresh store (and its log) in ``folder``, stopped afterwards."""
    process, url = start_app(folder / "kairo.duckdb", folder / "streamlit.log")
    try:
        yield url
    finally:
        stop_app(process)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory) -> Iterator[str]:
    with app_running(tmp_path_factory.mktemp("e2e")) as url:
        yield url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1440, "height": 900}, "accept_downloads": True}


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        """The page at 1440×900 as a user first sees it, plus `<name>_full.png` with all of it
        (Streamlit scrolls inside its main container, so the viewport is stretched for that)."""
        path = SCREENSHOTS / f"{name}.png"
        # Wait until the script has finished and no element is still a loading placeholder.
        page.wait_for_function(
            "() => !document.querySelector('[data-testid=stStatusWidget], [data-testid=stSkeleton]')",
            timeout=60_000,
        )
        page.screenshot(path=str(path))
        height = page.evaluate(
            "() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], section.main')]"
            ".map(e => e.scrollHeight), 900)"
        )
        page.set_viewport_size({"width": 1440, "height": min(int(height) + 40, 8000)})
        page.wait_for_timeout(800)  # charts re-layout to the new size
        page.screenshot(path=str(SCREENSHOTS / f"{name}_full.png"))
        page.set_viewport_size({"width": 1440, "height": 900})
        return path

    return take


def register_upload(page):
    """The Intake page's register uploader (the page also has one for assessment returns)."""
    return (
        page.get_by_test_id("stFileUploader")
        .filter(has=page.get_by_text("Portfolio register", exact=True))
        .get_by_test_id("stFileUploaderDropzoneInput")
    )


# --- shared steps of the asyncio browser sessions (soak and replicas tests) -----------------
async def settled(page, timeout: float) -> None:
    """Wait until the page's rerun has finished (the running-status widget is gone)."""
    await page.wait_for_timeout(300)
    await page.get_by_test_id("stStatusWidget").wait_for(state="detached", timeout=timeout)


def portfolio_box(page):
    """The Intake page's "Portfolio" box to save into. The sidebar's portfolio picker has the same
    label, so the box is looked for in the main area only: by DOM order alone ("the last one") a
    rerun in flight could hand the picker the typed name, and the save then went to the file's
    own name."""
    return page.get_by_test_id("stMain").get_by_label("Portfolio", exact=True)


async def type_portfolio(page, name: str, timeout: float) -> None:
    """Type the portfolio to save into on the Intake page; a rerun still on its way can
    replace what was typed, so try again until the box holds it."""
    portfolio = portfolio_box(page)
    for _ in range(3):
        await portfolio.fill(name)
        await portfolio.press("Enter")
        await settled(page, timeout)
        if await portfolio.input_value() == name:
            return


def settle_drawn(page, timeout: float, drawn_ms: int = 1200) -> None:
    """Wait until the script has finished, nothing is a loading placeholder, and (after
    ``drawn_ms``) plotly has laid out its charts."""
    page.wait_for_timeout(500)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=stMain] h1') && !document.querySelector("
        "'[data-testid=stStatusWidget], [data-testid=stSkeleton], [data-testid=stSpinner]')",
        timeout=timeout,
    )
    page.wait_for_timeout(drawn_ms)
