"""What the pages show, as data: one small module per view, each taking a scored table (or
`ScoredPortfolio`) and returning DataFrames and small frozen dataclasses.

Views read the result `score()` produced; they never re-derive a rule of the model. Nothing
here knows about Streamlit, labels for display or formats (those are `present`'s).

Its modules load on first use (PEP 562), as the library root's parts do: ``from
kairo_scoring.views import issue_groups`` (what ``kairo validate`` needs) imports that module
alone, not the filters, decisions and the store behind them.
"""

import importlib

# A name that is also its module's name is bound at once: the first import of a module binds
# the package's attribute of that name to the module, which would hide the name from
# `__getattr__`. These modules import nothing heavy (the schema, the scoring columns).
from kairo_scoring.views.anonymise import anonymise
from kairo_scoring.views.headline import headline
from kairo_scoring.views.issue_groups import issue_groups
from kairo_scoring.views.shortlists import shortlists
from kairo_scoring.views.what_if import what_if

# Each public name and the module that defines it (the ones above included).
_HOME = {
    "anonymise": "anonymise",
    "person_aliases": "anonymise",
    "blocker_summary": "blockers",
    "top_blockers": "blockers",
    "FILTER_FIELDS": "filters",
    "DECISION_FILTER_STATES": "filters",
    "PortfolioFilter": "filters",
    "filter_choices": "filters",
    "subset": "filters",
    "with_table": "filters",
    "flow_node_names": "flows",
    "mode_flows": "flows",
    "headline": "headline",
    "verdict_counts": "headline",
    "snapshots_by_as_of": "history",
    "compare_snapshots": "history",
    "verdict_trend": "history",
    "profile_impact": "impact",
    "ISSUE_GROUP_COLUMNS": "issue_groups",
    "IssueGroups": "issue_groups",
    "issue_groups": "issue_groups",
    "POINT_LIMIT": "placement",
    "Placement": "placement",
    "demand_supply_grid": "placement",
    "placement_points": "placement",
    "store_profile_version": "profile_edit",
    "gate_fields": "profile_edit",
    "gate_ops": "profile_edit",
    "gates_frame": "profile_edit",
    "next_profile_version": "profile_edit",
    "revise_profile": "profile_edit",
    "weight_shares": "profile_edit",
    "AnswersArrived": "provenance",
    "answers_arrived": "provenance",
    "completeness_trend": "provenance",
    "pilot_provenance": "provenance",
    "pilot_questions": "questions",
    "presented_questions": "questions",
    "unanswered_fields": "questions",
    "SHORTLIST_VERDICTS": "shortlists",
    "Shortlist": "shortlists",
    "shortlist": "shortlists",
    "shortlists": "shortlists",
    "pilot_table": "table",
    "EDITABLE_FIELDS": "what_if",
    "what_if": "what_if",
    "what_if_from_link": "what_if",
    "what_if_link": "what_if",
}
__all__ = [
    "store_profile_version",
    "snapshots_by_as_of",
    "SHORTLIST_VERDICTS",
    "Shortlist",
    "shortlist",
    "shortlists",
    "AnswersArrived",
    "EDITABLE_FIELDS",
    "FILTER_FIELDS",
    "DECISION_FILTER_STATES",
    "POINT_LIMIT",
    "Placement",
    "PortfolioFilter",
    "anonymise",
    "person_aliases",
    "answers_arrived",
    "blocker_summary",
    "compare_snapshots",
    "completeness_trend",
    "demand_supply_grid",
    "filter_choices",
    "flow_node_names",
    "gate_fields",
    "gate_ops",
    "gates_frame",
    "headline",
    "ISSUE_GROUP_COLUMNS",
    "IssueGroups",
    "issue_groups",
    "mode_flows",
    "next_profile_version",
    "pilot_provenance",
    "pilot_questions",
    "presented_questions",
    "pilot_table",
    "placement_points",
    "profile_impact",
    "revise_profile",
    "subset",
    "top_blockers",
    "unanswered_fields",
    "verdict_counts",
    "verdict_trend",
    "what_if",
    "what_if_from_link",
    "what_if_link",
    "weight_shares",
    "with_table",
]


def __getattr__(name: str) -> object:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
