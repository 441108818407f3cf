"""Hand-built intake results for the store tests, independent of the intake reader."""

from __future__ import annotations

import pandas as pd

from kairo_scoring import schema
from kairo_scoring.intake.result import ISSUE_COLUMNS, IntakeResult
from kairo_scoring.provenance import ANSWER_COLUMNS


def make_pilots(names: list[str], *, first_row: int = 2) -> pd.DataFrame:
    """Canonical pilots with a few known and a few unknown values, as intake hands them over."""
    n = len(names)
    raw = pd.DataFrame(
        {
            "pilot_id": [f"P{i + 1:03d}" for i in range(n)],
            "name": names,
            "business_unit": ["Finance" if i % 2 else None for i in range(n)],
            "stage": ["pilot"] * n,
            "current_mode": ["assisted_desktop" if i % 3 else "none" for i in range(n)],
            "process_maturity": [float(1 + i % 5) for i in range(n)],
            "controls": [None if i % 2 else 4.0 for i in range(n)],
            "risk_level": ["high" if i % 2 else "low" for i in range(n)],
            "monthly_volume": [120.5 * i for i in range(n)],
            "source_row": list(range(first_row, first_row + n)),
        }
    )
    return schema.conform(raw)


def make_rejected() -> pd.DataFrame:
    """Unusable rows with the user's own columns, all values as text (some missing)."""
    return pd.DataFrame(
        {
            "Use case": ["Invoice triage", None],
            "Maturité (1-5)": ["seven", "3"],
            "Notes": ["contains \"quotes\" and 'apostrophes'", "line1\nline2"],
            "source_row": [7, 9],
            "reject_reason": ["process_maturity: 'seven' is not a score", "name is missing"],
        }
    )


def make_issues() -> pd.DataFrame:
    """A validation report: errors for the rejected rows and a warning for a kept one."""
    return pd.DataFrame(
        {
            "sheet": ["Pilots", "Pilots", "Pilots"],
            "row": [7, 9, 3],
            "column": ["Maturité (1-5)", "Use case", "Risk"],
            "value": ["seven", None, "very high"],
            "reason": ["not a score", "name is missing", "unknown risk level; set to unknown"],
            "code": ["not_a_score", "missing_name", "unknown_category"],
            "severity": ["error", "error", "warning"],
        },
        columns=list(ISSUE_COLUMNS),
    )


def make_answers() -> pd.DataFrame:
    """Two answers to the pilots of `make_result`: a workbook's and the app's."""
    return pd.DataFrame(
        {
            "pilot_id": ["P001", "P002"],
            "field": ["controls", "users"],
            "value": [3, 12],
            "kind": ["assessment", "app"],
            "source": ["Finance.xlsx", None],
            "sheet": ["Answers", None],
            "row": [3, None],
            "detail": ["D3", None],
            "respondent": ["ann@example.com", None],
            "recorded_at": [pd.Timestamp("2026-03-01 10:00", tz="UTC"), None],
        },
        columns=list(ANSWER_COLUMNS),
    )


def make_result(
    names: list[str] | None = None,
    *,
    content_hash: str = "sha256:aaaa",
    source_name: str = "register.xlsx",
    mapping_name: str = "default",
    rejected: pd.DataFrame | None = None,
    issues: pd.DataFrame | None = None,
) -> IntakeResult:
    """An IntakeResult built by hand, independent of the intake reader."""
    return IntakeResult(
        pilots=make_pilots(
            names if names is not None else ["Invoice triage", "Contract review", "HR chatbot"]
        ),
        rejected=make_rejected() if rejected is None else rejected,
        issues=make_issues() if issues is None else issues,
        source_name=source_name,
        content_hash=content_hash,
        sheet="Pilots",
        header_row=1,
        mapping_name=mapping_name,
        column_mapping={"name": "Use case", "process_maturity": "Maturité (1-5)"},
        unmapped_columns=("Notes",),
        missing_inputs=("users", "shared_assets"),
        derived_id=True,
    )
