"""How far one app replica goes: concurrent sessions, and the portfolio size it holds per session.

Starts ONE real replica (`streamlit run app.py`, started by tests/e2e/conftest.start_app) on
a PostgreSQL store the way a replica runs in production ($KAIRO_STORE is the URL of a fresh
database on a server started like the tests start theirs, tests/pg_server.py), with a
synthetic portfolio imported through `kairo import` first. Never data/kairo.duckdb.

Sessions are simulated without a browser (on a 2-core box a browser per session would
measure the browsers): `PageSession` speaks Streamlit's own protocol over the websocket at
/_stcore/stream, as the browser does. It sends a `BackMsg` `rerun_script` with a
`ClientState` (the Portfolio page is the default page; the portfolio is named in the query
string) and reads `ForwardMsg`s until `script_finished`. It reports the hashes of the
cacheable messages it holds, as the browser's message cache does, so the replica sends
references instead of re-sending them. A run counts as an error, never as a fast rerun, when
the script did not finish successfully, when the page shows an exception or an error alert,
when it drew no plotly chart or not the Portfolio title, or when it took over RERUN_TIMEOUT.

Two parts:
- sessions: one replica, sessions added in steps (1, 2, 5, 10, 20, 40); in each step every
  open session reruns the page once every THINK seconds (jittered) for a fixed window.
  Per step: rerun latency median and p95, errors, the replica's CPU seconds per rerun
  (/proc/PID/stat utime+stime of the streamlit process, so other work on a shared machine
  does not count), the database server's CPU per rerun, and the replica's RSS.
- portfolio size: a fresh replica per size (1,000 … 100,000 pilots), one session: first
  load, rerun latency and CPU, RSS; and at 10,000 pilots the RSS growth per extra session.

Run: .venv/bin/python bench/bench_replica.py [--quick] [--window 45] [--think 5]
Prints markdown tables. Needs the PostgreSQL server binaries (tests/pg_server.py finds them).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ClientState_pb2 import ClientState  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from websockets.asyncio.client import connect  # noqa: E402  (a streamlit dependency)

from kairo_scoring import generate_portfolio  # noqa: E402
from tests.pg_server import PostgresServer, server_bin  # noqa: E402

PORTFOLIO = "Replica bench"
PAGE_TITLE = "Portfolio"  # the st.title of app_pages/portfolio.py, the app's default page
NO_CHART = "the page drew no chart"
FIRST_PAINT_PASSES = 2  # the most runs a first load may take (ui.state.begin_first_paint)
RERUN_TIMEOUT = 60.0  # s: a rerun slower than this is an error
P95_BOUND = 2.0  # s: a step "holds" while its rerun p95 stays under this
RSS_BUDGET_MB = 1024  # the memory one replica may use (a 1 GiB container)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# --- one simulated browser session ----------------------------------------------------------
@dataclass
class PageRun:
    """One run of the page as a session saw it."""

    seconds: float
    deltas: int = 0
    references: int = 0  # of the deltas, how many came as a reference to a cached one
    elements: Counter[str] = field(default_factory=Counter)
    headings: list[str] = field(default_factory=list)
    error: str | None = None  # why this run does not count as a finished page

    @property
    def ok(self) -> bool:
        return self.error is None


class PageSession:
    """One browser tab on the Portfolio page, over Streamlit's websocket protocol."""

    def __init__(self, base_url: str, portfolio: str = PORTFOLIO):
        self.ws_url = base_url.replace("http://", "ws://", 1) + "/_stcore/stream"
        self.query = urlencode({"portfolio": portfolio})
        self.cached: dict[str, ForwardMsg] = {}  # cacheable messages by hash, as the browser's cache
        self._socket = None

    async def open(self) -> None:
        self._socket = await connect(
            self.ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=RERUN_TIMEOUT
        )

    async def close(self) -> None:
        if self._socket is not None:
            with contextlib.suppress(Exception):
                await self._socket.close()
            self._socket = None

    async def load(self) -> PageRun:
        """Open the page as a browser does. A page may draw its headline first and ask the
        browser, through a component, for the next pass once it is painted, and so on
        (app_pages/portfolio.py's first paint: the headline and charts, then the whole page); each
        answer is one more run, so is this client's: the load is every pass, timed from the
        first request to the finished page, which is the run that asks for no further pass."""
        started = time.perf_counter()
        run = await self.rerun()
        deltas = run.deltas
        for _ in range(FIRST_PAINT_PASSES - 1):
            if (not run.ok and run.error != NO_CHART) or not run.elements["bidi_component"]:
                break
            run = await self.rerun()
            deltas += run.deltas
        run.seconds = time.perf_counter() - started
        run.deltas = deltas
        return run

    async def rerun(self) -> PageRun:
        """Ask for a run of the page and read until it has finished; never raises."""
        started = time.perf_counter()
        try:
            return await asyncio.wait_for(self._run(started), RERUN_TIMEOUT)
        except TimeoutError:
            return PageRun(
                time.perf_counter() - started, error=f"no script_finished in {RERUN_TIMEOUT:.0f} s"
            )
        except Exception as exc:  # a closed or refused socket is an error of this run
            return PageRun(time.perf_counter() - started, error=f"{type(exc).__name__}: {exc}")

    async def _run(self, started: float) -> PageRun:
        if self._socket is None:
            await self.open()
        state = ClientState(query_string=self.query, page_script_hash="")
        state.cached_message_hashes.extend(sorted(self.cached))  # so the replica sends references
        await self._socket.send(BackMsg(rerun_script=state).SerializeToString())
        run = PageRun(0.0)
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await self._socket.recv())
            kind = msg.WhichOneof("type")
            if kind == "ref_hash":  # an element this session already holds: the browser draws its copy
                run.references += 1
                if msg.ref_hash not in self.cached:
                    run.error = run.error or "a reference to a message the session does not hold"
                    continue
                msg, kind = self.cached[msg.ref_hash], "delta"
            elif msg.metadata.cacheable and msg.hash:
                self.cached[msg.hash] = msg
            if kind == "delta":
                run.deltas += 1
                self._read_delta(msg, run)
            elif kind == "page_not_found":
                run.error = "page not found"
            elif kind == "script_finished":
                status = msg.script_finished
                if status == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY:
                    continue
                run.seconds = time.perf_counter() - started
                if status != ForwardMsg.FINISHED_SUCCESSFULLY and run.error is None:
                    run.error = f"script finished with {ForwardMsg.ScriptFinishedStatus.Name(status)}"
                self._check_page(run)
                return run

    @staticmethod
    def _read_delta(msg: ForwardMsg, run: PageRun) -> None:
        if msg.delta.WhichOneof("type") != "new_element":
            return
        element = msg.delta.new_element
        kind = element.WhichOneof("type")
        run.elements[kind] += 1
        if kind == "heading":
            run.headings.append(element.heading.body)
        elif kind == "exception" and run.error is None:
            run.error = f"exception on the page: {element.exception.type}: {element.exception.message}"
        elif kind == "alert" and element.alert.format == element.alert.ERROR and run.error is None:
            run.error = f"error alert on the page: {element.alert.body[:200]}"

    @staticmethod
    def _check_page(run: PageRun) -> None:
        if run.error is not None:
            return
        if PAGE_TITLE not in run.headings:
            run.error = f"the {PAGE_TITLE} title was not drawn (headings: {run.headings[:5]})"
        elif run.elements["plotly_chart"] == 0:
            run.error = NO_CHART


# --- the replica's process -------------------------------------------------------------------
def cpu_seconds(pid: int, *, children: bool = False) -> float:
    """utime+stime of ``pid`` (plus its waited-for children's with ``children``), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15 of proc(5))
    if children:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime
    return ticks / CLOCK_TICKS


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def database_cpu_seconds(server: PostgresServer) -> float:
    """CPU of the whole PostgreSQL server: the postmaster, its ended children and the live ones."""
    postmaster = int((server.data / "postmaster.pid").read_text().split()[0])
    total = cpu_seconds(postmaster, children=True)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == postmaster:
                total += cpu_seconds(int(stat.parent.name))
    return total


@contextlib.contextmanager
def replica(store_url: str, folder: Path) -> Iterator[tuple[subprocess.Popen, str]]:
    """One `streamlit run app.py` on ``store_url``, started as the browser tests start it."""
    from tests.e2e.conftest import start_app, stop_app

    process, url = start_app(store_url, folder / f"streamlit-{time.monotonic_ns()}.log")
    try:
        yield process, url
    finally:
        stop_app(process)


def import_portfolio(store_url: str, folder: Path, pilots: int) -> None:
    """Import one portfolio of ``pilots`` synthetic pilots into ``store_url`` with `kairo import`."""
    register = folder / f"register_{pilots}.csv"
    if not register.exists():
        generate_portfolio(pilots, seed=pilots).to_csv(register, index=False)
    kairo = str(ROOT / ".venv" / "bin" / "kairo")
    subprocess.run(
        [kairo, "import", str(register), "--db", store_url, "--portfolio", PORTFOLIO],
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=600,
    )


# --- the measurements -----------------------------------------------------------------------
def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: Sequence[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@dataclass
class Step:
    sessions: int
    runs: list[PageRun]
    cpu: float  # replica CPU seconds during the window
    db_cpu: float
    rss_mb: float
    rss_before_mb: float
    added: int
    first_loads: list[PageRun]
    load_average: float  # the machine's 1-minute load average at the end of the step
    seconds: float  # the step's wall time, its window plus the last reruns' tail

    @property
    def times(self) -> list[float]:
        return [run.seconds for run in self.runs if run.ok]

    @property
    def errors(self) -> list[str]:
        return [run.error for run in [*self.first_loads, *self.runs] if run.error]

    @property
    def cpu_per_rerun(self) -> float:
        return self.cpu / max(1, len(self.runs))

    @property
    def rss_per_session(self) -> float:
        return (self.rss_mb - self.rss_before_mb) / self.added if self.added else float("nan")


async def rerun_loop(session: PageSession, until: float, think: float, runs: list[PageRun]) -> None:
    """Rerun every ``think`` seconds (±50 %) until ``until``; a slow rerun delays the next."""
    await asyncio.sleep(random.uniform(0, think))  # noqa: S311 (jitter, not security)
    while time.monotonic() < until:
        runs.append(await session.rerun())
        await asyncio.sleep(think * random.uniform(0.5, 1.5))  # noqa: S311


async def open_sessions(url: str, count: int) -> tuple[list[PageSession], list[PageRun]]:
    """``count`` new sessions, each loading the page once (started over a second or so)."""
    sessions = [PageSession(url) for _ in range(count)]

    async def first(session: PageSession, delay: float) -> PageRun:
        await asyncio.sleep(delay)
        return await session.load()

    loads = await asyncio.gather(*(first(s, i * 0.1) for i, s in enumerate(sessions)))
    return sessions, list(loads)


async def measure_sessions(
    url: str, pid: int, server: PostgresServer | None, levels: Sequence[int], window: float, think: float
) -> list[Step]:
    steps: list[Step] = []
    sessions: list[PageSession] = []
    try:
        for level in levels:
            rss_before = rss_mb(pid)
            added, first_loads = await open_sessions(url, level - len(sessions))
            sessions += added
            await asyncio.sleep(1.0)
            rss_after = rss_mb(pid)
            runs: list[PageRun] = []
            cpu0, db0 = cpu_seconds(pid), database_cpu_seconds(server) if server else float("nan")
            begun = time.monotonic()
            until = begun + window
            await asyncio.gather(*(rerun_loop(s, until, think, runs) for s in sessions))
            cpu, db = (
                cpu_seconds(pid) - cpu0,
                (database_cpu_seconds(server) if server else float("nan")) - db0,
            )
            steps.append(
                Step(
                    level,
                    runs,
                    cpu,
                    db,
                    rss_after,
                    rss_before,
                    len(added),
                    first_loads,
                    os.getloadavg()[0],
                    time.monotonic() - begun,
                )
            )
            print(f"  {level} sessions: {len(runs)} reruns, {len(steps[-1].errors)} errors", file=sys.stderr)
            if len(steps[-1].errors) > len(runs) // 2 + 1:
                break  # the replica is past its limit: no point loading it further
    finally:
        await asyncio.gather(*(s.close() for s in sessions))
    return steps


@dataclass
class SizeResult:
    pilots: int
    first_load: PageRun
    reruns: list[PageRun]
    cpu_per_rerun: float
    rss_idle_mb: float
    rss_mb: float
    rss_per_session_mb: float | None = None

    @property
    def errors(self) -> list[str]:
        return [run.error for run in [self.first_load, *self.reruns] if run.error]


async def measure_size(url: str, pid: int, pilots: int, reruns: int, extra_sessions: int) -> SizeResult:
    idle = rss_mb(pid)
    session = PageSession(url)
    try:
        first = await session.load()
        runs = []
        cpu0 = cpu_seconds(pid)
        for _ in range(reruns):
            runs.append(await session.rerun())
        cpu = (cpu_seconds(pid) - cpu0) / max(1, reruns)
        await asyncio.sleep(1.0)
        result = SizeResult(pilots, first, runs, cpu, idle, rss_mb(pid))
        if extra_sessions:
            more, loads = await open_sessions(url, extra_sessions)
            await asyncio.sleep(1.0)
            result.rss_per_session_mb = (rss_mb(pid) - result.rss_mb) / extra_sessions
            result.reruns += loads  # their errors count too
            await asyncio.gather(*(s.close() for s in more))
        return result
    finally:
        await session.close()


# --- the report -----------------------------------------------------------------------------
def sessions_table(steps: list[Step], think: float) -> str:
    rows = [
        "| sessions | reruns | median s | p95 s | errors | first load s (added sessions, median) "
        "| replica CPU s / rerun | database CPU s / rerun | replica RSS MB | RSS MB / added session "
        "| replica cores busy | machine load |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for step in steps:
        first = [run.seconds for run in step.first_loads if run.ok]
        rows.append(
            f"| {step.sessions} | {len(step.runs)} | {median(step.times):.2f} | {percentile(step.times, 0.95):.2f} "
            f"| {len(step.errors)} | {median(first):.2f} | {step.cpu_per_rerun:.3f} "
            f"| {step.db_cpu / max(1, len(step.runs)):.3f} | {step.rss_mb:.0f} | {step.rss_per_session:.1f} "
            f"| {step.cpu / step.seconds:.2f} | {step.load_average:.1f} |"
        )
    holding = [s for s in steps if not s.errors and percentile(s.times, 0.95) < P95_BOUND]
    largest = max((s.sessions for s in holding), default=0)
    # CPU capacity: the replica's own CPU per rerun, from the lightest steps (least contention).
    light = [s for s in steps if s.runs and not s.errors][:3] or steps[:1]
    cpu_per_rerun = statistics.median(s.cpu_per_rerun for s in light)
    per_core_second = 1 / cpu_per_rerun if cpu_per_rerun else float("nan")
    rows += [
        "",
        f"Largest measured step whose rerun p95 stays under {P95_BOUND:.0f} s with no error: "
        f"**{largest} sessions** (one rerun every {think:.0f} s per session, jittered ±50 %).",
        f"CPU capacity: {cpu_per_rerun:.3f} replica CPU s per rerun = {per_core_second:.1f} reruns per "
        f"core-second; a replica process runs its scripts on about one core (the GIL), so at one "
        f"interaction every {think:.0f} s it serves about {per_core_second * think:.0f} sessions, and at one "
        f"every 30 s about {per_core_second * 30:.0f}, before reruns queue.",
    ]
    return "\n".join(rows)


def sizes_table(results: list[SizeResult]) -> str:
    rows = [
        "| pilots | first load s | rerun median s | replica CPU s / rerun | RSS idle MB | RSS after a session MB "
        "| RSS MB / extra session | errors |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        times = [run.seconds for run in r.reruns if run.ok]
        per = f"{r.rss_per_session_mb:.1f}" if r.rss_per_session_mb is not None else "–"
        rows.append(
            f"| {r.pilots:,} | {r.first_load.seconds:.2f} | {median(times):.2f} "
            f"| {r.cpu_per_rerun:.3f} | {r.rss_idle_mb:.0f} | {r.rss_mb:.0f} | {per} | {len(r.errors)} |"
        )
    within = [
        r.pilots
        for r in results
        if not r.errors
        and r.rss_mb < RSS_BUDGET_MB
        and r.reruns
        and percentile([x.seconds for x in r.reruns], 0.95) < P95_BOUND
    ]
    largest = max(within, default=0)
    beyond = "" if largest < max(r.pilots for r in results) else " (the largest size measured)"
    rows += [
        "",
        f"Largest measured portfolio within the budget (RSS under {RSS_BUDGET_MB} MB with one session, "
        f"rerun p95 under {P95_BOUND:.0f} s, no error): **{largest:,} pilots**{beyond}.",
    ]
    return "\n".join(rows)


async def sessions_part(
    server: PostgresServer, folder: Path, args: argparse.Namespace, levels: list[int], window: float
) -> list[str]:
    url = server.new_database()
    import_portfolio(url, folder, args.pilots)
    with replica(url, folder) as (process, base):
        print(f"sessions on {args.pilots:,} pilots: {levels}", file=sys.stderr)
        visitor = PageSession(base)  # the replica's caches, as after its first visitor
        warm = await visitor.load()
        await visitor.close()
        if not warm.ok:
            raise SystemExit(f"the Portfolio page did not load: {warm.error}")
        steps = await measure_sessions(base, process.pid, server, levels, window, args.think)
    return [
        "",
        f"### Sessions on one replica ({args.pilots:,} pilots, {window:.0f} s per step)",
        "",
        sessions_table(steps, args.think),
    ]


async def sizes_part(
    server: PostgresServer, folder: Path, args: argparse.Namespace, sizes: list[int], reruns: int
) -> list[str]:
    results = []
    for pilots in sizes:
        print(f"portfolio of {pilots:,} pilots", file=sys.stderr)
        url = server.new_database()
        import_portfolio(url, folder, pilots)
        extra = 0 if pilots != 10_000 else (2 if args.quick else 5)
        with replica(url, folder) as (process, base):
            results.append(await measure_size(base, process.pid, pilots, reruns, extra))
        server.drop_database(url)
    return ["", "### Portfolio size (a fresh replica per size, one session)", "", sizes_table(results)]


MINIMAL_PAGE = """import plotly.graph_objects as go
import streamlit as st

st.title("Portfolio")
st.write("A minimal page: a title, this line and one small chart.")
st.plotly_chart(go.Figure(go.Bar(x=["a", "b", "c"], y=[1, 3, 2])))
"""


async def minimal_part(folder: Path, reruns: int) -> list[str]:
    """Streamlit's own cost of a rerun: a minimal page (a title, a line, one small chart)."""
    from tests.e2e.conftest import start_app, stop_app

    print("minimal page", file=sys.stderr)
    script = folder / "minimal.py"
    script.write_text(MINIMAL_PAGE)
    process, base = start_app(folder / "unused.duckdb", folder / "streamlit-minimal.log", app=script)
    try:
        session = PageSession(base)
        await session.rerun()
        cpu0 = cpu_seconds(process.pid)
        runs = [await session.rerun() for _ in range(reruns * 3)]
        cpu = (cpu_seconds(process.pid) - cpu0) / len(runs)
        rss = rss_mb(process.pid)
        await session.close()
    finally:
        stop_app(process)
    errors = [run.error for run in runs if run.error]
    times = [run.seconds for run in runs if run.ok]
    return [
        "",
        "### Streamlit's own share: a minimal page (a title, a line, one small plotly chart)",
        "",
        f"Rerun median {median(times):.3f} s, replica CPU {cpu:.3f} s per rerun, RSS {rss:.0f} MB, "
        f"{len(errors)} errors ({len(runs)} reruns).",
    ]


async def run_bench(args: argparse.Namespace) -> str:
    bin_dir = server_bin()
    if bin_dir is None:
        raise SystemExit("bench_replica needs the PostgreSQL server binaries (apt-get install postgresql)")
    levels = [1, 2] if args.quick else [n for n in (1, 2, 5, 10, 20, 40) if n <= args.max_sessions]
    sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 50_000, 100_000, 200_000]
    window = min(args.window, 10.0) if args.quick else args.window
    reruns = 3 if args.quick else 8
    started = time.perf_counter()
    server = PostgresServer(bin_dir)
    report = [
        f"Measured {date.today().isoformat()} on this machine: {os.cpu_count()} cores shared with other "
        f"work (1-minute load average {os.getloadavg()[0]:.1f} at the start; the CPU figures are the "
        "processes' own /proc times, the latencies are wall time and include waiting for a core). "
        "One replica, PostgreSQL on the same machine.",
    ]
    try:
        with tempfile.TemporaryDirectory(prefix="kairo-bench-replica-") as tmp:
            folder = Path(tmp)
            if "sessions" in args.parts:
                report += await sessions_part(server, folder, args, levels, window)
            if "sizes" in args.parts:
                report += await sizes_part(server, folder, args, sizes, reruns)
            if "minimal" in args.parts:
                report += await minimal_part(folder, reruns)
    finally:
        server.stop()
    report += ["", f"Whole run: {time.perf_counter() - started:.0f} s."]
    return "\n".join(report)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="a small run (about a minute) for a smoke test")
    parser.add_argument("--window", type=float, default=45.0, help="seconds each sessions step runs")
    parser.add_argument("--think", type=float, default=5.0, help="seconds between one session's reruns")
    parser.add_argument("--pilots", type=int, default=1_000, help="the portfolio the sessions part uses")
    parser.add_argument(
        "--parts",
        default="sessions,sizes,minimal",
        help="which parts to run, comma-separated (sessions, sizes, minimal)",
    )
    parser.add_argument("--max-sessions", type=int, default=40, help="the largest sessions step (at most 40)")
    args = parser.parse_args(argv)
    args.max_sessions = min(args.max_sessions, 40)
    args.parts = set(args.parts.split(","))
    print(asyncio.run(run_bench(args)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
