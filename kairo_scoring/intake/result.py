"""What intake hands to scoring, the store and the pages."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from kairo_scoring.intake.codes import IssueCode, Severity
from kairo_scoring.provenance import provenance_of_pilots

if TYPE_CHECKING:
    from kairo_scoring.intake.detect import Detection

# Columns of the validation report: every problem found, collected at once. ``reason`` is the
# sentence for people; ``code`` (an ``IssueCode`` value) and ``severity`` (a ``Severity``
# value: "error" row rejected, "warning" value set to unknown, "info" a note) are for code.
ISSUE_COLUMNS: tuple[str, ...] = ("sheet", "row", "column", "value", "reason", "code", "severity")


@dataclass(frozen=True)
class IntakeResult:
    """A file read, mapped and validated.

    - ``pilots``: usable rows in the canonical schema (``schema.conform`` dtypes; text in
      Unicode NFC), plus a ``source_row`` column (row number as the user sees it in Excel /
      the csv line) and the profile's ``[extras]`` columns, typed by their kind.
    - ``rejected``: unusable rows with their *original* values (all as text), plus
      ``source_row`` and ``reject_reason``.
    - ``issues``: the validation report, columns ``ISSUE_COLUMNS``; ``counts_by_code``,
      ``counts_by_severity`` and ``code_summary()`` count its rows.
    - ``unmapped_columns``: source columns that no canonical field took.
    - ``missing_inputs``: canonical fields (besides pilot_id and name) the source does not
      provide at all: no column, no derivation, or not one known value.
    - ``detection`` and ``derived_fields``: what was detected and how derived fields were computed.
    - ``answers``: each distinct answer of the mapped coded fields with its cells and reading
      (``answer_summary``), for choosing what answers mean (``mapping_with_values``).
    - ``provenance``: one row per known canonical value of ``pilots`` (``PROVENANCE_COLUMNS``,
      kinds register and derived), as ``read_portfolio`` recorded it; ``field_provenance()``
      builds it from ``column_mapping`` and ``derived_fields`` for a result built by hand.
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
    # Builds ``provenance`` from the result when it is first read (``read_portfolio`` sets it):
    # the long table is large, so it is not built for a read nothing asks it of.
    provenance_source: Callable[[IntakeResult], pd.DataFrame] | None = field(
        default=None, repr=False, compare=False
    )
    # Each distinct answer of the mapped 1–5 and category fields, its cells and how it reads
    # (``intake.answers.ANSWER_SUMMARY_COLUMNS``): what the Intake page's answer mapping shows.
    answers: pd.DataFrame | None = None
    # Rows of the sheet below the header that are neither pilots nor rejected, counted apart:
    # blank rows (up to the last data row) and total or subtotal rows (``totals_row`` issues).
    skipped_blank: int = 0
    skipped_totals: int = 0

    @functools.cached_property
    def provenance(self) -> pd.DataFrame:
        """One row per known canonical value of ``pilots`` (``PROVENANCE_COLUMNS``), built on
        first use and kept (see ``field_provenance``)."""
        if self.provenance_source is not None:
            return self.provenance_source(self)
        return provenance_of_pilots(
            self.pilots,
            source=self.source_name,
            sheet=self.sheet,
            column_mapping=self.column_mapping,
            derivations=self.derived_fields,
        )

    def field_provenance(self) -> pd.DataFrame:
        """Where each known value of ``pilots`` came from (see ``kairo_scoring.provenance``)."""
        return self.provenance

    @property
    def total_rows(self) -> int:
        """The data rows read: usable plus rejected."""
        return len(self.pilots) + len(self.rejected)

    @property
    def source_rows(self) -> int:
        """The rows a person sees below the header, up to the last one with data: every one
        is usable, rejected, or skipped as blank or as a total."""
        return self.total_rows + self.skipped_blank + self.skipped_totals

    def skipped_phrase(self) -> str:
        """ "skipped: 12 blank, 2 totals", or "" when no row was skipped."""
        parts = [f"{self.skipped_blank:,} blank"] if self.skipped_blank else []
        if self.skipped_totals:
            parts.append(f"{self.skipped_totals:,} total{'s' if self.skipped_totals != 1 else ''}")
        return f"skipped: {', '.join(parts)}" if parts else ""

    @property
    def counts_by_code(self) -> Counter[IssueCode]:
        """Issues per code, most frequent first (a code not reported counts 0)."""
        return _counts(self.issues, "code", IssueCode)

    @property
    def counts_by_severity(self) -> dict[Severity, int]:
        """Issues per severity, every severity listed (0 when none), errors first."""
        counts = _counts(self.issues, "severity", Severity)
        return {severity: counts[severity] for severity in Severity}

    def code_summary(self) -> pd.DataFrame:
        """One row per code reported, most frequent first: ``code``, ``issues`` (how many)
        and ``meaning`` (what it means and what the user can do: the code's docstring)."""
        counts = self.counts_by_code
        return pd.DataFrame(
            {
                "code": pd.array([code.value for code in counts], dtype="string"),
                "issues": pd.array(list(counts.values()), dtype="int64"),
                "meaning": pd.array([code.__doc__ for code in counts], dtype="string"),
            }
        )


def _counts(issues: pd.DataFrame, column: str, members: type[IssueCode] | type[Severity]) -> Counter:
    """Rows per value of a report column, keyed by enum member, most frequent first. A report
    without the column (one built by hand) or a row without a value (a snapshot stored
    before codes) counts nothing."""
    if column not in issues.columns:
        return Counter()
    return Counter({members(value): int(n) for value, n in issues[column].value_counts().items()})
