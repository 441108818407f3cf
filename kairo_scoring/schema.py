"""The canonical pilot schema: one definition that intake, scoring, exports and docs all use."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

# The three target options, lightest first. Their level is their position + 1;
# level 0 means "not even assisted desktop is governable" (recommended = not_ready).
OPTIONS: tuple[str, ...] = ("assisted_desktop", "shared_workspace", "api_pipeline")
OPTION_LEVEL: dict[str, int] = {name: level for level, name in enumerate(OPTIONS, start=1)}
OPTION_LABELS: dict[str, str] = {
    "assisted_desktop": "Assisted desktop workflow",
    "shared_workspace": "Shared AI workspace",
    "api_pipeline": "API workflow pipeline",
}
NOT_READY = "not_ready"
# A recommendation that depends on unknown answers: its lightest and heaviest possible
# options are given beside it (recommended_lightest, recommended_heaviest).
UNDECIDED = "undecided"

STAGES: tuple[str, ...] = ("idea", "pilot", "production", "retired")
CURRENT_MODES: tuple[str, ...] = ("none", *OPTIONS)  # position == level
RISK_LEVELS: tuple[str, ...] = ("low", "medium", "high", "critical")  # position == rank

VERDICTS: tuple[str, ...] = (
    "at_risk",
    "not_ready",
    "simplify",
    "promote",
    "build_readiness",
    "hold",
    "needs_data",
)
VERDICT_LABELS: dict[str, str] = {
    "at_risk": "At risk",
    "not_ready": "Not ready",
    "simplify": "Simplify",
    "promote": "Promote",
    "build_readiness": "Build readiness",
    "hold": "Hold",
    "needs_data": "Needs data",
}
VERDICT_MEANINGS: dict[str, str] = {
    "at_risk": "runs today in a mode heavier than it can govern: fix controls first",
    "not_ready": "no option is governable yet: keep piloting or rework",
    "simplify": "runs heavier than it needs",
    "promote": "can move up now",
    "build_readiness": "needs a heavier mode than it can govern yet",
    "hold": "right-sized",
    "needs_data": "the decision hinges on unknown fields",
}


@dataclass(frozen=True)
class Field:
    """One canonical pilot field."""

    name: str
    kind: str  # "id", "text", "enum", "score", "count", "amount"
    label: str
    meaning: str
    allowed: tuple[str, ...] = ()
    required: bool = False
    minimum: float | None = None

    @property
    def is_numeric(self) -> bool:
        return self.kind in ("score", "count", "amount")


FIELDS: tuple[Field, ...] = (
    Field(
        "pilot_id",
        "id",
        "Pilot ID",
        "stable identifier; derived from content when the source has none",
        required=True,
    ),
    Field("name", "text", "Name", "the pilot's name", required=True),
    Field("business_unit", "text", "Business unit", "the accountable unit"),
    Field("owner", "text", "Owner", "the accountable person"),
    Field("stage", "enum", "Stage", "lifecycle stage", allowed=STAGES),
    Field(
        "current_mode",
        "enum",
        "Current mode",
        "how the workflow runs today (none: still a pilot, not run in any of the three)",
        allowed=CURRENT_MODES,
    ),
    Field(
        "process_maturity",
        "score",
        "Process maturity",
        "the process is known, documented and stable",
        minimum=1,
    ),
    Field(
        "io_stability", "score", "I/O stability", "inputs and outputs are stable and structured", minimum=1
    ),
    Field(
        "exception_governance",
        "score",
        "Exception governance",
        "the business can detect, route and decide exceptions",
        minimum=1,
    ),
    Field("ownership", "score", "Ownership", "a clear owner with decision rights", minimum=1),
    Field(
        "controls", "score", "Controls", "approvals, permissions, logging and audit are in place", minimum=1
    ),
    Field(
        "shared_assets",
        "score",
        "Shared assets",
        "instructions, templates, examples, schemas, prompts and role guidance exist and are used",
        minimum=1,
    ),
    Field(
        "integration_readiness",
        "score",
        "Integration readiness",
        "the business systems involved can be reached by API and triggered",
        minimum=1,
    ),
    Field("value_evidence", "score", "Value evidence", "the pilot measured real value", minimum=1),
    Field("risk_level", "enum", "Risk level", "harm if the workflow gets it wrong", allowed=RISK_LEVELS),
    Field("monthly_volume", "count", "Monthly volume", "cases or transactions a month", minimum=0),
    Field("users", "count", "Users", "people who work in the workflow", minimum=1),
    Field(
        "monthly_value",
        "amount",
        "Monthly value",
        "estimated value a month, in the portfolio's currency",
        minimum=0,
    ),
)
FIELD_BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
CANONICAL_COLUMNS: tuple[str, ...] = tuple(f.name for f in FIELDS)
SCORE_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.kind == "score")
ENUM_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.kind == "enum")

# The inputs that feed a score, a gate, demand or the verdict; `completeness` is the share known.
SCORING_INPUTS: tuple[str, ...] = (*SCORE_FIELDS, "risk_level", "monthly_volume", "users", "current_mode")

SCORE_MIN, SCORE_MAX = 1, 5


def conform(pilots: pd.DataFrame) -> pd.DataFrame:
    """Return a copy with every canonical column present and in its canonical dtype.

    Text and enum columns become pandas strings (missing = NA); numeric columns become
    float64 (missing = NaN). Values are *not* validated here: that is intake's job.
    Extra, non-canonical columns are kept after the canonical ones.
    """
    out = {}
    n = len(pilots)
    for f in FIELDS:
        col = pilots[f.name] if f.name in pilots.columns else pd.Series([None] * n, index=pilots.index)
        if f.is_numeric:
            out[f.name] = pd.to_numeric(col, errors="coerce").astype("float64")
        else:
            out[f.name] = col.astype("string")
    frame = pd.DataFrame(out, index=pilots.index)
    extras = [c for c in pilots.columns if c not in FIELD_BY_NAME]
    if extras:
        frame = pd.concat([frame, pilots[extras]], axis=1)
    return frame


__all__ = [
    "CANONICAL_COLUMNS",
    "CURRENT_MODES",
    "FIELDS",
    "FIELD_BY_NAME",
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
    "conform",
]
