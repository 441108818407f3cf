"""Benchmark: the deciding questions of 100,000 pilots with 30% unknown answers.

Scoring and the deciding questions run alternately in the same process, a few times each;
the target is a ratio of medians measured in the same run (steadier than seconds on a
shared machine): `deciding_questions(score(...))` takes at most 5x what `score()` takes.

    .venv/bin/python bench/bench_questions.py [--pilots 100000] [--unknown 0.3] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

TARGET_RATIO = 5.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pilots", type=int, default=100_000)
    parser.add_argument("--unknown", type=float, default=0.3, help="share of each scoring input left unknown")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)

    from kairo_scoring.questions import deciding_questions
    from kairo_scoring.scoring import score
    from kairo_scoring.synthetic import generate_portfolio

    pilots = generate_portfolio(args.pilots, seed=11, unknown_rate=args.unknown)
    deciding_questions(score(pilots.head(2_000)))  # warm up imports and caches
    scoring, questions = [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        scored = score(pilots)
        scoring.append(time.perf_counter() - started)
        started = time.perf_counter()
        found = deciding_questions(scored)
        questions.append(time.perf_counter() - started)
    score_median, questions_median = statistics.median(scoring), statistics.median(questions)
    ratio = questions_median / score_median
    sizes = found.pilots["n_questions"].value_counts().sort_index().to_dict()
    print(f"pilots {args.pilots:,}, unknown {args.unknown:.0%}: {found.undecided:,} undecided")
    print(f"question-set sizes {sizes}; exact {int(found.pilots['exact'].sum()):,} of {len(found.pilots):,}")
    print(f"score              median {score_median:.3f} s  (runs {', '.join(f'{t:.3f}' for t in scoring)})")
    print(
        f"deciding questions median {questions_median:.3f} s  (runs {', '.join(f'{t:.3f}' for t in questions)})"
    )
    print(f"ratio {ratio:.2f}x (target <= {TARGET_RATIO:g}x): {'ok' if ratio <= TARGET_RATIO else 'MISSED'}")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
