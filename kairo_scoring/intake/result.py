"""What intake hands to scoring, the store and the pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from kairo_scoring.intake.detect import Detection

# Columns of the validation report: every problem found, collected at once.
ISSUE_COLUMNS: tuple[str, ...] = ("sheet", "row", "column", "value", "reason", "severity")
# severity: "error" (row rejected), "warning" (value set to unknown, row kept), "info" (e.g. derived id)


@dataclass(frozen=True)
class IntakeResult:
    """A file read, mapped and validated.

    - ``pilots``: usable rows in the canonical schema (``schema.conform`` dtypes; text in
      Unicode NFC), plus a ``source_row`` column (row number as the user sees it in Excel /
      the csv line) and the profile's ``[extras]`` columns, typed by their kind.
    - ``rejected``: unusable rows with their *original* values (all as text), plus
      ``source_row`` and ``reject_reason``.
    - ``issues``: the validation report, columns ``ISSUE_COLUMNS``.
    - ``unmapped_columns``: source columns that no canonical field took.
    - ``missing_inputs``: canonical fields (besides pilot_id and name) the source does not
      provide at all: no column, no derivation, or not one known value.
    - ``detection`` and ``derived_fields``: what was detected and how derived fields were computed.
    """

    pilots: pd.DataFrame
    rejected: pd.DataFrame
    issues: pd.DataFrame
    source_name: str
    content_hash: str
    sheet: str | None
    header_row: int | None
    mapping_name: str
    column_mapping: dict[str, str] = field(default_factory=dict)  # canonical field -> source column
    unmapped_columns: tuple[str, ...] = ()
    missing_inputs: tuple[str, ...] = ()
    derived_id: bool = False
    # What was detected (sheet, header row, candidate sheets, proposed mapping) for a page to show.
    detection: Detection | None = None
    # canonical field -> how it was derived, and from which source columns
    derived_fields: dict[str, str] = field(default_factory=dict)

    @property
    def total_rows(self) -> int:
        return len(self.pilots) + len(self.rejected)
