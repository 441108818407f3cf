"""Where a value came from, in words: the Pilot page shows it beside each answer, the
workbook's Provenance sheet in its "Source" column.

- register: "register: pilots.xlsx, sheet Pilots, row 12"
- derived: "derived: controls from ATO + monitoring" (the derivation's name)
- assessment: "assessment: Ann Lee's workbook, 2026-11-30"
- app: "app: ann@example.com, 2026-12-01"
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from kairo_scoring.present.labels import UNKNOWN, column_label, field_label, value_label
from kairo_scoring.provenance import PROVENANCE_COLUMNS, ProvenanceKind
from kairo_scoring.schema import CANONICAL_COLUMNS
from kairo_scoring.values import is_missing
from kairo_scoring.views import AnswersArrived

# The column headers of a provenance table as people read it (the workbook's Provenance sheet).
PROVENANCE_HEADERS: dict[str, str] = {
    "pilot_id": field_label("pilot_id"),
    "field": "Field",
    "kind": "Kind",
    "source": "Source",
    "recorded_at": "Recorded at",
}


def _text(value: Any) -> str:
    return "" if is_missing(value) else str(value).strip()


def _day(value: Any) -> str:
    if is_missing(value):
        return ""
    try:
        return f"{pd.Timestamp(value):%Y-%m-%d}"
    except (TypeError, ValueError):
        return str(value)


def provenance_phrase(row: Mapping[str, Any] | pd.Series | None, *, anonymised: bool = False) -> str:
    """One provenance row (``PROVENANCE_COLUMNS``) in words; 'unknown' when there is none
    (an unknown value has no provenance). ``anonymised`` (presentation mode) keeps the kind
    and the day only: files and respondents name people and clients."""
    if row is None:
        return UNKNOWN
    kind = _text(row.get("kind"))
    source, respondent, when = (
        _text(row.get("source")),
        _text(row.get("respondent")),
        _day(row.get("recorded_at")),
    )
    if anonymised:
        return ", ".join(p for p in (kind or UNKNOWN, when if kind in ANSWER_KIND_WORDS else "") if p)
    if kind == ProvenanceKind.REGISTER:
        parts = [source or "the register"]
        if sheet := _text(row.get("sheet")):
            parts.append(f"sheet {sheet}")
        where = row.get("row")
        if not is_missing(where):
            parts.append(f"row {int(where) if isinstance(where, int | float | np.number) else where}")
        return "register: " + ", ".join(parts)
    if kind == ProvenanceKind.DERIVED:
        return "derived: " + (_text(row.get("detail")) or "from other answers")
    if kind == ProvenanceKind.ASSESSMENT:
        whose = f"{respondent}'s workbook" if respondent else (source or "a workbook")
        return "assessment: " + ", ".join(p for p in (whose, when) if p)
    if kind == ProvenanceKind.APP:
        return "app: " + ", ".join(p for p in (respondent or "the app", when) if p)
    return kind or UNKNOWN


# An answer someone gave (the others are read from the register or derived).
ANSWER_KIND_WORDS = frozenset({ProvenanceKind.ASSESSMENT.value, ProvenanceKind.APP.value})
# The fields the Pilot page lists with their sources: all but the ID and the name it shows.
SHOWN_FIELDS: tuple[str, ...] = tuple(f for f in CANONICAL_COLUMNS if f not in ("pilot_id", "name"))


def pilot_sources_table(
    pilot: Mapping[str, Any] | pd.Series, provenance: pd.DataFrame, *, anonymised: bool = False
) -> pd.DataFrame:
    """One pilot's values beside where each came from: Field, Value (in words, 'unknown' when
    missing) and Source (`provenance_phrase`; 'not answered yet' for an unknown value).
    ``provenance`` is `views.pilot_provenance` (indexed by field)."""
    rows = []
    for name in SHOWN_FIELDS:
        value = pilot.get(name)
        known = not is_missing(value)
        source = provenance.loc[name] if known and name in provenance.index else None
        rows.append(
            (
                field_label(name),
                value_label(name, value),
                provenance_phrase(source, anonymised=anonymised) if known else NOT_ANSWERED,
            )
        )
    return pd.DataFrame(rows, columns=["Field", "Value", "Source"])


NOT_ANSWERED = "not answered yet"


def arrived_tables(arrived: AnswersArrived) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The answers that arrived, as the History page shows them: per field (label, answers,
    pilots) and per owner (owner, 'unknown' when the pilot has none; answers, pilots)."""
    per_field = pd.DataFrame(
        {
            "Field": [field_label(str(f)) for f in arrived.per_field["field"]],
            "Answers": arrived.per_field["answers"].to_numpy(),
            "Pilots": arrived.per_field["pilots"].to_numpy(),
        }
    )
    per_owner = pd.DataFrame(
        {
            column_label("owner"): [UNKNOWN if is_missing(o) else str(o) for o in arrived.per_owner["owner"]],
            "Answers": arrived.per_owner["answers"].to_numpy(),
            "Pilots": arrived.per_owner["pilots"].to_numpy(),
        }
    )
    return per_field, per_owner


def provenance_sheet(provenance: pd.DataFrame) -> pd.DataFrame:
    """A provenance table as the workbook shows it: pilot, field label, kind, source in words,
    recorded at (UTC, to the minute); one row per known value, in the order given."""
    rows = provenance.reindex(columns=list(PROVENANCE_COLUMNS))
    phrases = [provenance_phrase(r) for r in rows.to_dict("records")]
    recorded = pd.to_datetime(rows["recorded_at"], utc=True, errors="coerce")
    return pd.DataFrame(
        {
            PROVENANCE_HEADERS["pilot_id"]: rows["pilot_id"].astype("string").to_numpy(),
            PROVENANCE_HEADERS["field"]: [field_label(str(f)) for f in rows["field"]],
            PROVENANCE_HEADERS["kind"]: rows["kind"].astype("string").to_numpy(),
            PROVENANCE_HEADERS["source"]: phrases,
            PROVENANCE_HEADERS["recorded_at"]: recorded.dt.strftime("%Y-%m-%d %H:%M UTC").to_numpy(),
        }
    )


__all__ = [
    "PROVENANCE_HEADERS",
    "arrived_tables",
    "pilot_sources_table",
    "provenance_phrase",
    "provenance_sheet",
]
