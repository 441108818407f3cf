"""One pilot on one page: the printable HTML one-pager (the Pilot page's download and `kairo
onepager`) and the content the deck's appendix slide shows for the same pilot.

`pilot_sheet` gathers what both show — the answer, the scorecard, the gate checklist, the
promotion path, the next step, where the answers came from, the decision and its sign-off —
in the words the Pilot page uses (`labels`, `formats`, `reasons`, `provenance`), read from the
scored result; nothing of the model is computed here a second time. `pilot_onepager_html`
lays it out as one self-contained A4 page: inline CSS, no script, no external URL, every text
that may come from a user HTML-escaped.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kairo_scoring.decisions import decision_states
from kairo_scoring.present.formats import count_phrase, money, readiness_phrase, score_text
from kairo_scoring.present.labels import (
    PATH_STEP_LABELS,
    STATUS_LABELS,
    UNKNOWN,
    column_label,
    field_label,
    gate_label,
    option_label,
    value_label,
    verdict_label,
)
from kairo_scoring.present.provenance import pilot_sources_table
from kairo_scoring.present.reasons import option_reasons
from kairo_scoring.present.report import DECISION_SUMMARY_COLUMNS, decision_log
from kairo_scoring.profile import Gate
from kairo_scoring.schema import OPTIONS, VERDICT_MEANINGS
from kairo_scoring.scoring import FIT_COLUMNS, PathStep, ScoredPortfolio
from kairo_scoring.values import is_missing
from kairo_scoring.views import pilot_provenance

# The pilot's details shown under its name, as the Pilot page shows them.
DETAIL_FIELDS: tuple[str, ...] = ("business_unit", "owner", "stage", "risk_level")
# The headline answer: where it runs today, the recommendation now, where it should go.
ANSWER_COLUMNS: tuple[str, ...] = ("current_mode", "recommended", "target")
GATE_HEADERS: tuple[str, ...] = ("Option", "Gate", "Current", "Required", "Status")
# A decision's parts that name people or carry free text: left out when presenting.
PERSONAL_DECISION_PARTS: tuple[str, ...] = ("Reason", "Proposed by", "Signed off by", "Sign-off comment")


def required_in_words(text: Any) -> str:
    """'≥ 4' → 'at least 4' (a gate checklist's compact requirement in words)."""
    text = str(text)
    for symbol, word in (("≥", "at least"), ("≤", "at most"), (">", "above"), ("<", "below")):
        text = text.replace(symbol, word)
    return text.replace("(risk ", "(when risk is ")


def gate_checklist_table(checklist: pd.DataFrame, gates: tuple[Gate, ...]) -> pd.DataFrame:
    """A pilot's gate checklist (`ScoredPortfolio.gate_checklist`) in words: option, gate,
    current value, required value, status (`GATE_HEADERS`)."""
    by_rule = {(g.option, g.describe()): g for g in gates}
    rows = []
    for check in checklist.itertuples(index=False):
        gate = by_rule.get((check.option, check.rule))
        rows.append(
            (
                option_label(check.option),
                gate_label(gate) if gate else check.rule,
                value_label(check.field, check.current),
                required_in_words(check.required),
                STATUS_LABELS.get(check.status, check.status),
            )
        )
    return pd.DataFrame(rows, columns=list(GATE_HEADERS))


def path_step_sentence(number: int, step: PathStep) -> str:
    """'1. Promote: Assisted desktop → Shared AI workspace — ready now' (plain text; the gate
    checklist says which gates block a step)."""
    move = (
        f"keep running as {value_label('current_mode', step.from_mode)} and meet its gates"
        if step.kind == "fix"
        else f"{value_label('current_mode', step.from_mode)} → {value_label('target', step.to_mode)}"
    )
    state = "ready now" if step.ready else f"blocked by {count_phrase(len(step.blocking), 'gate')}"
    return f"{number}. {PATH_STEP_LABELS.get(step.kind, step.kind)}: {move} — {state}"


@dataclass(frozen=True)
class PilotSheet:
    """One pilot as its one-pager and its appendix slide show it (all text in words)."""

    pilot_id: str
    name: str
    details: tuple[tuple[str, str], ...]  # (label, value) of DETAIL_FIELDS
    verdict: str  # the verdict's label
    verdict_code: str
    verdict_meaning: str
    next_step: str
    answer: tuple[tuple[str, str], ...]  # (label, value) of ANSWER_COLUMNS
    reasons: tuple[str, ...]  # why this option (`option_reasons`)
    scorecard: pd.DataFrame  # Score, Value
    gates: pd.DataFrame  # GATE_HEADERS
    path: tuple[str, ...]  # one sentence per promotion step; () when none is needed
    sources: pd.DataFrame | None  # Field, Value, Source; None without provenance
    decision: tuple[tuple[str, str], ...]  # (label, value) of the decision in force; () for none
    anonymised: bool


NO_STEP = "Already where it should be: no step needed."
NO_DECISION = "No decision recorded yet."


def _scorecard(scored: ScoredPortfolio, row: pd.Series) -> pd.DataFrame:
    currency = scored.profile.currency
    rows = [
        (column_label("readiness"), readiness_phrase(row)),
        (column_label("completeness"), f"{score_text(row['completeness'])}%"),
        *((field_label(c), score_text(row[c])) for c in scored.dimension_columns),
        *((column_label(FIT_COLUMNS[o]), score_text(row[FIT_COLUMNS[o]])) for o in OPTIONS),
        (field_label("monthly_value"), money(row["monthly_value"], currency)),
        (field_label("monthly_volume"), value_label("monthly_volume", row["monthly_volume"])),
        (field_label("users"), value_label("users", row["users"])),
    ]
    return pd.DataFrame(rows, columns=["Score", "Value"])


def _decision(
    scored: ScoredPortfolio, pilot_id: str, decisions: pd.DataFrame | None, anonymised: bool
) -> tuple[tuple[str, str], ...]:
    """The decision in force (approved, else the pending proposal) in words, with its sign-off."""
    if decisions is None or decisions.empty:
        return ()
    mine = decisions[decisions["pilot_id"].astype(str) == str(pilot_id)]
    if mine.empty:
        return ()
    position = scored.position(pilot_id)
    state = decision_states(mine, scored).iloc[position]
    if is_missing(state["decision_id"]):
        return ()
    chosen = mine[mine["decision_id"] == state["decision_id"]]
    log = decision_log(chosen, names={str(pilot_id): str(scored.table.iloc[position]["name"])}).iloc[0]
    shown = list(DECISION_SUMMARY_COLUMNS)
    if anonymised:
        shown = [c for c in shown if c not in PERSONAL_DECISION_PARTS]
    parts = [(c, str(log[c])) for c in shown if str(log[c])]
    if bool(state["awaiting_sign_off"]) and state["status"] != "proposed":
        parts.append(("Sign-off", "a newer proposal awaits sign-off"))
    return tuple(parts)


def pilot_sheet(
    scored: ScoredPortfolio,
    pilot_id: str,
    *,
    provenance: pd.DataFrame | None = None,
    decisions: pd.DataFrame | None = None,
    anonymised: bool = False,
) -> PilotSheet:
    """What the one-pager and the deck's appendix slide show of one pilot. `scored` is the
    table as shown (anonymised when presenting); `provenance` the snapshot's
    (`PortfolioStore.load_provenance`), `decisions` the portfolio's (`PortfolioStore.decisions`).
    KeyError when the pilot is not in `scored`."""
    row = scored.pilot(pilot_id)
    verdict = str(row["verdict"])
    steps = scored.promotion_path(pilot_id)
    sources = (
        None
        if provenance is None
        else pilot_sources_table(row, pilot_provenance(provenance, pilot_id), anonymised=anonymised)
    )
    return PilotSheet(
        pilot_id=str(pilot_id),
        name=UNKNOWN if is_missing(row["name"]) else str(row["name"]),
        details=tuple((field_label(f), value_label(f, row.get(f))) for f in DETAIL_FIELDS),
        verdict=verdict_label(verdict),
        verdict_code=verdict,
        verdict_meaning=VERDICT_MEANINGS.get(verdict, ""),
        next_step=UNKNOWN if is_missing(row["next_step"]) else str(row["next_step"]),
        answer=tuple((column_label(c), value_label(c, row[c])) for c in ANSWER_COLUMNS),
        reasons=option_reasons(scored, pilot_id).sentences,
        scorecard=_scorecard(scored, row),
        gates=gate_checklist_table(scored.gate_checklist(pilot_id), scored.profile.gates),
        path=tuple(path_step_sentence(i, s) for i, s in enumerate(steps, start=1)),
        sources=sources,
        decision=_decision(scored, pilot_id, decisions, anonymised),
        anonymised=anonymised,
    )


# --- the printable page ---------------------------------------------------------------------
STYLE = """
@page { size: A4; margin: 10mm; }
* { box-sizing: border-box; }
body { font-family: 'Segoe UI', Roboto, Helvetica, Arial, sans-serif; color: #1F2A37; font-size: 8.5pt;
       margin: 0 auto; max-width: 190mm; padding: 6mm 0; line-height: 1.3; }
h1 { font-size: 15pt; margin: 0 0 1mm; } h2 { font-size: 10pt; margin: 2mm 0 0.8mm; }
.meta { color: #6B7280; font-size: 8.5pt; margin: 0 0 2mm; }
.verdict { display: inline-block; padding: 0.5mm 2.5mm; border-radius: 3mm; color: #fff; background: #1F2A37;
           font-weight: 600; }
.next { border-left: 1.2mm solid #2563EB; background: #EFF6FF; padding: 1mm 3mm; margin: 1.5mm 0; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 4mm; }
table { border-collapse: collapse; width: 100%; font-size: 7.5pt; }
th, td { border-bottom: 1px solid #E5E7EB; padding: 0.25mm 1.2mm; text-align: left; vertical-align: top; }
th { background: #F3F6FA; }
ul, ol { margin: 0; padding-left: 5mm; }
.status-met { color: #047857; font-weight: 600; } .status-not-met { color: #B91C1C; font-weight: 600; }
.status-unknown { color: #B45309; font-weight: 600; }
@media print { body { padding: 0; max-width: none; line-height: 1.2; } section { break-inside: avoid; } }
"""
STATUS_CLASS = {
    STATUS_LABELS["met"]: "status-met",
    STATUS_LABELS["not met"]: "status-not-met",
    STATUS_LABELS["unknown"]: "status-unknown",
}


def _e(value: Any) -> str:
    """HTML-escape any value shown on the page."""
    return UNKNOWN if is_missing(value) else html.escape(str(value), quote=True)


def _table(frame: pd.DataFrame, status_column: str | None = None, group_column: str | None = None) -> str:
    """The frame as an HTML table; `group_column`'s value is shown only where it changes."""
    head = "".join(f"<th>{_e(c)}</th>" for c in frame.columns)
    rows = []
    previous = None
    for record in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, record, strict=True):
            if column == group_column:
                value, previous = ("" if value == previous else value), value
            css = STATUS_CLASS.get(str(value)) if column == status_column else None
            cells.append(f'<td class="{css}">{_e(value)}</td>' if css else f"<td>{_e(value)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _pairs(pairs: tuple[tuple[str, str], ...]) -> str:
    return (
        "<table><tbody>"
        + "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in pairs)
        + ("</tbody></table>")
    )


def _gates(gates: pd.DataFrame) -> str:
    """The checklist on paper: each option named once, the requirement in the gate's words."""
    return _table(gates.drop(columns=["Required"]), status_column="Status", group_column="Option")


def _halves(frame: pd.DataFrame) -> str:
    """A long two- or three-column table as two tables side by side, so it fits the page."""
    half = (len(frame) + 1) // 2
    return f'<div class="cols">{_table(frame.iloc[:half])}{_table(frame.iloc[half:])}</div>'


def pilot_onepager_html(
    scored: ScoredPortfolio,
    pilot_id: str,
    *,
    portfolio: str = "",
    snapshot: str = "",
    provenance: pd.DataFrame | None = None,
    decisions: pd.DataFrame | None = None,
    anonymised: bool = False,
) -> str:
    """One pilot as a printable, self-contained A4 page (HTML with inline CSS, no script and no
    external URL): the answer and why, scorecard, gate checklist, promotion path, next step,
    where its answers came from (with `provenance`) and the decision and its sign-off (with
    `decisions`). `scored` is the table as shown: anonymise it first when presenting, and pass
    ``anonymised`` so sources and decisions leave out files and people."""
    sheet = pilot_sheet(scored, pilot_id, provenance=provenance, decisions=decisions, anonymised=anonymised)
    meta = [f"{field_label('pilot_id')} {_e(sheet.pilot_id)}"]
    meta += [f"{_e(label)} {_e(value)}" for label, value in sheet.details]
    context = [p for p in (portfolio, snapshot) if p]
    context.append(f"Profile {scored.profile.label} ({scored.profile.content_hash})")
    if anonymised:
        context.append("names and owners anonymised")
    path = (
        "<ol>" + "".join(f"<li>{_e(s.split('. ', 1)[1])}</li>" for s in sheet.path) + "</ol>"
        if sheet.path
        else f"<p>{_e(NO_STEP)}</p>"
    )
    sources = (
        f"<section><h2>Answers and where they came from</h2>{_halves(sheet.sources)}</section>"
        if sheet.sources is not None
        else ""
    )
    decision = _pairs(sheet.decision) if sheet.decision else f"<p>{_e(NO_DECISION)}</p>"
    reasons = "".join(f"<li>{_e(r)}</li>" for r in sheet.reasons)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(sheet.name)}</title><style>{STYLE}</style></head>
<body>
<h1>{_e(sheet.name)}</h1>
<p class="meta">{" · ".join(meta)}</p>
<p class="meta">{" · ".join(_e(c) for c in context)}</p>
<p><span class="verdict">{_e(sheet.verdict)}</span> {_e(sheet.verdict_meaning)}</p>
<div class="next"><strong>Next step:</strong> {_e(sheet.next_step)}</div>
<div class="cols">
<section><h2>The answer</h2>{_pairs(sheet.answer)}<h2>Why this option</h2><ul>{reasons}</ul></section>
<section><h2>Scorecard</h2>{_table(sheet.scorecard)}</section>
</div>
<section><h2>Gates of each option</h2>{_gates(sheet.gates)}</section>
<div class="cols">
<section><h2>Promotion path</h2>{path}</section>
<section><h2>Decision and sign-off</h2>{decision}</section>
</div>
{sources}
</body></html>
"""


__all__ = [
    "PilotSheet",
    "gate_checklist_table",
    "path_step_sentence",
    "pilot_onepager_html",
    "pilot_sheet",
]
