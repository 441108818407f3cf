"""Scoring benchmark: `python -m kairo_scoring.bench [--pilots N] [--runs R]`.

Scores N synthetic pilots R times in a fresh child process and reports the median, the
peak resident memory of that whole process (data generation included), and, because
machines here are shared and noisy, a baseline measured in the same run: one pandas
pass over the same rows (a row mean of the eight 1-5 columns). The ratio to that
baseline is steadier across machines than the seconds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

CHILD = r"""
import json, resource, statistics, sys, time
from kairo_scoring.scoring import score
from kairo_scoring.schema import SCORE_FIELDS
from kairo_scoring.synthetic import generate_portfolio

pilots, runs = int(sys.argv[1]), int(sys.argv[2])
t = time.perf_counter()
frame = generate_portfolio(pilots, seed=1)
generate = time.perf_counter() - t
score(frame.head(1000))  # warm imports and lookup tables
timings, baseline = [], []
for _ in range(runs):
    t = time.perf_counter()
    frame[list(SCORE_FIELDS)].mean(axis=1)
    baseline.append(time.perf_counter() - t)
    t = time.perf_counter()
    result = score(frame)
    timings.append(time.perf_counter() - t)
    del result
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"generate_s": generate, "score_s": timings, "baseline_s": baseline, "peak_mb": peak_mb}))
"""


def run(pilots: int, runs: int) -> dict:
    """Run the benchmark in a child process and return its figures."""
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-c", CHILD, str(pilots), str(runs)], capture_output=True, text=True, check=True
    )
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    figures["wall_s"] = time.perf_counter() - started
    figures["score_median_s"] = statistics.median(figures["score_s"])
    figures["baseline_median_s"] = statistics.median(figures["baseline_s"])
    figures["ratio_to_baseline"] = figures["score_median_s"] / figures["baseline_median_s"]
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pilots", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    figures = run(args.pilots, args.runs)
    print(f"Scoring {args.pilots:,} synthetic pilots, {args.runs} runs")
    print(f"  generate data      {figures['generate_s']:.2f} s (once)")
    print(
        f"  score median       {figures['score_median_s']:.3f} s   (runs: {', '.join(f'{t:.3f}' for t in figures['score_s'])})"
    )
    print(
        f"  baseline median    {figures['baseline_median_s']:.3f} s   (pandas row mean of the eight 1-5 columns)"
    )
    print(f"  ratio to baseline  {figures['ratio_to_baseline']:.1f}x")
    print(f"  peak memory        {figures['peak_mb']:.0f} MB (whole process, generation included)")
    target_ok = figures["score_median_s"] <= 1.0 and figures["peak_mb"] <= 1536
    print(f"  target (≤ 1.0 s median, ≤ 1.5 GB peak): {'met' if target_ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
