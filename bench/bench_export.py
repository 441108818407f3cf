"""Benchmark: the scored-table exports (csv and the formatted xlsx) of 200,000 pilots.

Both go through `write_scored`, the path `kairo score -o` takes (temporary file, rename).
Each format runs in its own child process, which loads the scored table from a parquet file
written once by the parent, records its resident memory, then exports the table a few times;
the peak resident memory (``ru_maxrss``) of that child, less what it held before the first
export, is the export's own. Targets, as ratios to the csv export in the same run (steadier
than seconds on a shared machine): the xlsx export's peak memory at most 1.5× the csv's (it
streams, so its memory does not grow with the table; the in-memory workbook it replaced
peaked at 1.7×) and its median time at most 10× the csv's (it was 16×).

    .venv/bin/python bench/bench_export.py [--pilots 200000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
from pathlib import Path

import pandas as pd

from kairo_scoring.exports import write_scored
from kairo_scoring.profile import default_profile

def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB

table_path, output, runs = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
table = pd.read_parquet(table_path)
profile = default_profile()
before = peak_mib()
timings = []
for _ in range(runs):
    started = time.perf_counter()
    write_scored(table, profile, output)
    timings.append(time.perf_counter() - started)
print(json.dumps({"seconds": timings, "before_mib": before, "peak_mib": peak_mib(),
                  "bytes": output.stat().st_size}))
"""


def scored_table(pilots: int, path: Path) -> None:
    """Score `pilots` synthetic pilots and keep the table as parquet for the children to load."""
    from kairo_scoring.scoring import score
    from kairo_scoring.synthetic import generate_portfolio

    score(generate_portfolio(pilots, seed=1)).table.to_parquet(path, index=False)


def run_export(table: Path, output: Path, runs: int) -> dict:
    completed = subprocess.run(
        [sys.executable, "-c", CHILD, str(table), str(output), str(runs)],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    figures["median_s"] = statistics.median(figures["seconds"])
    figures["own_mib"] = figures["peak_mib"] - figures["before_mib"]
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pilots", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kairo-bench-export-") as folder:
        table = Path(folder) / "scored.parquet"
        started = time.perf_counter()
        scored_table(args.pilots, table)
        print(
            f"Exporting {args.pilots:,} scored pilots, {args.runs} runs each (scored in {time.perf_counter() - started:.1f} s)"
        )
        results = {
            suffix: run_export(table, Path(folder) / f"out{suffix}", args.runs)
            for suffix in (".csv", ".xlsx")
        }
    for suffix, figures in results.items():
        runs = ", ".join(f"{t:.1f}" for t in figures["seconds"])
        print(
            f"  {suffix[1:]:<5} median {figures['median_s']:6.1f} s (runs: {runs})   "
            f"peak {figures['peak_mib']:5.0f} MiB, {figures['own_mib']:4.0f} MiB above the loaded table   "
            f"file {figures['bytes'] / 2**20:5.1f} MiB"
        )
    csv, xlsx = results[".csv"], results[".xlsx"]
    time_ratio = xlsx["median_s"] / csv["median_s"]
    memory_ratio = xlsx["peak_mib"] / csv["peak_mib"]
    met = time_ratio <= 10 and memory_ratio <= 1.5
    print(
        f"  xlsx/csv: time {time_ratio:.1f}x (target ≤ 10x), peak memory {memory_ratio:.2f}x (target ≤ 1.5x)"
    )
    print(f"  target: {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
