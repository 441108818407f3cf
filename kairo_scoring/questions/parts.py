"""The range table of one part of the decision: current mode, demand or supply.

A part's range depends on its own fields alone, and on each of them only through its class,
so `_PartSpace` scores it once for every combination of classes (scoring's `decision_bounds`)
and the search looks a situation's variants up in that table instead of scoring them one by
one; `PART_SPACE_MAX` bounds the table (a larger part has its variants scored instead).
"""

from __future__ import annotations

import numpy as np

from kairo_scoring import engine
from kairo_scoring.profile import Profile
from kairo_scoring.questions.fields import (
    _CURRENT,
    _DEMAND,
    FIELDS,
    _class_of_score,
    _class_of_value,
    _probe,
    _values_of,
)
from kairo_scoring.schema import SCORE_FIELDS
from kairo_scoring.scoring import decision_bounds

# A part's ranges come from a table over every combination of its fields' classes when it
# has at most this many (supply: 129,600 for the default profile); else each variant is scored.
PART_SPACE_MAX = 1_000_000


class _PartSpace:
    """The ranges of one part (current mode, demand or supply) for every combination of
    classes of its fields (each field one of its classes or unknown), scored once by
    scoring's rule (`decision_bounds`): a situation's variants are then looked up in it
    instead of scored one by one. A part's range depends on its own fields alone, and on
    each only through its class."""

    def __init__(self, codes: np.ndarray, radix: np.ndarray, ranges: np.ndarray, part: tuple[int, ...]):
        self.codes = codes  # (situations, part fields): class index, radix - 1 = unknown
        self.radix = radix
        self.weights = _radix_weights(radix)
        self.ranges = ranges  # range index (low × 4 + high) per combination, in mixed radix
        self.part = part
        self.base = codes @ self.weights
        self._offsets: dict[tuple[int, ...], np.ndarray] = {}

    @classmethod
    def of(cls, part: tuple[int, ...], inputs: engine.Inputs, profile: Profile, classes, key_rows):
        """The space of `part` (one of _CURRENT, _DEMAND, _SUPPLY) for the situations at
        `key_rows`; None when a 1-5 field holds a fractional value (its values are not
        classes then) or the space has more than PART_SPACE_MAX combinations."""
        columns = []
        for i in part:
            f = FIELDS[i]
            if f not in SCORE_FIELDS:
                columns.append(_class_of_value(_values_of(inputs, f)[key_rows], classes[f]))
            elif inputs.codes.get(f) is None:
                return None
            else:
                columns.append(_class_of_score(inputs.codes[f][key_rows], classes[f]))
        radix = np.array([classes[FIELDS[i]].size + 1 for i in part], np.int64)
        if np.prod(radix.astype(float)) > PART_SPACE_MAX:
            return None
        every = np.arange(int(np.prod(radix)))
        weights = _radix_weights(radix)
        values = {
            FIELDS[i]: np.append(classes[FIELDS[i]], np.nan)[every // weights[j] % radix[j]]
            for j, i in enumerate(part)
        }
        bounds = decision_bounds(engine.filled_in(_probe(), np.zeros(every.size, np.intp), values), profile)
        which = 0 if part == (_CURRENT,) else 2 if part == _DEMAND else 4
        ranges = (bounds[which].astype(np.int64) * 4 + bounds[which + 1]).astype(np.int8)
        return cls(np.stack(columns, axis=1).astype(np.int64), radix, ranges, part)

    def reachable(self, jobs) -> list[np.ndarray]:
        """Per (situations, subset of the part's fields): the bit set of the part's ranges
        that some assignment of the subset leaves."""
        out = []
        for keys, subset in jobs:
            local = [self.part.index(i) for i in subset]
            offsets = self._offsets.get(subset)
            if offsets is None:  # each combination of classes of the subset, as an index step
                offsets = np.zeros(1, np.int64)
                for j in local:
                    offsets = (offsets[:, None] + np.arange(self.radix[j] - 1) * self.weights[j]).ravel()
                self._offsets[subset] = offsets
            start = self.base[keys] - self.codes[keys][:, local] @ self.weights[local]
            found = self.ranges[start[:, None] + offsets[None, :]]
            out.append(np.bitwise_or.reduce(np.int64(1) << found, axis=1))
        return out


def _radix_weights(radix: np.ndarray) -> np.ndarray:
    """The place value of each digit of a mixed-radix number (last digit 1)."""
    return np.concatenate([np.cumprod(radix[::-1])[::-1][1:], [1]]).astype(np.int64)
