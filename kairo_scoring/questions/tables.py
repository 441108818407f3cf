"""The deciding questions as a result: `DecidingQuestions` and the tables it holds.

From each undecided pilot's set, `_assemble` builds the pilot table, the per-field table, the
owners and business units waiting (`_waiting_on`) and the coverage order (`_coverage`);
`DecidingQuestions.headline` reads the Portfolio page's sentence off the coverage.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kairo_scoring.questions.fields import FIELDS


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
