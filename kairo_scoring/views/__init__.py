"""What the pages show, as data: one small module per view, each taking a scored table (or
`ScoredPortfolio`) and returning DataFrames and small frozen dataclasses.

Views read the result `score()` produced; they never re-derive a rule of the model. Nothing
here knows about Streamlit, labels for display or formats (those are `present`'s).
"""

from kairo_scoring.views.anonymise import anonymise, person_aliases
from kairo_scoring.views.blockers import blocker_summary, top_blockers
from kairo_scoring.views.filters import (
    DECISION_FILTER_STATES,
    FILTER_FIELDS,
    PortfolioFilter,
    filter_choices,
    subset,
    with_table,
)
from kairo_scoring.views.flows import flow_node_names, mode_flows
from kairo_scoring.views.headline import headline, verdict_counts
from kairo_scoring.views.history import compare_snapshots, snapshots_by_as_of, verdict_trend
from kairo_scoring.views.impact import profile_impact
from kairo_scoring.views.issue_groups import ISSUE_GROUP_COLUMNS, IssueGroups, issue_groups
from kairo_scoring.views.placement import POINT_LIMIT, Placement, demand_supply_grid, placement_points
from kairo_scoring.views.profile_edit import (
    gate_fields,
    gate_ops,
    gates_frame,
    next_profile_version,
    revise_profile,
    store_profile_version,
    weight_shares,
)
from kairo_scoring.views.provenance import (
    AnswersArrived,
    answers_arrived,
    completeness_trend,
    pilot_provenance,
)
from kairo_scoring.views.questions import (
    pilot_questions,
    presented_questions,
    unanswered_fields,
)
from kairo_scoring.views.shortlists import SHORTLIST_VERDICTS, Shortlist, shortlist, shortlists
from kairo_scoring.views.table import pilot_table
from kairo_scoring.views.what_if import EDITABLE_FIELDS, what_if, what_if_from_link, what_if_link

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
