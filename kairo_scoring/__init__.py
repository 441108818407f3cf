"""Kairo Portfolio Triage: readiness scoring and triage for a portfolio of AI pilots.

The library knows nothing of the UI: it takes and returns DataFrames and small frozen
dataclasses. Pages, exports and the CLI import from here, not from inner modules.
"""

from kairo_scoring.errors import IntakeError, KairoError, ProfileError, StoreError, StoreLockedError
from kairo_scoring.exports import export_csv, export_xlsx, neutralise_formulas, write_scored
from kairo_scoring.intake.result import ISSUE_COLUMNS, IntakeResult
from kairo_scoring.profile import (
    Gate,
    Profile,
    default_profile,
    load_profile,
    profile_from_dict,
    profile_from_toml,
)
from kairo_scoring.schema import (
    CANONICAL_COLUMNS,
    CURRENT_MODES,
    FIELD_BY_NAME,
    FIELDS,
    NOT_READY,
    OPTION_COLOURS,
    OPTION_LABELS,
    OPTION_LEVEL,
    OPTIONS,
    RISK_LEVELS,
    SCORE_FIELDS,
    SCORING_INPUTS,
    STAGES,
    VERDICT_COLOURS,
    VERDICT_LABELS,
    VERDICT_MEANINGS,
    VERDICTS,
    Field,
    conform,
)
from kairo_scoring.scoring import DECISION_COLUMNS, FIT_COLUMNS, GateCheck, PathStep, ScoredPortfolio, score
from kairo_scoring.store import DEFAULT_STORE_PATH, STORE_SCHEMA_VERSION, PortfolioStore, SnapshotInfo
from kairo_scoring.synthetic import generate_portfolio, sample_portfolio

__all__ = [
    "DEFAULT_STORE_PATH",
    "OPTION_COLOURS",
    "STORE_SCHEMA_VERSION",
    "VERDICT_COLOURS",
    "PortfolioStore",
    "SnapshotInfo",
    "export_csv",
    "export_xlsx",
    "neutralise_formulas",
    "write_scored",
    "CANONICAL_COLUMNS",
    "CURRENT_MODES",
    "DECISION_COLUMNS",
    "FIELDS",
    "FIELD_BY_NAME",
    "FIT_COLUMNS",
    "ISSUE_COLUMNS",
    "NOT_READY",
    "OPTIONS",
    "OPTION_LABELS",
    "OPTION_LEVEL",
    "RISK_LEVELS",
    "SCORE_FIELDS",
    "SCORING_INPUTS",
    "STAGES",
    "VERDICTS",
    "VERDICT_LABELS",
    "VERDICT_MEANINGS",
    "Field",
    "Gate",
    "GateCheck",
    "IntakeError",
    "IntakeResult",
    "KairoError",
    "PathStep",
    "Profile",
    "ProfileError",
    "ScoredPortfolio",
    "StoreError",
    "StoreLockedError",
    "conform",
    "default_profile",
    "generate_portfolio",
    "load_profile",
    "profile_from_dict",
    "profile_from_toml",
    "sample_portfolio",
    "score",
]
