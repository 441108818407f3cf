"""The search for each undecided pilot's deciding set, and its entry point `deciding_questions`.

`deciding_questions` finds the undecided pilots and their candidate fields, groups them into
distinct situations (`fields._situations`) and runs `_Search` over those: the exact search by
size over the three independent parts, then the greedy one for a pilot with more than
`EXACT_MAX_FIELDS` candidate fields; `tables._assemble` turns the sets into the result.
"""

from __future__ import annotations

import itertools

import numpy as np

from kairo_scoring import engine
from kairo_scoring.questions.fields import (
    _CURRENT,
    _DEMAND,
    _SUPPLY,
    FIELDS,
    _bits,
    _local,
    _popcount,
    _situations,
    _to_field_bits,
    _unknown_bits,
    answer_classes,
)
from kairo_scoring.questions.parts import _PartSpace
from kairo_scoring.questions.tables import DecidingQuestions, _assemble
from kairo_scoring.schema import UNDECIDED
from kairo_scoring.scoring import ScoredPortfolio, decision_bounds, open_boxes, open_decisions

# Exhaustive search by size for pilots with at most this many candidate fields. It covers
# all 12 scoring inputs: split into its three parts (see `_Search.run`), the search of a pilot
# with every input unknown reads ~130,000 supply variants, once per distinct situation.
# The greedy search stays for larger field sets (tests force it with a lower limit).
EXACT_MAX_FIELDS = 12
# Variants scored per call of the vectorised rule: bounds memory (~100 bytes a variant).
BATCH_ROWS = 400_000


def deciding_questions(scored: ScoredPortfolio) -> DecidingQuestions:
    """The deciding questions of every undecided pilot, and what they add up to for the
    portfolio: per field, per owner, per business unit and the headline coverage."""
    table = scored.table
    profile = scored.profile
    # As arrays: a table's index may repeat labels, and Series would align on them.
    undecided = (table["verdict"].to_numpy(object) == "needs_data") | (
        table["recommended"].to_numpy(object) == UNDECIDED
    )
    rows = np.flatnonzero(undecided)
    inputs = engine.read_inputs(table)
    classes = answer_classes(profile)
    value = table["monthly_value"].to_numpy("float64")
    if rows.size == 0:
        return _assemble(
            table, rows, np.zeros(0, np.int64), np.zeros(0, bool), np.zeros((0, len(FIELDS)), bool)
        )
    sub = engine.filled_in(inputs, rows, {})
    is_open, missing = open_decisions(
        sub, profile, np.ascontiguousarray(scored.gate_status[rows].T), with_missing=True
    )
    if not is_open.all():  # score() and the rule disagree: cannot happen, the rule is score()'s own
        raise RuntimeError("the deciding questions were asked of a pilot score() decided")
    candidates = _to_field_bits(missing) | np.where(missing == 0, _unknown_bits(sub), 0)
    key_rows, inverse, supply_situation = _situations(sub, classes, candidates)
    search = _Search(sub, profile, classes, key_rows, candidates[key_rows])
    weights = np.bincount(inverse, minlength=key_rows.size)
    key_value = np.bincount(inverse, weights=np.nan_to_num(value[rows]), minlength=key_rows.size)
    search.run(weights, key_value, supply_situation)
    return _assemble(
        table, rows, search.chosen[inverse], search.exact[inverse], search.alone[inverse], search.rank
    )


class _Search:
    """The search over one row per distinct situation (see the module docstring)."""

    def __init__(self, inputs, profile, classes, key_rows, candidates):
        self.inputs, self.profile, self.classes = inputs, profile, classes
        self.key_rows, self.candidates = key_rows, candidates
        n = key_rows.size
        self.chosen = np.zeros(n, np.int64)  # bit mask over FIELDS, 0 = not found yet
        self.exact = np.zeros(n, bool)
        self.alone = np.zeros((n, len(FIELDS)), bool)
        self.rank = np.arange(len(FIELDS))  # rank[field index]: 0 best
        self._assignments: dict[tuple[int, ...], np.ndarray] = {}
        self._open_box = self._box_table()
        self._current, self._demand, self._supply = (
            _PartSpace.of(part, inputs, profile, classes, key_rows)
            for part in ((_CURRENT,), _DEMAND, _SUPPLY)
        )

    def assignments(self, subset: tuple[int, ...]) -> np.ndarray:
        """Every combination of representatives of the fields in `subset`: (combinations, |subset|)."""
        if not subset:
            return np.zeros((1, 0))
        if subset not in self._assignments:
            grids = np.meshgrid(*(self.classes[FIELDS[i]] for i in subset), indexing="ij")
            self._assignments[subset] = np.stack([g.ravel() for g in grids], axis=1)
        return self._assignments[subset]

    def _box_table(self) -> np.ndarray:
        """open[current range, demand range, supply range] (range index = low × 4 + high),
        from scoring's rule; impossible ranges count as open."""
        ranges = np.array([lo * 4 + hi for lo in range(4) for hi in range(lo, 4)])
        c, d, s = (a.ravel() for a in np.meshgrid(ranges, ranges, ranges, indexing="ij"))
        keep = (d // 4 >= 1) & (d % 4 >= 1)  # demand is 1..3
        table = np.ones((16, 16, 16), bool)
        c, d, s = c[keep], d[keep], s[keep]
        table[c, d, s] = open_boxes(self.profile, c // 4, c % 4, d // 4, d % 4, s // 4, s % 4)
        return table

    def ranges(self, jobs: list[tuple[np.ndarray, tuple[int, ...]]]) -> list[np.ndarray]:
        """For each (situations, subset): (situations, assignments, 3), the current, demand and
        supply range index of each filled-in variant; scored in batches of BATCH_ROWS variants."""
        out = [np.empty((keys.size, len(self.assignments(subset)), 3), np.int64) for keys, subset in jobs]
        batches: list[list[tuple[int, int, np.ndarray, tuple[int, ...]]]] = [[]]
        size = 0
        for index, (keys, subset) in enumerate(jobs):
            a = len(self.assignments(subset))
            step = max(1, BATCH_ROWS // a)
            for start in range(0, keys.size, step):
                batches[-1].append((index, start, keys[start : start + step], subset))
                size += min(step, keys.size - start) * a
                if size >= BATCH_ROWS:
                    batches.append([])
                    size = 0
        for batch in batches:
            if batch:
                self._score(batch, out)
        return out

    def _score(self, pieces, out) -> None:
        rows, shapes = [], []
        filled = sorted({i for _, _, _, subset in pieces for i in subset})
        fills: dict[int, list[np.ndarray]] = {i: [] for i in filled}
        for index, start, keys, subset in pieces:
            combos = self.assignments(subset)
            m, a = keys.size, len(combos)
            rows.append(np.repeat(self.key_rows[keys], a))
            for i in filled:
                fill = np.tile(combos[:, subset.index(i)], m) if i in subset else np.full(m * a, np.nan)
                fills[i].append(fill)
            shapes.append((index, start, m, a))
        variants = engine.filled_in(
            self.inputs, np.concatenate(rows), {FIELDS[i]: np.concatenate(v) for i, v in fills.items()}
        )
        c_lo, c_hi, d_lo, d_hi, s_lo, s_hi = (
            b.astype(np.int64) for b in decision_bounds(variants, self.profile)
        )
        triples = np.stack([c_lo * 4 + c_hi, d_lo * 4 + d_hi, s_lo * 4 + s_hi], axis=1)
        at = 0
        for index, start, m, a in shapes:
            out[index][start : start + m] = triples[at : at + m * a].reshape(m, a, 3)
            at += m * a

    def reachable(self, jobs, part: int) -> list[np.ndarray]:
        """Per job and situation: the bit set of ranges of one part (0 current, 1 demand,
        2 supply) that some assignment of the subset leaves."""
        return [np.bitwise_or.reduce(np.int64(1) << r[:, :, part], axis=1) for r in self.ranges(jobs)]

    def undecided_share(self, jobs) -> list[np.ndarray]:
        """Per job and situation: the share of the subset's assignments that leave it open."""
        return [self._open_box[r[:, :, 0], r[:, :, 1], r[:, :, 2]].mean(axis=1) for r in self.ranges(jobs)]

    def run(self, weights: np.ndarray, key_value: np.ndarray, supply_situation) -> None:
        """Exact search by size over the three independent parts, then greedy where too large.

        Current mode, demand and supply hang on disjoint fields, so the ranges a set leaves
        are the product of what its current-mode, demand and supply fields leave each; a set
        decides when no such combination of ranges is open (`_allowed`).
        """
        n, n_fields = self.key_rows.size, _popcount(self.candidates)
        everyone = np.arange(n)
        # Current and demand parts, for every situation: each subset of their fields asked.
        c_jobs = [(everyone, ())]
        asks_current = np.flatnonzero(self.candidates >> _CURRENT & 1)
        c_jobs.append((asks_current, (_CURRENT,)))
        d_jobs = []
        for local in range(1 << len(_DEMAND)):
            subset = tuple(f for j, f in enumerate(_DEMAND) if local >> j & 1)
            bits = _bits(subset)
            d_jobs.append((np.flatnonzero((self.candidates & bits) == bits), subset))
        c_reach = self._current.reachable(c_jobs) if self._current else self.reachable(c_jobs, 0)
        c_parts = np.repeat(c_reach[0][:, None], 2, axis=1)
        c_parts[asks_current, 1] = c_reach[1]
        d_parts = np.zeros((n, len(d_jobs)), np.int64)
        d_reach = self._demand.reachable(d_jobs) if self._demand else self.reachable(d_jobs, 1)
        for j, (keys, _) in enumerate(d_jobs):
            d_parts[keys, j] = d_reach[j]
        allowed = self._allowed(c_parts, d_parts)
        # Supply part: per distinct supply situation and subset of its supply fields, on demand.
        g_first, g_of = supply_situation
        g_cands = self.candidates[g_first] & _bits(_SUPPLY)
        g_reach: dict[int, np.ndarray] = {}  # local subset → ranges per supply situation (0 = not yet)

        def prepare(needs: list[tuple[np.ndarray, tuple[int, ...]]]) -> None:
            """Compute the supply ranges of each (supply situations, subset) not known yet, in one batch."""
            jobs, locals_ = [], []
            for gs, subset in needs:
                local, bits = _local(subset, _SUPPLY), _bits(subset)
                if local not in g_reach:
                    g_reach[local] = np.zeros(g_first.size, np.uint16)  # 16 supply ranges
                table = g_reach[local]
                todo = gs[((g_cands[gs] & bits) == bits) & (table[gs] == 0)]
                if todo.size:
                    jobs.append((g_first[todo], subset))
                    locals_.append((local, todo))
            found_all = self._supply.reachable(jobs) if self._supply else self.reachable(jobs, 2)
            for (local, todo), found in zip(locals_, found_all, strict=True):
                g_reach[local][todo] = found

        def decides(keys: np.ndarray, subset: tuple[int, ...]) -> np.ndarray:
            c = int(_CURRENT in subset)
            d = _local(tuple(f for f in subset if f in _DEMAND), _DEMAND)
            supply = tuple(f for f in subset if f in _SUPPLY)
            g = _local(supply, _SUPPLY)
            ok = allowed[keys, c, d]
            out = np.zeros(keys.size, bool)
            live = np.flatnonzero(ok != 0)  # no supply range decides the others: no need to look
            if live.size:
                gs = g_of[keys[live]]
                if g not in g_reach or not g_reach[g][gs].all():  # 0 = not computed yet
                    prepare([(np.unique(gs), supply)])
                out[live] = (g_reach[g][gs] & ~ok[live]) == 0
            return out

        all_g = np.unique(g_of)
        prepare([(all_g, ()), *((all_g, (i,)) for i in _SUPPLY)])
        for i in range(len(FIELDS)):
            keys = np.flatnonzero(self.candidates >> i & 1)
            if keys.size:
                self.alone[keys, i] = decides(keys, (i,))
        counts, values = weights @ self.alone, key_value @ self.alone
        self.rank = np.empty(len(FIELDS), np.intp)
        self.rank[np.lexsort((np.arange(len(FIELDS)), -values, -counts))] = np.arange(len(FIELDS))
        best_alone = np.where(self.alone, self.rank, len(FIELDS)).argmin(axis=1)
        found = self.alone.any(axis=1)
        self.chosen[found] = np.int64(1) << best_alone[found]
        self.exact[found] = True
        for size in range(2, EXACT_MAX_FIELDS + 1):
            pending = np.flatnonzero((self.chosen == 0) & (n_fields <= EXACT_MAX_FIELDS))
            if pending.size == 0:
                break
            # Among sets of one size, the one whose fields rank best comes first. Sets with a
            # current-mode or demand field need no supply ranges beyond the last size, so
            # they go first; a supply-only set is then scored only for the situations no
            # better-ranked set decided.
            subsets = sorted(
                itertools.combinations(range(len(FIELDS)), size), key=lambda s: sorted(self.rank[list(s)])
            )
            # Sets with one current-mode or demand field read supply ranges of the size
            # below: computed in one batch for the situations that such a field could help.
            helps = np.zeros(pending.size, bool)
            for f in (_CURRENT, *_DEMAND):
                c = int(f == _CURRENT)
                d = _local((f,), _DEMAND) if f in _DEMAND else 0
                helps |= ((self.candidates[pending] >> f & 1) == 1) & (allowed[pending, c, d] != 0)
            helped = pending[helps]
            prepare(
                [
                    (np.unique(g_of[keys]), smaller)
                    for smaller in itertools.combinations(_SUPPLY, size - 1)
                    if (keys := self._within(helped, smaller)).size
                ]
            )
            first = np.full(n, len(subsets))
            supply_only = [(p, s) for p, s in enumerate(subsets) if set(s) <= set(_SUPPLY)]
            skip = {p for p, _ in supply_only}
            for position, subset in enumerate(subsets):
                if position in skip:
                    continue
                keys = self._within(pending, subset)
                keys = keys[first[keys] == len(subsets)]
                if keys.size:
                    first[keys[decides(keys, subset)]] = position
            # A supply-only set cannot decide a situation that no supply range decides with
            # its current mode and demand unasked: skip those before scoring any variant.
            open_anyway = allowed[pending, 0, 0] == 0
            needs = [(p, s, self._within(pending[~open_anyway], s)) for p, s in supply_only]
            needs = [(p, s, keys[first[keys] > p]) for p, s, keys in needs]
            prepare([(np.unique(g_of[keys]), subset) for _, subset, keys in needs if keys.size])
            for position, subset, keys in needs:
                keys = keys[first[keys] > position]
                if keys.size:
                    first[keys[decides(keys, subset)]] = position
            hit = pending[first[pending] < len(subsets)]
            self.chosen[hit] = np.array([_bits(subset) for subset in subsets], np.int64)[first[hit]]
            self.exact[hit] = True
        self._greedy(np.flatnonzero(self.chosen == 0))

    def _within(self, keys: np.ndarray, subset: tuple[int, ...]) -> np.ndarray:
        """The situations among `keys` whose candidate fields hold all of `subset`."""
        bits = _bits(subset)
        return keys[(self.candidates[keys] & bits) == bits]

    def _allowed(self, c_parts: np.ndarray, d_parts: np.ndarray) -> np.ndarray:
        """allowed[situation, current asked, demand subset]: the supply ranges that decide the
        situation whatever current and demand ranges the asked fields leave."""
        decided = ~self._open_box  # [c, d, s]
        ok = (decided.astype(np.int64) << np.arange(16)).sum(axis=2)  # [c, d] → supply range bits
        # Range sets are 16-bit masks and few are distinct: number them through a lookup
        # table (no sort), combine each distinct pair once, then read the pairs back.
        c_unique, c_index = _numbered(c_parts)
        d_unique, d_index = _numbered(d_parts)
        out = np.empty((c_unique.size, d_unique.size), np.int64)
        for u, cm in enumerate(c_unique.tolist()):
            for v, dm in enumerate(d_unique.tolist()):
                mask = (1 << 16) - 1
                for ci in (i for i in range(16) if cm >> i & 1):
                    for di in (i for i in range(16) if dm >> i & 1):
                        mask &= int(ok[ci, di])
                out[u, v] = mask
        return out[c_index[:, :, None], d_index[:, None, :]]

    def _greedy(self, keys: np.ndarray) -> None:
        """Add the field leaving the smallest share of assignments undecided until none is,
        then drop every field the others decide without (worst-ranked first)."""
        chosen: dict[int, list[int]] = {int(k): [] for k in keys}
        pending = list(chosen)
        while pending:
            jobs, owners = [], []
            for k in pending:
                free = [i for i in range(len(FIELDS)) if self.candidates[k] >> i & 1 and i not in chosen[k]]
                if not free:
                    raise RuntimeError("a pilot stayed undecided with every candidate field filled in")
                for i in free:
                    jobs.append((np.array([k]), tuple(sorted([*chosen[k], i]))))
                    owners.append((k, i))
            best: dict[int, tuple[float, int, int]] = {}
            for (k, i), share in zip(owners, self.undecided_share(jobs), strict=True):
                option = (float(share[0]), int(self.rank[i]), i)
                best[k] = min(best.get(k, option), option)
            for k, (_, _, i) in best.items():
                chosen[k].append(i)
            pending = [k for k in pending if best[k][0] > 0]
        order = {k: sorted(fields, key=lambda i: -self.rank[i]) for k, fields in chosen.items()}
        for round_ in range(max((len(v) for v in order.values()), default=0)):
            tries = [(k, order[k][round_]) for k in chosen if round_ < len(order[k]) and len(chosen[k]) > 1]
            jobs = [(np.array([k]), tuple(sorted(f for f in chosen[k] if f != i))) for k, i in tries]
            for (k, i), share in zip(tries, self.undecided_share(jobs), strict=True):
                if share[0] == 0:
                    chosen[k].remove(i)
        for k, fields in chosen.items():
            self.chosen[k] = _bits(fields)
            self.exact[k] = len(fields) <= 2


def _numbered(masks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the distinct 16-bit masks, the position of each mask among them), without sorting."""
    present = np.zeros(1 << 16, bool)
    present[masks] = True
    unique = np.flatnonzero(present)
    number = np.zeros(1 << 16, np.intp)
    number[unique] = np.arange(unique.size)
    return unique, number[masks]
