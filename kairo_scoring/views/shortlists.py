"""The executive's two short lists: the pilots to promote now and the pilots at risk, the
most valuable first, with how many more there are (issue 11).

Which verdicts make each list is the model's rule (`SHORTLIST_VERDICTS`), decided here once;
the page only shows the lists. The rows come from the table it is given, so in presentation
mode (an anonymised table) the names are already aliases.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kairo_scoring.views.table import by_value

# list → the verdict whose pilots it holds, in the order the page shows the lists.
SHORTLIST_VERDICTS: dict[str, str] = {"promote_now": "promote", "at_risk": "at_risk"}
SHORTLIST_COLUMNS: tuple[str, ...] = ("pilot_id", "name", "business_unit", "monthly_value", "next_step")


@dataclass(frozen=True)
class Shortlist:
    """The top pilots of one verdict by monthly value, and all of them counted."""

    verdict: str
    pilots: pd.DataFrame  # SHORTLIST_COLUMNS, most valuable first, at most `n` rows
    total: int  # every pilot in view with the verdict
    total_value: float  # their monthly value (unknown counted as 0)

    @property
    def more(self) -> int:
        """Pilots with the verdict that the list leaves out ("and N more")."""
        return self.total - len(self.pilots)


def shortlist(table: pd.DataFrame, verdict: str, n: int = 5) -> Shortlist:
    """The `n` most valuable pilots whose verdict is `verdict` (unknown value last, ties by
    pilot_id), with the count and monthly value of every pilot that has it."""
    rows = table[(table["verdict"].astype(object) == verdict).to_numpy()]
    top = by_value(rows[list(SHORTLIST_COLUMNS)]).head(n).reset_index(drop=True)
    value = rows["monthly_value"].astype("float64").fillna(0.0)
    return Shortlist(verdict=verdict, pilots=top, total=len(rows), total_value=float(value.sum()))


def shortlists(table: pd.DataFrame, n: int = 5) -> dict[str, Shortlist]:
    """Both lists, keyed as `SHORTLIST_VERDICTS`: what can be promoted now, what is at risk."""
    return {name: shortlist(table, verdict, n) for name, verdict in SHORTLIST_VERDICTS.items()}
