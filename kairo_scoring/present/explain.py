"""Plain-language explanations generated from the model itself: how a scoring profile
scores a pilot, and what each canonical field means."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kairo_scoring.present.formats import decimal_text, percent
from kairo_scoring.present.labels import field_label, option_label, verdict_label
from kairo_scoring.profile import Profile
from kairo_scoring.schema import FIELD_BY_NAME, OPTIONS, VERDICT_MEANINGS
from kairo_scoring.values import number_text
from kairo_scoring.views import weight_shares


@dataclass(frozen=True)
class Section:
    """One titled part of an explanation, as paragraphs of plain text."""

    title: str
    paragraphs: tuple[str, ...]


def how_scoring_works(profile: Profile) -> tuple[Section, ...]:
    """How the profile scores a pilot, in plain sentences generated from the profile itself."""
    total = sum(profile.weights.values()) or 1.0
    dims = []
    for dim, fields in profile.dimensions.items():
        names = ", ".join(field_label(f) for f in fields)
        share = profile.weights[dim] / total
        dims.append(f"{dim.capitalize()} ({share:.0%} of readiness): {names}.")
    readiness = Section(
        "Readiness",
        (
            "Every 1–5 answer becomes points: 1 gives 0 and 5 gives 100. A dimension is the mean of "
            "its known answers; readiness is the weighted mean of the known dimensions. Scores are "
            "absolute: adding or removing other pilots never moves them.",
            *dims,
            "Unknown answers are not zeros: they are left out of the mean, lower the completeness "
            "figure, and any gate that needs them counts as not met (unknown).",
            "Readiness is shown with its basis and its range: how many of the answers it is made of "
            "are known, and the lowest and highest readiness the unknown answers could still give "
            "(every unknown answer at 1, every unknown answer at 5). With every answer known the range "
            "is the readiness itself; with none known it is 0–100.",
        ),
    )
    demand = Section(
        "What the workflow needs (demand)",
        (
            f"{option_label('api_pipeline')} when monthly volume is at least "
            f"{number_text(profile.api_pipeline_min_volume)}.",
            f"{option_label('shared_workspace')} when at least {number_text(profile.shared_workspace_min_users)} "
            f"people work in it or monthly volume is at least {number_text(profile.shared_workspace_min_volume)}.",
            f"{option_label('assisted_desktop')} otherwise. When volume or users are unknown and "
            "they decide it, demand is unknown.",
        ),
    )
    gate_lines = []
    for option in OPTIONS:
        gates = profile.gates_for(option)
        rules = "; ".join(g.phrase() for g in gates) if gates else "no gates"
        gate_lines.append(f"{option_label(option)}: {rules}.")
    supply = Section(
        "What the organisation can govern (supply)",
        (
            "An option is governable when all its gates pass and every lighter option's gates pass too.",
            *gate_lines,
        ),
    )
    order = ", then ".join(verdict_label(v).lower() for v in profile.verdict_priority)
    verdicts = Section(
        "Recommendation and verdict",
        (
            "The recommendation is the simplest governable model: the lighter of what the workflow "
            f"needs and what the organisation can govern; {option_label('not_ready').lower()} when "
            "nothing is governable.",
            f"Verdicts are checked in this order and the first that holds wins: {order}. "
            "When the answer depends on unknown fields the verdict is needs data.",
            *(f"{verdict_label(v)}: {VERDICT_MEANINGS[v]}." for v in profile.verdict_priority),
        ),
    )
    fit = Section(
        "Fit to each option",
        (
            f"Each fit score (0–100) is {profile.fit_gates_weight:.0%} gate progress and "
            f"{profile.fit_demand_weight:.0%} demand credit. Gate progress towards an option is the "
            "share of its and the lighter options' gates met, with partial credit for how close a failed "
            "gate is and none for an unknown one, and never more than towards a lighter option. Demand "
            "credit is 100% when the option is what the workflow needs, 50% one level away and 0% two "
            "away (averaged when unknown answers leave the demand open); an option the pilot cannot govern yet earns no more of it than the heaviest option "
            "it can govern (none when it can govern none).",
            "So the recommended option has the highest fit, a tie going to the simpler option; when the "
            "recommendation is undecided, the highest fit lies between its lightest and heaviest options; "
            f"when nothing is governable yet, the {option_label('assisted_desktop').lower()} fits best"
            + (
                ""
                if profile.fit_demand_weight > 0
                else " (not in this profile: with no weight on demand, every option a pilot can govern "
                "fits equally well, and the tie goes to the simplest)"
            )
            + ". Raising an answer or lowering the risk never lowers a fit.",
        ),
    )
    return (readiness, demand, supply, verdicts, fit)


def field_help(name: str) -> str:
    """'Controls: approvals, permissions, logging and audit are in place' for a canonical field."""
    spec = FIELD_BY_NAME.get(name)
    return f"{spec.label}: {spec.meaning}" if spec else name


def weights_note(weights: Mapping[str, float]) -> str:
    """What the model does with these dimension weights, in one or two sentences: shown next
    to the weights editor, so weights that do not sum to 1 are explained, not silent."""
    weighed = weight_shares(weights)
    if not weighed.usable:
        return (
            "Every weight is 0, so readiness has nothing to weigh and the model refuses these weights: "
            "give at least one dimension a weight above 0."
        )
    shares = ", ".join(
        f"{dim.capitalize()} {percent(share)}" for dim, share in weighed.shares.items() if share > 0
    )
    if weighed.sums_to_one:
        note = f"The weights add up to 1, so each is its dimension's share of readiness: {shares}."
    else:
        note = (
            f"The weights add up to {decimal_text(weighed.total)}, not 1. The model accepts them and "
            "divides each by their sum, so only their proportions count: readiness is "
            f"{shares}."
        )
    if weighed.off:
        names = ", ".join(dim.capitalize() for dim in weighed.off)
        note += f" A weight of 0 leaves {names} out of readiness."
    return note


__all__ = ["field_help", "how_scoring_works", "weights_note"]
