"""Load on one store: N concurrent `kairo import` processes, into PostgreSQL and then into DuckDB.

Writes N distinct registers (synthetic portfolios, `--pilots` each, csv), starts a PostgreSQL
server the way the tests do (tests/pg_server.py: Debian's binaries, a temporary data
directory, a free loopback port), then launches the N imports at once against one fresh
database and waits for them all (each bounded by `--timeout`). Then the same N imports
against one new DuckDB file, where the file lock lets one process in at a time: the others
refuse with the store's clear "is open in another program" line (exit 2), counted here.

Prints, per backend: landed, refused (with that line), failed otherwise, wall seconds from
the first launch to the last exit, imports landed per second, the median and slowest process,
and whether the store then holds exactly one snapshot per landed import with a clean
integrity check.

Run: .venv/bin/python bench/bench_store_load.py [--imports 50] [--pilots 100] [--timeout 300]
Uses temporary stores only, never data/kairo.duckdb; needs the PostgreSQL server binaries.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kairo_scoring import PortfolioStore, generate_portfolio  # noqa: E402
from tests.pg_server import PostgresServer, server_bin  # noqa: E402

MAX_IMPORTS = 200  # bounded: each import is its own Python process
LOCKED = "is open in another program"
PORTFOLIO = "Load"


@dataclass(frozen=True)
class Outcome:
    code: int | None  # None: killed at the timeout
    seconds: float
    stderr: str


def write_registers(folder: Path, count: int, pilots: int) -> list[Path]:
    """``count`` registers with different bytes (a seed each), so every import is a new snapshot."""
    paths = []
    for i in range(count):
        path = folder / f"register_{i:03d}.csv"
        generate_portfolio(pilots, seed=1000 + i).to_csv(path, index=False)
        paths.append(path)
    return paths


def run_imports(registers: list[Path], store: str, timeout: float) -> tuple[list[Outcome], float]:
    """All imports at once; returns each one's outcome and the wall time of the whole run."""
    kairo = str(ROOT / ".venv" / "bin" / "kairo")
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    started = time.perf_counter()
    running = [
        (
            time.perf_counter(),
            subprocess.Popen(
                [kairo, "import", str(register), "--db", store, "--portfolio", PORTFOLIO],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            ),
        )
        for register in registers
    ]
    outcomes = []
    deadline = started + timeout
    for launched, process in running:
        try:
            _, stderr = process.communicate(timeout=max(deadline - time.perf_counter(), 0.1))
            outcomes.append(Outcome(process.returncode, time.perf_counter() - launched, stderr))
        except subprocess.TimeoutExpired:
            process.kill()
            _, stderr = process.communicate()
            outcomes.append(Outcome(None, time.perf_counter() - launched, stderr))
    return outcomes, time.perf_counter() - started


def report(backend: str, store: str, outcomes: list[Outcome], wall: float) -> dict[str, object]:
    landed = sum(outcome.code == 0 for outcome in outcomes)
    refused = sum(outcome.code == 2 and LOCKED in outcome.stderr for outcome in outcomes)
    timed_out = sum(outcome.code is None for outcome in outcomes)
    other = [o for o in outcomes if o.code not in (0, None) and not (o.code == 2 and LOCKED in o.stderr)]
    with PortfolioStore(store, read_only=True) as opened:
        snapshots = len(opened.snapshots(PORTFOLIO))
        problems = opened.integrity_check()
    seconds = sorted(outcome.seconds for outcome in outcomes)
    tracebacks = sum("Traceback" in outcome.stderr for outcome in outcomes)
    print(f"\n{backend}: {len(outcomes)} concurrent imports")
    print(
        f"  landed {landed}, refused 'in use' {refused}, other failures {len(other)}, timed out {timed_out}"
    )
    print(f"  wall {wall:.1f} s, {landed / wall:.2f} imports landed/s")
    print(f"  per process: median {statistics.median(seconds):.1f} s, slowest {seconds[-1]:.1f} s")
    print(
        f"  store: {snapshots} snapshots (one per landed import: {snapshots == landed}); integrity {problems or 'clean'}"
    )
    print(f"  tracebacks shown: {tracebacks}")
    for outcome in other[:3]:
        print(f"  e.g. exit {outcome.code}: {outcome.stderr.strip().splitlines()[-1:]}")
    if refused:
        example = next(o for o in outcomes if LOCKED in o.stderr).stderr.strip().splitlines()[-1]
        print(f"  refusal line: {example}")
    return {"landed": landed, "refused": refused, "other": len(other), "wall": wall}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--imports", type=int, default=50, help=f"concurrent imports (1–{MAX_IMPORTS}; default 50)"
    )
    parser.add_argument("--pilots", type=int, default=100, help="pilots per register (default 100)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds for the whole run per backend")
    parser.add_argument("--skip-duckdb", action="store_true", help="only the PostgreSQL run")
    args = parser.parse_args(argv)
    if not 1 <= args.imports <= MAX_IMPORTS:
        parser.error(f"--imports takes 1 to {MAX_IMPORTS}")
    bin_dir = server_bin()
    if bin_dir is None:
        print("bench_store_load: no PostgreSQL server binaries (apt-get install postgresql)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="kairo-load-") as folder:
        registers = write_registers(Path(folder), args.imports, args.pilots)
        print(
            f"{args.imports} registers of {args.pilots} pilots; {os.cpu_count()} cores; load {os.getloadavg()[0]:.1f}"
        )
        server = PostgresServer(bin_dir, max_connections=max(100, 3 * args.imports))
        try:
            url = server.new_database()
            PortfolioStore(url).close()  # migrated once before the run, as a deployed database is
            outcomes, wall = run_imports(registers, url, args.timeout)
            report("PostgreSQL", url, outcomes, wall)
        finally:
            server.stop()
        if not args.skip_duckdb:
            duckdb_file = str(Path(folder) / "load.duckdb")
            PortfolioStore(duckdb_file).close()
            outcomes, wall = run_imports(registers, duckdb_file, args.timeout)
            report("DuckDB", duckdb_file, outcomes, wall)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
