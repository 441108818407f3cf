"""The deciding questions: which unknown answers decide each undecided pilot.

A pilot is *undecided* when score() gives it the verdict `needs_data` or the recommendation
`undecided`. Its *candidate* fields are the unknown scoring inputs that leave the decision
open (the `missing_fields` score() lists); no other unknown field can ever change its
bounds, whatever else becomes known.

**Deciding.** A set S of a pilot's unknown fields *decides* it when, for every assignment of
values to the fields of S (the pilot's other unknowns staying unknown), the bounded scoring
of score() gives a decided verdict (not `needs_data`) and a decided recommendation. The rule
is scoring's own (`scoring.open_decisions`, `decision_bounds`, `open_boxes`), applied to
filled-in variants of the pilot (`engine.filled_in`): there is no second copy of it here.

**Values a field can take.** The decision depends on a field only through the gates and
demand thresholds of the profile, so each field's values fall into classes that every gate
treats alike, and one representative per class stands for all of its values:

- a 1-5 field: the values 1..5 grouped by the status every gate on that field gives them,
  under every risk level (for the default profile, controls has 4 classes: 1-2, 3, 4, 5);
- `risk_level`: the four levels grouped by the statuses every gate gives under them;
- `current_mode`: its four modes;
- `monthly_volume` and `users`: one value per interval between the profile's demand
  thresholds (volume 0, 300, 2,000 and users 1, 8 for the default profile).

Everything is derived from the profile at hand, never written down here, so a changed
profile changes the classes. Filling in every candidate field always decides a pilot
(demand, supply and the current mode are then known), so a deciding set always exists.

**Which set, and what is guaranteed.** Decision is monotone: a superset of a deciding set
decides. The search is by size, over all subsets of the candidate fields:

- *exact* when a pilot has at most `EXACT_MAX_FIELDS` candidate fields: its set is a
  minimum-size deciding set (among the minimum ones, the one whose fields rank best in the
  portfolio ranking below);
- otherwise every single field is still tried (so a one-question pilot is always found);
  when none decides alone, a *greedy* set is built: add the field whose filling leaves the
  smallest share of undecided assignments, until none is left, then drop every field the
  rest decides without. A greedy set is *irreducible* (no field can be left out) but not
  always minimum; it is marked exact when it has two fields (one is known not to suffice).

`exact` in the pilot table says which guarantee holds. Either way, leaving any one field of
the set unknown leaves the pilot undecided for some value of the others.

**Order.** Fields rank by how many undecided pilots each decides on its own, then by the
monthly value of those pilots, then in schema order; each pilot's questions follow it.

**Speed.** Pilots with the same class of every field and the same unknowns get the same
answer, so each distinct situation is searched once. The current mode, demand and supply
ranges hang on disjoint fields (current_mode; volume and users; the gate fields and risk),
so the ranges a set of fields leaves are the product of what each part's fields leave,
and a set decides when no combination of them is open (scoring's `open_boxes`, tabulated
once over all 16 x 16 x 16 ranges). A part's range depends on its own fields only, and on
each through its class: so each part's range is scored once (`scoring.decision_bounds`) for
every combination of classes of its fields, each class or unknown (129,600 for supply with
the default profile), and a situation's variants are looked up in that table. Where 1-5
values are fractional (no classes) or the table would be too large, the filled-in variants
are scored instead, in batches; the results are the same (tested).

Over 400 lines because it does one job, the deciding questions, whose exact search, lookup tables
and portfolio tables only make sense together.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kairo_scoring import engine
from kairo_scoring.profile import Profile
from kairo_scoring.schema import (
    CANONICAL_COLUMNS,
    CURRENT_MODES,
    RISK_LEVELS,
    SCORE_FIELDS,
    SCORE_MAX,
    SCORE_MIN,
    SCORING_INPUTS,
    UNDECIDED,
    conform,
)
from kairo_scoring.scoring import ScoredPortfolio, decision_bounds, open_boxes, open_decisions

# Exhaustive search by size for pilots with at most this many candidate fields. It covers
# all 12 scoring inputs: split into its three parts (see `_Search.run`), the search of a pilot
# with every input unknown reads ~130,000 supply variants, once per distinct situation.
# The greedy search stays for larger field sets (tests force it with a lower limit).
EXACT_MAX_FIELDS = 12
# Variants scored per call of the vectorised rule: bounds memory (~100 bytes a variant).
BATCH_ROWS = 400_000
# A part's ranges come from a table over every combination of its fields' classes when it
# has at most this many (supply: 129,600 for the default profile); else each variant is scored.
PART_SPACE_MAX = 1_000_000
FIELDS: tuple[str, ...] = SCORING_INPUTS
_INDEX = {f: i for i, f in enumerate(FIELDS)}
# The three parts the decision's ranges hang on, each on its own fields.
_CURRENT = _INDEX["current_mode"]
_DEMAND: tuple[int, ...] = (_INDEX["monthly_volume"], _INDEX["users"])
_SUPPLY: tuple[int, ...] = tuple(i for i in range(len(FIELDS)) if i != _CURRENT and i not in _DEMAND)


@dataclass(frozen=True)
class QuestionsHeadline:
    """What the Portfolio page says: ask `questions` questions of `owners` owners to decide
    `pilots` pilots (carrying `value` a month), out of `undecided` undecided pilots."""

    questions: int
    fields: tuple[str, ...]
    owners: int
    pilots: int
    value: float
    undecided: int


@dataclass(frozen=True)
class DecidingQuestions:
    """The deciding questions of a portfolio.

    - `pilots`: one row per undecided pilot: pilot_id, name, owner, business_unit,
      monthly_value, `questions` (tuple of field names, best-ranked first), `n_questions`,
      `exact` (True: a minimum-size set; False: greedy, irreducible).
    - `fields`: one row per field some pilot waits on: `decides_alone` (pilots the field
      alone decides) and their monthly value, `needed_with_others` (pilots whose questions
      hold it and other fields) and their value, `asked` (pilots whose questions hold it).
    - `owners` / `business_units`: per owner or unit, the pilots that wait on them, the
      questions asked (pilot × field), the distinct fields and the value waiting.
    - `coverage`: the fields in the order that decides the most pilots soonest; row k:
      asking the first k fields decides `pilots` pilots of `owners` owners.
    """

    pilots: pd.DataFrame
    fields: pd.DataFrame
    owners: pd.DataFrame
    business_units: pd.DataFrame
    coverage: pd.DataFrame
    undecided: int

    def headline(self, questions: int | None = None) -> QuestionsHeadline:
        """Ask the first `questions` fields of `coverage`; None: the fewest that decide at
        least half of the undecided pilots (all of them when none is undecided)."""
        if self.coverage.empty:
            return QuestionsHeadline(0, (), 0, 0, 0.0, self.undecided)
        if questions is None:
            enough = self.coverage["pilots"] * 2 >= self.undecided
            questions = (
                int(self.coverage["questions"][enough].iloc[0]) if enough.any() else len(self.coverage)
            )
        row = self.coverage.iloc[min(max(questions, 1), len(self.coverage)) - 1]
        return QuestionsHeadline(
            int(row["questions"]),
            tuple(self.coverage["field"].iloc[: int(row["questions"])]),
            int(row["owners"]),
            int(row["pilots"]),
            float(row["value"]),
            self.undecided,
        )


def answer_classes(profile: Profile) -> dict[str, np.ndarray]:
    """Per scoring input, one representative value per class of values the decision treats
    alike (risk and current mode as their rank / level): see the module docstring."""
    probe = _probe()
    risks = np.array([*range(len(RISK_LEVELS)), np.nan])
    values = np.array([np.nan, *range(SCORE_MIN, SCORE_MAX + 1)], dtype=float)
    grid_v, grid_r = (a.ravel() for a in np.meshgrid(values, risks, indexing="ij"))
    grid = engine.filled_in(
        probe, np.zeros(grid_v.size, np.intp), {**dict.fromkeys(SCORE_FIELDS, grid_v), "risk_level": grid_r}
    )
    status = np.array([engine.gate_status(g, grid) for g in profile.gates]).reshape(
        len(profile.gates), values.size, risks.size
    )
    out: dict[str, np.ndarray] = {}
    for f in SCORE_FIELDS:
        on_field = status[[j for j, g in enumerate(profile.gates) if g.field == f]]
        out[f] = _representatives(values[1:], [on_field[:, i + 1].tobytes() for i in range(values.size - 1)])
    out["risk_level"] = _representatives(
        risks[:-1], [status[:, :, r].tobytes() for r in range(risks.size - 1)]
    )
    out["monthly_volume"] = _interval_starts(
        0.0, (profile.shared_workspace_min_volume, profile.api_pipeline_min_volume)
    )
    out["users"] = _interval_starts(1.0, (profile.shared_workspace_min_users,))
    out["current_mode"] = np.arange(len(CURRENT_MODES), dtype=float)
    return out


def _representatives(values: np.ndarray, signatures: list[bytes]) -> np.ndarray:
    first: dict[bytes, float] = {}
    for value, signature in zip(values, signatures, strict=True):
        first.setdefault(signature, float(value))
    return np.array(list(first.values()))


def _interval_starts(lowest: float, thresholds: tuple[float, ...]) -> np.ndarray:
    """The start of each interval the thresholds cut [lowest, ∞) into (a value ≥ t is past t)."""
    return np.unique(np.array([lowest, *(t for t in thresholds if t > lowest)], dtype=float))


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


@functools.cache
def _probe() -> engine.Inputs:
    """One pilot with every input unknown (only ever read: variants are filled-in copies)."""
    return engine.read_inputs(conform(pd.DataFrame({"pilot_id": ["probe"], "name": ["probe"]})))


def _values_of(inputs: engine.Inputs, field: str) -> np.ndarray:
    """A scoring input's values (risk and current mode as their rank / level)."""
    if field in SCORE_FIELDS:
        return inputs.scores[field]
    return {
        "risk_level": inputs.risk,
        "current_mode": inputs.current,
        "monthly_volume": inputs.volume,
        "users": inputs.users,
    }[field]


def _situations(inputs: engine.Inputs, classes: dict[str, np.ndarray], candidates: np.ndarray):
    """(first row of each distinct situation, situation per row): same class of every field."""
    columns = [candidates]
    for f in FIELDS:
        reps = classes[f]
        if f in SCORE_FIELDS:
            own = inputs.scores[f]
            codes = inputs.codes.get(f)
            if codes is None:  # fractional values: each distinct value is its own class
                columns.append(np.unique(np.nan_to_num(own, nan=-1.0), return_inverse=True)[1].ravel())
                continue
            columns.append(_class_of_score(codes, reps))
        else:
            columns.append(_class_of_value(_values_of(inputs, f), reps))
    stacked = np.stack([np.asarray(c, np.int64) for c in columns], axis=1)
    first, inverse = _distinct_rows(stacked)
    # The supply part of each situation: its supply candidates and the classes of supply fields.
    supply = stacked[first][:, [0, *(1 + i for i in _SUPPLY)]]
    supply[:, 0] &= _bits(_SUPPLY)
    g_first, g_of = _distinct_rows(supply)
    return first, inverse, (g_first, g_of)


def _distinct_rows(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first row of each distinct row, distinct row per row) of a small non-negative int matrix."""
    radix = matrix.max(axis=0) + 1 if len(matrix) else np.ones(matrix.shape[1], np.int64)
    if np.log2(radix.astype(float)).sum() < 62:  # one int64 per row: a 1-d unique is much faster
        weights = np.concatenate([np.cumprod(radix[::-1])[::-1][1:], [1]]).astype(np.int64)
        _, first, inverse = np.unique(matrix @ weights, return_index=True, return_inverse=True)
    else:
        _, first, inverse = np.unique(matrix, axis=0, return_index=True, return_inverse=True)
    return first, inverse.ravel()


def _class_of_score(codes: np.ndarray, reps: np.ndarray) -> np.ndarray:
    """The class of each whole 1-5 value (len(reps) = unknown): the representative it shares a class with."""
    lut = np.full(SCORE_MAX + 1, -1)
    lut[0] = reps.size
    # A value's class is the largest representative not above it: representatives are the
    # first value of each class in 1..5, and classes of gate thresholds are intervals.
    lut[1:] = np.searchsorted(reps, np.arange(1, SCORE_MAX + 1), side="right") - 1
    return lut[codes]


def _class_of_value(values: np.ndarray, reps: np.ndarray) -> np.ndarray:
    """The class of each risk, mode, volume or users value (len(reps) = unknown): the largest
    representative not above it (representatives start their intervals)."""
    cls = np.searchsorted(reps, np.nan_to_num(values, nan=np.inf), side="right") - 1
    return np.where(np.isnan(values), reps.size, cls)


def _numbered(masks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the distinct 16-bit masks, the position of each mask among them), without sorting."""
    present = np.zeros(1 << 16, bool)
    present[masks] = True
    unique = np.flatnonzero(present)
    number = np.zeros(1 << 16, np.intp)
    number[unique] = np.arange(unique.size)
    return unique, number[masks]


def _local(subset: tuple[int, ...], part: tuple[int, ...]) -> int:
    """A subset of a part's fields as a bit mask over that part's own order."""
    return sum(1 << part.index(i) for i in subset)


def _bits(fields) -> np.int64:
    out = 0
    for i in fields:
        out |= 1 << int(i)
    return np.int64(out)


def _popcount(masks: np.ndarray) -> np.ndarray:
    return sum((masks >> i) & 1 for i in range(len(FIELDS))).astype(np.int64)


def _to_field_bits(missing: np.ndarray) -> np.ndarray:
    """A mask over CANONICAL_COLUMNS → a mask over FIELDS."""
    out = np.zeros(missing.size, np.int64)
    for i, f in enumerate(FIELDS):
        out |= ((missing >> CANONICAL_COLUMNS.index(f)) & 1) << i
    return out


def _unknown_bits(inputs: engine.Inputs) -> np.ndarray:
    own = {**inputs.scores, "risk_level": inputs.risk, "current_mode": inputs.current}
    own.update(monthly_volume=inputs.volume, users=inputs.users)
    return sum(np.isnan(own[f]).astype(np.int64) << i for i, f in enumerate(FIELDS))


def _assemble(table, rows, chosen, exact, alone, rank=None) -> DecidingQuestions:
    """The pilot, field, owner, unit and coverage tables from each undecided pilot's set."""
    rank = np.arange(len(FIELDS)) if rank is None else rank
    by_rank = [int(i) for i in np.argsort(rank, kind="stable")]
    undecided = table[["pilot_id", "name", "owner", "business_unit", "monthly_value"]].iloc[rows]
    value = np.nan_to_num(undecided["monthly_value"].to_numpy("float64"))
    member = np.stack([(chosen >> i) & 1 for i in range(len(FIELDS))], axis=1).astype(bool)
    n_questions = member.sum(axis=1)
    names = np.array(FIELDS, dtype=object)
    # One tuple per distinct set, not per pilot: sets are few.
    sets, set_of = np.unique(chosen, return_inverse=True)
    set_fields = np.empty(sets.size, object)
    set_fields[:] = [tuple(FIELDS[i] for i in by_rank if int(mask) >> i & 1) for mask in sets]
    pilots = pd.DataFrame(
        {
            "pilot_id": undecided["pilot_id"].to_numpy(object),
            "name": undecided["name"].to_numpy(object),
            "owner": undecided["owner"].astype(object).to_numpy(),
            "business_unit": undecided["business_unit"].astype(object).to_numpy(),
            "monthly_value": undecided["monthly_value"].to_numpy("float64"),
            "questions": set_fields[set_of.ravel()],
            "n_questions": n_questions.astype(np.int64),
            "exact": exact.astype(bool),
        }
    )
    with_others = member & (n_questions >= 2)[:, None]
    fields = pd.DataFrame(
        {
            "field": names[by_rank],
            "decides_alone": alone.sum(axis=0)[by_rank].astype(np.int64),
            "decides_alone_value": (value @ alone)[by_rank],
            "needed_with_others": with_others.sum(axis=0)[by_rank].astype(np.int64),
            "needed_with_others_value": (value @ with_others)[by_rank],
            "asked": member.sum(axis=0)[by_rank].astype(np.int64),
            "asked_value": (value @ member)[by_rank],
        }
    )
    fields = fields[(fields["asked"] > 0) | (fields["decides_alone"] > 0)].reset_index(drop=True)
    return DecidingQuestions(
        pilots=pilots,
        fields=fields,
        owners=_waiting_on(pilots, chosen, "owner", by_rank),
        business_units=_waiting_on(pilots, chosen, "business_unit", by_rank),
        coverage=_coverage(pilots, chosen, rank),
        undecided=len(rows),
    )


def _waiting_on(pilots: pd.DataFrame, chosen: np.ndarray, by: str, by_rank: list[int]) -> pd.DataFrame:
    """Per owner (or unit): pilots waiting, questions asked (pilot × field), the fields, the value."""
    columns = [by, "pilots", "questions", "fields", "value"]
    if pilots.empty:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(
        {
            by: pilots[by],
            "n": pilots["n_questions"],
            "mask": chosen,
            "value": np.nan_to_num(pilots["monthly_value"].to_numpy("float64")),
        }
    )
    grouped = frame.groupby(by, dropna=False, sort=False)
    out = pd.DataFrame(
        {
            "pilots": grouped.size(),
            "questions": grouped["n"].sum(),
            "mask": grouped["mask"].agg(np.bitwise_or.reduce),
            "value": grouped["value"].sum(),
        }
    )
    out["fields"] = [tuple(FIELDS[i] for i in by_rank if int(m) >> i & 1) for m in out["mask"]]
    out = out.reset_index().rename(columns={"index": by})
    out = out.sort_values(["pilots", "value", by], ascending=[False, False, True], na_position="last")
    return out[columns].reset_index(drop=True)


def _coverage(pilots: pd.DataFrame, chosen: np.ndarray, rank: np.ndarray) -> pd.DataFrame:
    """Fields in the order that decides the most pilots soonest (each next field the one that,
    with those before it, decides the most more pilots; ties by rank): asking the first k
    decides the pilots whose questions are all among them."""
    columns = ["questions", "field", "pilots", "owners", "value"]
    sets, set_of, set_count = np.unique(chosen, return_inverse=True, return_counts=True)
    set_of = set_of.ravel()
    # Owners as codes (-1: none), so that counting the owners of a prefix is a bincount.
    owner, owner_names = pd.factorize(pilots["owner"].to_numpy(object), use_na_sentinel=True)
    value = np.nan_to_num(pilots["monthly_value"].to_numpy("float64"))
    asked = int(np.bitwise_or.reduce(sets)) if sets.size else 0
    prefix, rows = 0, []
    remaining = [i for i in range(len(FIELDS)) if asked >> i & 1]
    while remaining:
        gains = [int(set_count[(sets & ~(prefix | 1 << i)) == 0].sum()) for i in remaining]
        best = max(remaining, key=lambda i: (gains[remaining.index(i)], -rank[i]))
        remaining.remove(best)
        prefix |= 1 << best
        decided = ((sets & ~prefix) == 0)[set_of]
        owners = np.bincount(owner[decided & (owner >= 0)], minlength=len(owner_names))
        rows.append(
            (
                len(rows) + 1,
                FIELDS[best],
                int(decided.sum()),
                int(np.count_nonzero(owners)),
                float(value[decided].sum()),
            )
        )
    return pd.DataFrame(rows, columns=columns)


__all__ = ["DecidingQuestions", "QuestionsHeadline", "answer_classes", "deciding_questions"]
