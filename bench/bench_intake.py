"""Benchmark: intake (read, map, validate) against pandas.read_excel(engine="openpyxl") alone.

Target: on a 100,000-row, 17-column xlsx, ``read_portfolio`` takes at most a fifth of the
time ``pandas.read_excel(path, engine="openpyxl")`` takes on the same file in the same run.

    .venv/bin/python bench/bench_intake.py [--rows 100000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import xlsxwriter

from kairo_scoring.intake import read_portfolio
from kairo_scoring.schema import CANONICAL_COLUMNS, CURRENT_MODES, RISK_LEVELS, STAGES

COLUMNS = CANONICAL_COLUMNS[:17]  # every canonical field but monthly_value
UNITS = ("Finance", "HR", "Operations", "Legal", "Procurement", "IT")


def write_register(path: Path, rows: int, seed: int = 7) -> None:
    """A realistic register: unique IDs and names, a few units, enums in mixed spellings,
    1–5 scores with the odd "n/a" and "4 - mostly", volumes with thousands separators."""
    rng = random.Random(seed)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Pilots")
    sheet.write_row(0, 0, COLUMNS)
    for i in range(rows):
        scores = [rng.choice((1, 2, 3, 4, 5, 3, 4, "n/a", "4 - mostly")) for _ in range(8)]
        sheet.write_row(
            i + 1,
            0,
            [
                f"P-{i:06d}",
                f"Pilot {i} {rng.random():.6f}",
                rng.choice(UNITS),
                f"owner{i % 700}@example.org",
                rng.choice(STAGES).title(),
                rng.choice(CURRENT_MODES),
                *scores,
                rng.choice(RISK_LEVELS),
                rng.choice((rng.randint(0, 5000), f"{rng.randint(1000, 9000):,}")),
                rng.randint(1, 60),
            ],
        )
    workbook.close()


def median_seconds(task: Callable[[], object], repeats: int) -> float:
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        task()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "register.xlsx"
        write_register(path, args.rows)
        result = read_portfolio(path)
        assert len(result.pilots) + len(result.rejected) == args.rows
        intake = median_seconds(lambda: read_portfolio(path), args.repeats)
        openpyxl_only = median_seconds(lambda: pd.read_excel(path, engine="openpyxl"), args.repeats)
    ratio = intake / openpyxl_only
    print(f"file: {args.rows:,} rows × {len(COLUMNS)} columns; {len(result.issues):,} issues reported")
    print(f"read_portfolio (read, map, validate): median {intake:.2f} s over {args.repeats} runs")
    print(f"pandas.read_excel(engine='openpyxl'):  median {openpyxl_only:.2f} s over {args.repeats} runs")
    print(f"ratio: {ratio:.3f} (target ≤ 0.200) → {'PASS' if ratio <= 0.2 else 'FAIL'}")


if __name__ == "__main__":
    main()
