"""Readiness scores: the dimension scores and readiness (0-100, absolute), with their range.

A pilot's scores depend on its own answers and the profile only. Each dimension is the mean
of its known 1-5 answers rescaled to 0-100; readiness is the weighted mean of the known
dimensions, and `ReadinessScores` also carries the lowest and highest readiness any filling
of the unknown answers gives. The per-factor contributions that sum to these scores are read
from the result (`ScoredPortfolio.contributions`, scored.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kairo_scoring.inputs import Inputs
from kairo_scoring.profile import Profile

_POINTS_ABOVE_ONE = np.array([0.0, 0.0, 1.0, 2.0, 3.0, 4.0])  # code 0 (unknown) adds nothing


def _dimension_points(inputs: Inputs, fields: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """(points, known) of one dimension: the points above 1 summed over its known fields
    (float), and how many of them are known (int8)."""
    total, known = np.zeros(inputs.size), np.zeros(inputs.size, np.int8)
    for f in fields:
        codes = inputs.codes.get(f)
        if codes is not None:  # whole values: a lookup instead of float arithmetic
            total += _POINTS_ABOVE_ONE[codes]
            known += codes > 0
            continue
        values = inputs.scores[f]
        is_known = ~np.isnan(values)
        total += np.where(is_known, values - 1.0, 0.0)
        known += is_known
    return total, known


@dataclass(frozen=True)
class ReadinessScores:
    """Dimension scores and readiness, with the range the unknown answers leave open.

    Each dimension (0-100) is the mean of its known answers rescaled from 1-5, NaN when none
    is known; readiness is the weighted mean of the known dimensions, NaN when no weighted
    one is known. `low` / `high` are the lowest and highest readiness over every filling of
    the unknown 1-5 answers. Once every answer is filled in, readiness is a weighted mean
    with fixed weights that grows with each answer, so the lowest filling is every unknown
    answer at 1 and the highest every unknown answer at 5: both bounds are reached by a
    filling, and a pilot with every answer known has low == readiness == high. With nothing
    known the range is 0-100. `answers_known` of `answers_total` answers are known: the
    distinct 1-5 fields of the dimensions that carry weight, the answers readiness is made of.
    """

    dimensions: dict[str, np.ndarray]
    readiness: np.ndarray
    low: np.ndarray
    high: np.ndarray
    answers_known: np.ndarray
    answers_total: int


def readiness_scores(inputs: Inputs, profile: Profile) -> ReadinessScores:
    """Dimension scores, readiness and its range over the unknown answers, in one pass."""
    n = inputs.size
    weighted = [f for d, fs in profile.dimensions.items() if profile.weights[d] > 0 for f in fs]
    fields = dict.fromkeys(weighted)
    distinct = len(fields) == len(weighted)  # no field in two weighted dimensions
    filled_weight = sum(profile.weights[d] for d, fs in profile.dimensions.items() if fs)
    num, den, low, known_points = np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n)
    answered, scratch = np.zeros(n, np.int8), np.empty(n)
    dims = {}
    for dim, dim_fields in profile.dimensions.items():
        total, known = _dimension_points(inputs, dim_fields)
        with np.errstate(invalid="ignore", divide="ignore"):
            dims[dim] = total * 25.0 / known  # NaN where no field is known (0/0)
        weight = profile.weights[dim]
        if not weight or not dim_fields:
            continue
        has_known = known > 0
        np.add(num, np.multiply(dims[dim], weight, out=scratch), out=num, where=has_known)
        np.add(den, weight, out=den, where=has_known)
        # Filled in, this dimension is (its known answers' points + 4 per unknown answer at
        # 5) x 25 / its size, weighed by weight / filled_weight: every unknown at 1 gives
        # `low`; every unknown at 5 adds what a 5 would give beyond 1, so `high` is 100 less
        # what the known answers fall short of 5 (their full points less their points).
        share = weight / filled_weight / len(dim_fields)
        low += np.multiply(total, 25.0 * share, out=scratch)
        known_points += np.multiply(known, 100.0 * share, out=scratch)
        if distinct:
            answered += known
    if not distinct:
        answered = sum((~np.isnan(inputs.scores[f])).astype(np.int8) for f in fields)
    ready = np.full(n, np.nan)
    np.divide(num, den, out=ready, where=den > 0)
    # Rounding can put a mean of 100s at 100.00000000000001; readiness is 0-100 by definition.
    np.clip(ready, 0.0, 100.0, out=ready)
    if filled_weight > 0:
        high = np.subtract(100.0, known_points, out=known_points)
        high += low
        np.clip(high, 0.0, 100.0, out=high)
        # Computed another way than readiness, the bounds can differ from it in the last
        # digit: keep low <= readiness <= high exact, and a complete pilot's range its readiness.
        np.fmin(low, ready, out=low)
        np.fmax(high, ready, out=high)
        complete = answered == len(fields)
        np.copyto(low, ready, where=complete)
        np.copyto(high, ready, where=complete)
    else:
        low, high = ready.copy(), ready.copy()
    return ReadinessScores(dims, ready, low, high, answered, len(fields))
