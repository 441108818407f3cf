"""Every name a person reads for a code: options, verdicts, fields, gates, statuses,
movements, filters and the column headers of the tables people see.

The vocabulary of the model (the label of each field, option and verdict) is written once
in `kairo_scoring.schema`, because the model's own sentences (next steps, below this layer)
use the same words; everything here is built from it and spells no option, verdict or
field name a second time. Pages, figures, the HTML summary, the xlsx export and the CLI
all read their names here. A missing value reads "unknown" everywhere.

Over 400 lines on purpose: it is the one place every name people read is spelled
(tests/portfolio/test_present_labels.py checks each is spelled in exactly one source file).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from kairo_scoring.profile import Gate, Profile
from kairo_scoring.schema import (
    FIELD_BY_NAME,
    NOT_READY,
    OPTION_LABELS,
    OPTIONS,
    SCORE_MAX,
    SCORE_MIN,
    UNDECIDED,
    VERDICT_LABELS,
)
from kairo_scoring.values import is_missing, number_text

if TYPE_CHECKING:  # views imports the store: loaded when a filter is put in words, not before
    from kairo_scoring.views import PortfolioFilter

UNKNOWN = "unknown"

# The values the option columns (current_mode, recommended, target) take besides the three
# options. The recommendation "no option is governable yet" is *Keep piloting*, so that it
# never reads like the verdict *Not ready* (which counts only pilots no earlier verdict took).
CHOICE_LABELS: dict[str, str] = {
    "none": "Still a pilot",
    NOT_READY: "Keep piloting",
    UNDECIDED: "Undecided",
    UNKNOWN: "Unknown",
}
# The 0..3 ladders of the placement charts: what the organisation can govern, what the workflow needs.
SUPPLY_LABELS: tuple[str, ...] = ("Nothing governable yet", *(OPTION_LABELS[o] for o in OPTIONS))
DEMAND_LABELS: tuple[str, ...] = ("Need unknown", *(OPTION_LABELS[o] for o in OPTIONS))

# A gate's status in a checklist (scoring's codes) as people read it.
STATUS_LABELS: dict[str, str] = {
    "met": "Met",
    "not met": "Not met",
    "unknown": "Unknown",
    "not applicable": "Does not apply",
}
# How a pilot moved between two snapshots (views.history's codes).
MOVEMENT_LABELS: dict[str, str] = {
    "promoted": "Stepped up",  # not "Promoted": that reads as the verdict "Promote"
    "slipped": "Slipped",
    "added": "Added",
    "removed": "Removed",
    "unchanged": "Unchanged",
    UNDECIDED: "Undecided",
}
MOVEMENT_MEANINGS: dict[str, str] = {
    "promoted": "The recommended option is heavier than before",
    "slipped": "The recommended option is lighter than before (or it is back to keep piloting)",
    "added": "Only in the later snapshot",
    "removed": "Only in the earlier snapshot",
    "unchanged": "The same recommended option in both",
    UNDECIDED: "The recommendation is undecided in one of the two",
}
PATH_STEP_LABELS: dict[str, str] = {
    "promote": VERDICT_LABELS["promote"],
    "fix": "Fix controls",
    "simplify": VERDICT_LABELS["simplify"],
}

# Column headers of the tables people see, for every column that is not a canonical field
# (canonical fields are headed by their field label).
COLUMN_LABELS: dict[str, str] = {
    "readiness": "Readiness",
    "readiness_low": "Readiness at the least",
    "readiness_high": "Readiness at the most",
    "readiness_answers": "Readiness answers known",
    "readiness_answers_total": "Readiness answers in all",
    "completeness": "Completeness",
    "fit_assisted": f"Fit: {OPTION_LABELS['assisted_desktop']}",
    "fit_workspace": f"Fit: {OPTION_LABELS['shared_workspace']}",
    "fit_pipeline": f"Fit: {OPTION_LABELS['api_pipeline']}",
    "demand": "What it needs",
    "supply_level": "What it can govern today",
    "recommended": "Recommended now",
    "recommended_lightest": "Recommended at the least",
    "recommended_heaviest": "Recommended at the most",
    "target": "Target",
    "verdict": "Verdict",
    "next_step": "Next step",
    "blockers": "What blocks it",
    "missing_fields": "Unknown answers",
    "profile": "Profile",
    "profile_version": "Profile version",
    "profile_hash": "Profile hash",
    "source_row": "Row in the source",
    "movement": "Movement",
    "recommended_before": "Recommended before",
    "recommended_after": "Recommended after",
    "verdict_before": "Verdict before",
    "verdict_after": "Verdict after",
    "readiness_before": "Readiness before",
    "readiness_after": "Readiness after",
    "readiness_delta": "Change in readiness",
    "rule": "Gate",
    "current": "Current",
    "required": "Required",
    "status": "Status",
    "what": "Changed",
    "original": "As recorded",
    "what_if": "What-if",
    "sheet": "Sheet",
    "row": "Row",
    "column": "Column",
    "value": "Value as read",
    "reason": "Problem",
    "severity": "Severity",
    "code": "Problem code",
    "pilots": "Pilots",
    "monthly_value_blocked": "Monthly value blocked",
    "readiness_basis": "Readiness rests on",
    # blocker_summary's measures: a failed gate blocks; an unknown one waits on an answer
    "pilots_blocked": "Pilots blocked",
    "value_blocked": "Monthly value blocked",
    "pilots_unknown": "Pilots waiting on an answer",
    "value_unknown": "Monthly value waiting on an answer",
}
# "What blocks the most" in two parts (issue 11): a gate known to fail is a blocker; a gate
# that cannot be checked because an answer is missing is a question to ask, not a blocker.
BLOCKER_KINDS: dict[str, str] = {"failed": "Blockers", "unknown": "Questions to ask"}
# The deck's slide titles (kairo_scoring/deck/slides.py), in the words of the Portfolio page and the summary.
SLIDE_TITLES: dict[str, str] = {
    "headline": "The headline figures",
    "grid": "Where the portfolio sits: what it needs vs what it can govern",
    "flows": "From where pilots run today to where they should go",
    "blocked": "What blocks the most pilots and the most value",
    "unknown": "Questions to ask: gates waiting on an answer",
    "questions": "The deciding questions and who to ask",
    "decisions": "Decisions taken and awaiting sign-off",
    "appendix": "Appendix: the pilots one by one",
}
# The Portfolio page's two short lists (views.SHORTLIST_VERDICTS names their verdicts).
SHORTLIST_LABELS: dict[str, str] = {
    "promote_now": f"{VERDICT_LABELS['promote']} now",
    "at_risk": VERDICT_LABELS["at_risk"],
}
# The option a column's values name (so a cell is shown by option_label).
OPTION_COLUMNS: tuple[str, ...] = (
    "current_mode",
    "demand",
    "recommended",
    "recommended_lightest",
    "recommended_heaviest",
    "target",
    "recommended_before",
    "recommended_after",
)
VERDICT_COLUMNS: tuple[str, ...] = ("verdict", "verdict_before", "verdict_after")

# Decisions on pilots (kairo_scoring.decisions, store.governance): kinds, sign-off statuses,
# a pilot's state against the current scoring, what changed, and the audit trail's actions.
DECISION_KIND_LABELS: dict[str, str] = {
    "accept": "Accept the recommendation",
    "override": "Choose another option",
    "defer": "Defer",
    "retire": "Retire",
}
DECISION_STATUS_LABELS: dict[str, str] = {
    "proposed": "Awaiting sign-off",
    "approved": "Approved",
    "rejected": "Rejected",
    "superseded": "Superseded",
}
DECISION_STATE_LABELS: dict[str, str] = {
    "decided": "Decided",
    "to_review": "To review",
    "proposed": "Awaiting sign-off",
    "undecided": "No decision",
}
DECISION_CHANGE_LABELS: dict[str, str] = {
    "verdict": "verdict",
    "recommended": "recommendation",
    "review_date": "review date reached",
}
AUDIT_ACTION_LABELS: dict[str, str] = {
    "import": "Imported a register",
    "save_answers": "Saved answers",
    "save_profile": "Saved a scoring profile",
    "save_mapping": "Saved a mapping profile",
    "delete_snapshot": "Deleted a snapshot",
    "propose_decision": "Proposed a decision",
    "approve_decision": "Approved a decision",
    "reject_decision": "Rejected a decision",
}


def decision_kind_label(kind: Any) -> str:
    """'Choose another option' for override; 'unknown' when missing."""
    return UNKNOWN if is_missing(kind) else DECISION_KIND_LABELS.get(str(kind)) or _humane(str(kind))


def decision_status_label(status: Any) -> str:
    """'Awaiting sign-off' for proposed; 'unknown' when missing."""
    return UNKNOWN if is_missing(status) else DECISION_STATUS_LABELS.get(str(status)) or _humane(str(status))


def decision_state_label(state: Any) -> str:
    """'To review' for to_review; 'unknown' when missing."""
    return UNKNOWN if is_missing(state) else DECISION_STATE_LABELS.get(str(state)) or _humane(str(state))


def audit_action_label(action: Any) -> str:
    """'Approved a decision' for approve_decision; 'unknown' when missing."""
    return UNKNOWN if is_missing(action) else AUDIT_ACTION_LABELS.get(str(action)) or _humane(str(action))


def decision_changes_text(row: Any) -> str:
    """What changed since a decision, in words, from a `decision_states` row:
    'recommendation: API pipeline → Keep piloting; verdict: Promote → At risk'; '' when nothing did."""
    changes = row["changes"] if not is_missing(row["changes"]) else ()
    parts = []
    if "recommended" in changes:
        parts.append(
            f"{DECISION_CHANGE_LABELS['recommended']}: {option_label(row['decided_recommended'])} → "
            f"{option_label(row['recommended'])}"
        )
    if "verdict" in changes:
        parts.append(
            f"{DECISION_CHANGE_LABELS['verdict']}: {verdict_label(row['decided_verdict'])} → "
            f"{verdict_label(row['verdict'])}"
        )
    if "review_date" in changes:
        parts.append(DECISION_CHANGE_LABELS["review_date"])
    return "; ".join(parts)


def option_label(option: Any) -> str:
    """'Shared AI workspace' for shared_workspace; 'Keep piloting' for not_ready; 'unknown' when missing."""
    if is_missing(option):
        return UNKNOWN
    option = str(option)
    return OPTION_LABELS.get(option) or CHOICE_LABELS.get(option) or _humane(option)


def verdict_label(verdict: Any) -> str:
    """'Build readiness' for build_readiness; 'unknown' when missing."""
    if is_missing(verdict):
        return UNKNOWN
    return VERDICT_LABELS.get(str(verdict)) or _humane(str(verdict))


def field_label(name: str) -> str:
    """'Shared assets' for shared_assets; a dimension score column by its dimension."""
    spec = FIELD_BY_NAME.get(name)
    if spec:
        return spec.label
    if name.startswith("score_"):
        return f"{_humane(name.removeprefix('score_'))} score"
    return _humane(name)


def field_meaning(name: str) -> str:
    """What a canonical field means and what it holds, for a person choosing the column
    that feeds it: 'Approvals, permissions, logging and audit are in place — a 1–5 score'."""
    spec = FIELD_BY_NAME.get(name)
    if spec is None:
        return field_label(name)
    if spec.kind == "score":
        holds = f"a {SCORE_MIN}–{SCORE_MAX} score"
    elif spec.kind == "enum":
        holds = "one of: " + ", ".join(value_label(name, value) for value in spec.allowed)
    elif spec.kind in ("count", "amount"):
        noun = "a whole number" if spec.kind == "count" else "an amount"
        holds = noun if spec.minimum is None else f"{noun}, {number_text(spec.minimum)} or more"
    else:
        holds = "text, unique" if spec.kind == "id" else "text"
    if spec.required and spec.kind != "id":  # an ID the source lacks is derived, not required of it
        holds += ", required"
    return f"{spec.meaning[:1].upper()}{spec.meaning[1:]} — {holds}"


def is_known_column(column: object) -> bool:
    """A canonical field, a decision column or a dimension score (not a column of the source's own)."""
    text = str(column)
    return text in FIELD_BY_NAME or text in COLUMN_LABELS or text.startswith("score_")


def column_label(column: str) -> str:
    """The header of a column in a table people see."""
    if column in FIELD_BY_NAME:
        return FIELD_BY_NAME[column].label
    return COLUMN_LABELS.get(column) or field_label(column)


def value_label(field: str, value: Any) -> str:
    """A field's value as people read it: options and verdicts by label, risk and stage
    capitalised, whole numbers without decimals, 'unknown' when missing."""
    if is_missing(value):
        return UNKNOWN
    if field in OPTION_COLUMNS:
        return option_label(value)
    if field in VERDICT_COLUMNS:
        return verdict_label(value)
    if field == "supply_level":
        return SUPPLY_LABELS[int(value)]
    if field == "missing_fields":
        return fields_in_words(str(value))
    if isinstance(value, str):
        return _humane(value) if field in ("stage", "risk_level") else value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        number = round(float(value), 1)
        return number_text(number) if number.is_integer() else f"{number:,.1f}"
    return str(value)


def gate_label(gate: Gate) -> str:
    """A gate in words: 'Shared assets at least 3', 'Controls at least 5 when risk is high or above'."""
    return gate.phrase()


def option_gate_label(option: str, phrase: str, *, two_lines: bool = False) -> str:
    """'Shared AI workspace: Controls at least 3': a gate's phrase with the option it belongs to
    (``two_lines``: the option on a line of its own, for a chart's narrow labels)."""
    separator = "\n" if two_lines else " "
    return f"{option_label(option)}:{separator}{phrase}"


# Columns whose values are codes people read by a label.
LABELLED_VALUES: tuple[str, ...] = (
    *OPTION_COLUMNS,
    *VERDICT_COLUMNS,
    "stage",
    "risk_level",
    "movement",
    "supply_level",
    "missing_fields",
)


def label_values(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy in which every code people would read is its label: options, verdicts, stage,
    risk, movement; a missing text cell of ours reads 'unknown' (the source's own columns
    keep their blanks). Numbers stay numbers. Each distinct value is labelled once."""
    out = frame.copy()
    for column in out.columns:
        if column in LABELLED_VALUES:
            if column == "movement":
                labels = out[column].astype(object).map(lambda v: MOVEMENT_LABELS.get(v, UNKNOWN))
            else:
                codes, uniques = pd.factorize(out[column].astype(object), use_na_sentinel=True)
                names = [value_label(column, u) for u in uniques] + [UNKNOWN]
                labels = pd.Series([names[c] for c in codes], index=out.index, dtype=object)
            out[column] = labels
        elif is_known_column(column) and (
            isinstance(out[column].dtype, pd.StringDtype | pd.CategoricalDtype) or out[column].dtype == object
        ):
            text = out[column].astype(object)
            out[column] = text.where(text.notna(), UNKNOWN)
    return out


def fields_in_words(codes: str) -> str:
    """'process_maturity, users' (the missing_fields column) → 'Process maturity, Users'."""
    return ", ".join(field_label(c.strip()) for c in codes.split(",") if c.strip())


def blockers_in_words(text: Any, profile: Profile) -> str:
    """The blockers column ('shared_workspace: controls ≥ 3, ownership ≥ 3 (unknown)') in
    words: 'Shared AI workspace: Controls at least 3, Ownership at least 3 (unknown)'."""
    if is_missing(text) or not str(text):
        return ""
    phrases = {(g.option, g.describe()): g.phrase() for g in profile.gates}
    parts = []
    for part in str(text).split("; "):
        option, _, rules = part.partition(": ")
        words = []
        for rule in rules.split(", "):
            unknown = rule.endswith(" (unknown)")
            bare = rule.removesuffix(" (unknown)")
            words.append(phrases.get((option, bare), bare) + (" (unknown)" if unknown else ""))
        parts.append(f"{option_label(option)}: {', '.join(words)}")
    return "; ".join(parts)


def filters_text(filters: PortfolioFilter) -> str:
    """'Business unit: Finance; Verdict: Promote, Hold' for the active filters ('' when none)."""
    from kairo_scoring.views import FILTER_FIELDS

    chosen = {name: getattr(filters, name) for name in FILTER_FIELDS}
    parts = [
        f"{field_label(name)}: {', '.join(value_label(name, v) for v in values)}"
        for name, values in chosen.items()
        if values
    ]
    if filters.decision:  # the decision filter (states from the store's decisions)
        parts.append(f"Decision: {', '.join(decision_state_label(v) for v in filters.decision)}")
    return "; ".join(parts)


def _humane(code: str) -> str:
    """A code as words, first letter capital: 'build_readiness' → 'Build readiness'."""
    text = code.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


__all__ = [
    "AUDIT_ACTION_LABELS",
    "DECISION_KIND_LABELS",
    "DECISION_STATE_LABELS",
    "DECISION_STATUS_LABELS",
    "audit_action_label",
    "decision_changes_text",
    "decision_kind_label",
    "decision_state_label",
    "decision_status_label",
    "BLOCKER_KINDS",
    "SHORTLIST_LABELS",
    "SLIDE_TITLES",
    "CHOICE_LABELS",
    "COLUMN_LABELS",
    "DEMAND_LABELS",
    "MOVEMENT_LABELS",
    "MOVEMENT_MEANINGS",
    "PATH_STEP_LABELS",
    "STATUS_LABELS",
    "SUPPLY_LABELS",
    "UNKNOWN",
    "column_label",
    "field_label",
    "field_meaning",
    "filters_text",
    "blockers_in_words",
    "label_values",
    "gate_label",
    "is_known_column",
    "option_gate_label",
    "option_label",
    "value_label",
    "verdict_label",
]
