"""The printable one-page summary: a self-contained HTML file with its figures embedded.

The summary builds its own figures (`summary_figures`), so the Export page and `kairo
report` write the same document. plotly.js is inlined once (no CDN, works offline); every
string that may come from a user (portfolio, snapshot, filters, pilot names, owners) is
HTML-escaped. Names and numbers come from `present.labels` and `present.formats`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from kairo_scoring.present.figures import blocker_bars, flow_sankey, grid_heatmap, verdict_bars
from kairo_scoring.present.formats import count, day_text, money, percent, score_text, time_text
from kairo_scoring.present.labels import (
    column_label,
    decision_kind_label,
    decision_status_label,
    field_label,
    option_gate_label,
    option_label,
    value_label,
    verdict_label,
)
from kairo_scoring.present.palette import VERDICT_COLOURS
from kairo_scoring.scoring import ScoredPortfolio
from kairo_scoring.values import is_missing
from kairo_scoring.views import (
    blocker_summary,
    demand_supply_grid,
    headline,
    mode_flows,
    top_blockers,
    verdict_counts,
)

ACTION_VERDICTS = ("at_risk", "promote", "build_readiness", "needs_data")
STYLE = """
body { font-family: 'Segoe UI', Roboto, Helvetica, Arial, sans-serif; color: #1F2A37; margin: 2rem auto;
       max-width: 1100px; padding: 0 1.5rem; }
h1 { font-size: 1.7rem; margin-bottom: 0.2rem; } h2 { font-size: 1.2rem; margin-top: 1.8rem; }
.meta { color: #6B7280; font-size: 0.9rem; }
.figures { display: grid; grid-template-columns: repeat(4, 1fr); gap: 0.8rem; margin: 1.2rem 0; }
.figure { border: 1px solid #E5E7EB; border-radius: 8px; padding: 0.7rem 0.9rem; }
.figure .value { font-size: 1.6rem; font-weight: 600; } .figure .label { color: #6B7280; font-size: 0.85rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.85rem; margin-top: 0.5rem; }
th, td { border-bottom: 1px solid #E5E7EB; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #F3F6FA; } td.num { text-align: right; }
.chip { display: inline-block; width: 0.7rem; height: 0.7rem; border-radius: 2px; margin-right: 0.35rem; }
.chart { break-inside: avoid; page-break-inside: avoid; margin-top: 0.8rem; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } .chart { break-inside: avoid; } }
"""


def _e(value: Any) -> str:
    """HTML-escape any value shown in the report."""
    if is_missing(value):
        return "unknown"
    return html.escape(str(value), quote=True)


def _table(frame: pd.DataFrame, numeric: Sequence[str] = ()) -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in frame.columns)
    rows = []
    for record in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, record, strict=True):
            css = ' class="num"' if column in numeric else ""
            cells.append(f"<td{css}>{_e(value)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _figures_html(figures: Sequence[tuple[str, Any]]) -> str:
    parts = []
    for i, (title, figure) in enumerate(figures):
        div = figure.to_html(
            full_html=False,
            include_plotlyjs=i == 0,  # plotly.js inlined once, before the first chart
            include_mathjax=False,
            config={"displaylogo": False, "responsive": True, "staticPlot": False},
        )
        parts.append(f'<section class="chart"><h2>{_e(title)}</h2>{div}</section>')
    return "".join(parts)


# The decision log's columns, as the HTML summary, the xlsx Decisions sheet and the CLI show them.
DECISION_LOG_COLUMNS: tuple[str, ...] = (
    "Decision",
    field_label("pilot_id"),
    "Pilot",
    "Decision taken",
    "Option",
    "Reason",
    "Review date",
    "Verdict then",
    "Recommended then",
    "Readiness then",
    "Profile",
    "Snapshot",
    "Proposed by",
    "Proposer identity",
    "Proposed",
    "Status",
    "Signed off by",
    "Signed off",
    "Sign-off comment",
)
# What a reader needs of one decision (the HTML log after its id and pilot; the one-pager).
DECISION_SUMMARY_COLUMNS: tuple[str, ...] = (
    "Decision taken",
    "Option",
    "Reason",
    "Review date",
    "Proposed by",
    "Proposed",
    "Status",
    "Signed off by",
    "Signed off",
    "Sign-off comment",
)
_IDENTITY = {True: "signed in", False: "name typed, unverified"}


def decision_log(decisions: pd.DataFrame, *, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Decisions (`PortfolioStore.decisions`) as people read them: who, when, why, the sign-off.

    ``names`` maps pilot IDs to the names to show (aliases in presentation mode); a pilot
    without one shows its ID. Columns `DECISION_LOG_COLUMNS`, in the order given.
    """
    names = names or {}

    def who_verified(value: Any) -> str:
        return "" if is_missing(value) else _IDENTITY[bool(value)]

    def text(value: Any) -> str:
        return "" if is_missing(value) else str(value)

    rows = [
        (
            int(d.decision_id),
            str(d.pilot_id),
            names.get(str(d.pilot_id), str(d.pilot_id)),
            decision_kind_label(d.kind),
            "" if is_missing(d.option) else option_label(d.option),
            text(d.reason),
            "" if is_missing(d.review_date) else day_text(d.review_date),
            verdict_label(d.verdict),
            option_label(d.recommended),
            score_text(d.readiness),
            " ".join(
                p
                for p in (
                    text(d.profile_name),
                    f"v{d.profile_version}" if not is_missing(d.profile_version) else "",
                    f"({d.profile_hash})" if not is_missing(d.profile_hash) else "",
                )
                if p
            ),
            f"#{int(d.snapshot_id)}",
            text(d.proposed_by),
            who_verified(d.proposed_by_verified),
            time_text(d.proposed_at),
            decision_status_label(d.status),
            text(d.signed_by),
            "" if is_missing(d.signed_at) else time_text(d.signed_at),
            text(d.sign_comment),
        )
        for d in decisions.itertuples(index=False)
    ]
    return pd.DataFrame(rows, columns=list(DECISION_LOG_COLUMNS))


def _decision_log_html(decisions: pd.DataFrame | None, names: Mapping[str, str]) -> str:
    """The summary's decision log section: every decision of the portfolio, newest first (empty: none)."""
    if decisions is None or decisions.empty:
        return ""
    shown = decision_log(decisions, names=names)[["Decision", "Pilot", *DECISION_SUMMARY_COLUMNS]]
    return f"<h2>Decision log</h2>\n{_table(shown, numeric=('Decision',))}"


def summary_figures(scored: ScoredPortfolio) -> list[tuple[str, Any]]:
    """The (title, figure) pairs the summary embeds, in the portfolio's currency."""
    table, currency = scored.table, scored.profile.currency
    return [
        (
            "Where the portfolio sits: what it needs vs what it can govern",
            grid_heatmap(demand_supply_grid(table), currency=currency),
        ),
        (
            "From where pilots run today to where they should go",
            flow_sankey(mode_flows(table), currency=currency),
        ),
        ("Verdicts", verdict_bars(verdict_counts(table), currency=currency)),
        (
            "What blocks the most pilots",
            blocker_bars(top_blockers(blocker_summary(scored)), currency=currency),
        ),
    ]


def summary_html(
    scored: ScoredPortfolio,
    *,
    figures: Sequence[tuple[str, Any]] | None = None,
    portfolio: str = "",
    snapshot: str = "",
    filters: str = "",
    anonymised: bool = False,
    generated_at: datetime | None = None,
    top_pilots: int = 15,
    decisions: pd.DataFrame | None = None,
) -> str:
    """A complete HTML document summarising a scored portfolio, figures embedded inline.

    `figures` are (title, plotly Figure) pairs, `summary_figures(scored)` when not given;
    plotly.js is included once, inline. `filters` is the filters in words (`filters_text`).
    `decisions` (`PortfolioStore.decisions`) adds a decision log; pilots are named as
    ``scored``'s table names them (aliases when it is anonymised).
    """
    table = scored.table
    currency = scored.profile.currency
    figures = summary_figures(scored) if figures is None else figures
    figures_head = headline(table)
    when = (generated_at or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    counts = verdict_counts(table)
    verdict_rows = "".join(
        f'<tr><td><span class="chip" style="background:{VERDICT_COLOURS[v]}"></span>{_e(verdict_label(v))}</td>'
        f'<td class="num">{count(p)}</td><td class="num">{_e(money(val, currency))}</td></tr>'
        for v, p, val in counts[["verdict", "pilots", "monthly_value"]].itertuples(index=False)
    )
    shares = "".join(
        f'<tr><td>{_e(option_label(option))}</td><td class="num">{percent(share)}</td></tr>'
        for option, share in figures_head.option_share.items()
    )
    blockers = top_blockers(blocker_summary(scored), n=8)
    blocker_table = _table(
        pd.DataFrame(
            {
                "Gate": [
                    option_gate_label(o, p)
                    for o, p in zip(blockers["option"], blockers["phrase"], strict=True)
                ],
                "Pilots blocked": [count(v) for v in blockers["pilots_blocked"]],
                "Monthly value blocked": [money(v, currency) for v in blockers["value_blocked"]],
            }
        ),
        numeric=("Pilots blocked", "Monthly value blocked"),
    )
    action = table[table["verdict"].astype(object).isin(ACTION_VERDICTS)]
    action = action.sort_values("monthly_value", ascending=False, na_position="last").head(top_pilots)
    action_table = _table(
        pd.DataFrame(
            {
                column_label("name"): action["name"].astype(object),
                column_label("owner"): [value_label("owner", v) for v in action["owner"]],
                column_label("verdict"): [verdict_label(v) for v in action["verdict"]],
                column_label("monthly_value"): [money(v, currency) for v in action["monthly_value"]],
                column_label("next_step"): action["next_step"].astype(object),
            }
        ),
        numeric=(column_label("monthly_value"),),
    )
    meta = [
        f"Profile {_e(scored.profile.label)} ({_e(scored.profile.content_hash)})",
        f"generated {_e(when)}",
    ]
    if snapshot:
        meta.insert(0, f"snapshot {_e(snapshot)}")
    if filters:
        meta.append(f"filtered: {_e(filters)}")
    if anonymised:
        meta.append("names and owners anonymised")
    title = f"Portfolio triage: {_e(portfolio)}" if portfolio else "Portfolio triage"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><style>{STYLE}</style></head>
<body>
<h1>{title}</h1>
<p class="meta">{" · ".join(meta)}</p>
<div class="figures">
<div class="figure"><div class="value">{count(figures_head.pilots)}</div><div class="label">Pilots</div></div>
<div class="figure"><div class="value">{count(figures_head.ready_to_promote)}</div><div class="label">Ready to promote</div></div>
<div class="figure"><div class="value">{count(figures_head.at_risk)}</div><div class="label">At risk</div></div>
<div class="figure"><div class="value">{_e(money(figures_head.value_at_stake, currency))}</div>
<div class="label">Value at stake a month (of {_e(money(figures_head.total_value, currency))})</div></div>
</div>
<h2>Verdicts</h2>
<table><thead><tr><th>Verdict</th><th>Pilots</th><th>Monthly value</th></tr></thead><tbody>{verdict_rows}</tbody></table>
<h2>Recommended option now (share of pilots)</h2>
<table><thead><tr><th>Option</th><th>Share of pilots</th></tr></thead><tbody>{shares}</tbody></table>
<h2>What blocks the most pilots</h2>
{blocker_table}
<h2>Pilots to act on first (by monthly value)</h2>
{action_table}
{_decision_log_html(decisions, dict(zip(table["pilot_id"].astype(str), table["name"].astype(str), strict=True)))}
{_figures_html(figures)}
</body></html>
"""


__all__ = ["DECISION_LOG_COLUMNS", "decision_log", "summary_figures", "summary_html"]
