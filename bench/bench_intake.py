"""Benchmark: `kairo validate` (read, map, validate, report) against pandas reading the same file.

Targets (issue 12), both measured in the same run, through the CLI as a user runs it
(``kairo validate FILE``, a fresh process: start-up and imports included):

- a 100,000-row, 17-column xlsx: at most 0.15x ``pandas.read_excel(path, engine="openpyxl")``;
- the same register as csv: at most 3x ``pandas.read_csv(path)``.

    .venv/bin/python bench/bench_intake.py [--rows 100000] [--repeats 3]
    .venv/bin/python bench/bench_intake.py --smoke     # a few hundred rows, once: does it run

The csv target is below what any fresh process can do (the interpreter's start-up and
imports alone take about 0.6 s of CPU, over 10x ``read_csv`` on this file), so the run also
prints the ratio against ``read_csv`` in a fresh process (``python -c "import pandas; ..."``),
what a user running pandas instead would wait.

Where the time goes: ``--stages`` prints the CPU seconds of each intake stage of
``kairo validate`` in-process (median of the repeats), and
``.venv/bin/pyinstrument .venv/bin/kairo validate FILE`` draws the call tree (see
docs/benchmarks.md, Intake).
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import xlsxwriter

from kairo_scoring.intake import read_portfolio
from kairo_scoring.schema import CANONICAL_COLUMNS, CURRENT_MODES, RISK_LEVELS, STAGES

XLSX_TARGET, CSV_TARGET = 0.15, 3.0
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


def median_seconds(task: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``task``; CPU counts this process and the children it
    waited for (``kairo validate``), so the ratio holds on a machine shared with other work."""
    walls, cpus = [], []
    for _ in range(repeats):
        start, cpu = time.perf_counter(), _cpu_seconds()
        task()
        walls.append(time.perf_counter() - start)
        cpus.append(_cpu_seconds() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def _cpu_seconds() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def kairo_validate(path: Path) -> Callable[[], object]:
    """``kairo validate PATH`` in a fresh process, as a user runs it; fails loudly if it fails."""
    kairo = shutil.which("kairo", path=str(Path(sys.executable).parent)) or "kairo"

    def run() -> None:
        completed = subprocess.run(
            [kairo, "validate", str(path), "--limit", "0"], capture_output=True, text=True, check=False
        )
        if completed.returncode != 0:
            raise SystemExit(f"kairo validate {path.name} failed: {completed.stderr.strip()}")

    return run


def fresh_read_csv(path: Path) -> Callable[[], object]:
    """``pandas.read_csv(PATH)`` in a fresh process: start-up and the pandas import included."""
    code = f"import pandas; pandas.read_csv({str(path)!r})"

    def run() -> None:
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)

    return run


INTAKE_STAGES = {  # (module, function) → stage, as docs/intake.md names them
    ("readers", "check_xlsx_archive"): "read: xlsx extent pre-scan",
    ("readers", "_read_with_calamine"): "read: calamine, the grid as Python values",
    ("readers", "read_csv"): "read: csv (decode, dialect, strict parse)",
    ("pipeline", "_locate"): "locate: sheet, header row, table",
    ("pipeline", "_map"): "map: profile, columns",
    ("pipeline", "_skip_totals"): "skip totals",
    ("pipeline", "normalise"): "normalise",
    ("pipeline", "validate"): "validate",
    ("pipeline", "answer_summary"): "report: answer summary",
}


def stage_seconds(path: Path, repeats: int) -> None:
    """CPU seconds of each stage of ``kairo validate PATH`` in this process (median of
    ``repeats``), the stage functions wrapped in ``time.process_time``."""
    import contextlib
    import io

    from kairo_scoring import cli
    from kairo_scoring.intake import pipeline, readers

    modules = {"readers": readers, "pipeline": pipeline}
    spent: dict[str, float] = {}
    for (module_name, name), label in INTAKE_STAGES.items():
        module = modules[module_name]
        if not hasattr(module, name):
            continue
        original = getattr(module, name)

        def timed(*args: object, _original=original, _label: str = label, **kwargs: object) -> object:
            start = time.process_time()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_label] = spent.get(_label, 0.0) + time.process_time() - start

        setattr(module, name, timed)
    totals, runs = [], []
    for _ in range(repeats):
        spent.clear()
        start = time.process_time()
        with contextlib.redirect_stdout(io.StringIO()):
            cli.main(["validate", str(path), "--limit", "0"])
        totals.append(time.process_time() - start)
        runs.append(dict(spent))
    print(f"stages of kairo validate {path.suffix} (CPU s, median of {repeats}):")
    for label in runs[0]:
        print(f"  {label}: {statistics.median(run[label] for run in runs):.2f}")
    print(f"  cmd_validate total: {statistics.median(totals):.2f}")


def compare(
    label: str, ours: tuple[float, float], theirs: tuple[float, float], baseline: str, target: float
) -> bool:
    wall, cpu = ours[0] / theirs[0], ours[1] / theirs[1]
    met = cpu <= target
    print(f"kairo validate ({label}): median {ours[0]:.2f} s wall, {ours[1]:.2f} s CPU")
    print(f"{baseline}: median {theirs[0]:.2f} s wall, {theirs[1]:.2f} s CPU")
    print(
        f"ratio ({label}): {cpu:.3f} CPU, {wall:.3f} wall (target <= {target:g}) -> {'PASS' if met else 'FAIL'}"
    )
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="300 rows, one run each, no target checked")
    parser.add_argument("--stages", action="store_true", help="also print the CPU seconds of each stage")
    args = parser.parse_args()
    rows, repeats = (300, 1) if args.smoke else (args.rows, args.repeats)
    with tempfile.TemporaryDirectory() as folder:
        xlsx, text = Path(folder) / "register.xlsx", Path(folder) / "register.csv"
        write_register(xlsx, rows)
        pd.read_excel(xlsx, engine="calamine", dtype=str).to_csv(text, index=False)
        result = read_portfolio(xlsx)
        assert result.source_rows == rows, (result.source_rows, rows)
        print(f"file: {rows:,} rows x {len(COLUMNS)} columns; {len(result.issues):,} issues reported")
        ours_xlsx = median_seconds(kairo_validate(xlsx), repeats)
        openpyxl_only = median_seconds(lambda: pd.read_excel(xlsx, engine="openpyxl"), repeats)
        ours_csv = median_seconds(kairo_validate(text), repeats)
        read_csv = median_seconds(lambda: pd.read_csv(text), repeats)
        read_csv_fresh = median_seconds(fresh_read_csv(text), repeats)
        if args.stages:
            stage_seconds(xlsx, repeats)
            stage_seconds(text, repeats)
    met = compare("xlsx", ours_xlsx, openpyxl_only, "pandas.read_excel(engine='openpyxl')", XLSX_TARGET)
    met &= compare("csv", ours_csv, read_csv, "pandas.read_csv", CSV_TARGET)
    fresh = ours_csv[1] / read_csv_fresh[1]
    print(
        f"pandas.read_csv in a fresh process: median {read_csv_fresh[0]:.2f} s wall, {read_csv_fresh[1]:.2f} s CPU; "
        f"ratio (csv, both fresh processes): {fresh:.2f} CPU (for information, no target)"
    )
    return 0 if met or args.smoke else 1


if __name__ == "__main__":
    sys.exit(main())
