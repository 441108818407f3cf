"""The deck's slides, one function each, in the issue's order: the title, the headline
figures, the needs vs can-govern grid as a table heat-map, the flows from today's mode, what
blocks the most (and apart from it the gates that only wait on an answer), one slide per
verdict with its most valuable pilots (at most `GROUP_LIMIT`, "and N more"), the deciding
questions, the decisions, and one appendix slide per pilot (`present.onepager.pilot_sheet`).
Every number comes from the library's views and every word from `present`."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from kairo_scoring.deck.drawing import _Deck, _money_format
from kairo_scoring.present.formats import count, count_phrase, money, percent, readiness_phrase
from kairo_scoring.present.labels import (
    BLOCKER_KINDS,
    DEMAND_LABELS,
    SLIDE_TITLES,
    SUPPLY_LABELS,
    column_label,
    option_gate_label,
    option_label,
    value_label,
    verdict_label,
)
from kairo_scoring.present.onepager import NO_DECISION, NO_STEP, PilotSheet
from kairo_scoring.present.palette import INK, MUTED, OPTION_COLOURS, SEQUENTIAL, VERDICT_COLOURS
from kairo_scoring.present.questions import (
    more_phrase,
    question_fields_table,
    questions_detail,
    questions_sentence,
    waiting_table,
)
from kairo_scoring.present.report import decision_log
from kairo_scoring.questions import DecidingQuestions
from kairo_scoring.schema import VERDICT_MEANINGS, VERDICTS
from kairo_scoring.scoring import ScoredPortfolio
from kairo_scoring.views import (
    blocker_summary,
    demand_supply_grid,
    flow_node_names,
    headline,
    mode_flows,
    top_blockers,
    verdict_counts,
)

GROUP_LIMIT = 10  # pilots listed on a verdict's slide, most valuable first
TABLE_LIMIT = 8  # rows of a questions or blockers table before "and N more"
DECISION_LIMIT = 10  # decisions listed per group (awaiting sign-off, taken)
# What the Portfolio page says when a tab of "What blocks the most" is empty.
NONE_BLOCKED = "No gate fails for the pilots in view."
NONE_WAITING = "No gate waits on a missing answer."
BLOCKED_MEANING = "Gates known to fail: each stops a pilot from moving to where it should be."
WAITING_MEANING = (
    "Gates that cannot be checked because an answer is missing: a question to ask, not a blocker. "
    "The answer may clear the gate."
)


# --- the slides -------------------------------------------------------------------------------
def _title_slide(
    deck: _Deck, scored: ScoredPortfolio, portfolio: str, snapshot: str, presenting: bool
) -> None:
    slide = deck.prs.slides.add_slide(deck.prs.slide_layouts[0])
    slide.shapes.title.text = f"Portfolio triage: {portfolio}" if portfolio else "Portfolio triage"
    profile = scored.profile
    lines = [
        f"Snapshot {snapshot}" if snapshot else "",
        f"Profile {profile.label} ({profile.content_hash})",
        f"{count_phrase(len(scored.table), 'pilot')} · generated {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "Names and owners anonymised" if presenting else "",
    ]
    subtitle = slide.placeholders[1]
    subtitle.text = "\n".join(line for line in lines if line)
    # The template's placeholders are laid out for 4:3: place them on the 16:9 slide.
    for shape, top, height in ((slide.shapes.title, 1.8, 1.5), (subtitle, 3.5, 2.0)):
        shape.left, shape.top, shape.width, shape.height = (
            deck.in_(0.8),
            deck.in_(top),
            deck.in_(11.7),
            deck.in_(height),
        )
    slide.notes_slide.notes_text_frame.text = (
        "Charts and tables are native PowerPoint objects: right-click a chart and choose Edit Data "
        "to restyle or relabel it."
    )


def _headline_slide(deck: _Deck, scored: ScoredPortfolio) -> None:
    table, currency = scored.table, scored.profile.currency
    figures = headline(table)
    slide = deck.slide(
        SLIDE_TITLES["headline"],
        f"Value at stake: monthly value of pilots at risk, blocked (build readiness), not ready or "
        f"needing data, out of {money(figures.total_value, currency)} a month.",
    )
    tiles = [
        ("Pilots", count(figures.pilots)),
        ("Ready to promote", count(figures.ready_to_promote)),
        (verdict_label("at_risk"), count(figures.at_risk)),
        ("Value at stake", money(figures.value_at_stake, currency)),
    ]
    for i, (label, value) in enumerate(tiles):
        deck.text(slide, [value], 0.5 + i * 3.1, 1.6, 3.0, 0.7, size=30, bold=True)
        deck.text(slide, [label], 0.5 + i * 3.1, 2.3, 3.0, 0.4, size=13, colour=MUTED)
    shares = pd.DataFrame(
        {
            "Recommended option now": [option_label(o) for o in figures.option_share],
            "Share of pilots": [percent(s) for s in figures.option_share.values()],
        }
    )
    deck.table(slide, shares, 0.5, 3.1, 5.2, size=12, widths=(3.4, 1.8))
    counts = verdict_counts(table)
    chart = deck.bar_chart(
        slide,
        [verdict_label(v) for v in counts["verdict"]],
        {"Pilots": counts["pilots"].tolist()},
        6.1,
        2.9,
        6.7,
        4.3,
        colours=[INK],
        title="Verdicts",
    )
    # One colour per verdict, as every verdict chart of the pages draws it.
    chart_series = chart.plots[0].series[0]
    for point, verdict in enumerate(counts["verdict"]):
        fill = chart_series.points[point].format.fill
        fill.solid()
        fill.fore_color.rgb = deck._rgb(VERDICT_COLOURS[verdict])


def _grid_slide(deck: _Deck, scored: ScoredPortfolio) -> None:
    currency = scored.profile.currency
    grid = demand_supply_grid(scored.table)
    slide = deck.slide(
        SLIDE_TITLES["grid"],
        "Rows: what the workflow needs (demand). Columns: what the organisation can govern today (supply).",
    )
    most = max(int(grid["pilots"].max()), 1)
    cells = {(int(d), int(s)): (int(p), float(v)) for d, s, p, v in grid.itertuples(index=False)}
    frame = pd.DataFrame(
        [
            [DEMAND_LABELS[demand]]
            + [
                f"{count_phrase(cells[(demand, supply)][0], 'pilot')}\n{money(cells[(demand, supply)][1], currency)}"
                for supply in range(4)
            ]
            for demand in (3, 2, 1, 0)  # the heaviest need on top
        ],
        columns=["Needs \\ can govern", *SUPPLY_LABELS],
    )
    table = deck.table(
        slide, frame, 0.5, 1.7, 12.3, size=12, widths=(2.7, 2.4, 2.4, 2.4, 2.4), row_height=1.0
    )
    for row, demand in enumerate((3, 2, 1, 0), start=1):
        for col in range(4):
            pilots = cells[(demand, col)][0]
            shade = SEQUENTIAL[min(len(SEQUENTIAL) - 1, round(pilots / most * (len(SEQUENTIAL) - 1)))]
            cell = table.cell(row, col + 1)
            deck.fill(cell, shade)
            dark = SEQUENTIAL.index(shade) >= 3
            for paragraph in cell.text_frame.paragraphs:
                paragraph.font.color.rgb = deck._rgb("#FFFFFF" if dark else INK)


def _flows_slide(deck: _Deck, scored: ScoredPortfolio) -> None:
    flows = mode_flows(scored.table)
    today = flows[flows["step"] == "today→now"]
    sources = [s for s in flow_node_names("today") if (today["source"] == s).any()]
    targets = [t for t in flow_node_names("now") if (today["target"] == t).any()]
    pilots = today.pivot_table(index="source", columns="target", values="pilots", aggfunc="sum", fill_value=0)
    slide = deck.slide(
        SLIDE_TITLES["flows"],
        "Pilots by the mode they run in today (bars), split by the option recommended now.",
    )
    deck.bar_chart(
        slide,
        [option_label(s) for s in sources],
        {
            option_label(t): [int(pilots.loc[s, t]) if t in pilots.columns else 0 for s in sources]
            for t in targets
        },
        0.5,
        1.6,
        12.3,
        5.6,
        stacked=True,
        colours=[OPTION_COLOURS.get(t, MUTED) for t in targets],
    )


def _blocker_slide(deck: _Deck, scored: ScoredPortfolio, kind: str) -> None:
    """What blocks the most (kind 'blocked': gates that fail) or the questions to ask (kind
    'unknown': gates waiting on an answer), by pilots and by monthly value, side by side."""
    currency = scored.profile.currency
    summary = blocker_summary(scored)
    title, meaning, none = (
        (SLIDE_TITLES["blocked"], BLOCKED_MEANING, NONE_BLOCKED)
        if kind == "blocked"
        else (SLIDE_TITLES["unknown"], WAITING_MEANING, NONE_WAITING)
    )
    slide = deck.slide(
        title, meaning, notes=f"{BLOCKER_KINDS['failed' if kind == 'blocked' else 'unknown']}."
    )
    for i, (by, number_format) in enumerate(
        ((f"pilots_{kind}", "#,##0"), (f"value_{kind}", _money_format(currency)))
    ):
        top = top_blockers(summary, by)
        left = 0.5 + i * 6.2
        if top.empty:
            deck.text(slide, [none], left, 2.0, 6.0, 0.6, size=14, colour=MUTED)
            continue
        deck.bar_chart(
            slide,
            [option_gate_label(o, p) for o, p in zip(top["option"], top["phrase"], strict=True)],
            {column_label(by): top[by].tolist()},
            left,
            1.6,
            6.1,
            5.6,
            colours=[OPTION_COLOURS["api_pipeline"] if i == 0 else OPTION_COLOURS["shared_workspace"]],
            number_format=number_format,
            title=column_label(by),
        )


def _verdict_slides(deck: _Deck, scored: ScoredPortfolio, limit: int) -> None:
    table, currency = scored.table, scored.profile.currency
    verdicts = table["verdict"].astype(object)
    for verdict in VERDICTS:
        rows = table[(verdicts == verdict).to_numpy()]
        if rows.empty:
            continue
        value = rows["monthly_value"].astype("float64")
        top = rows.iloc[value.fillna(-1.0).to_numpy().argsort(kind="stable")[::-1][:limit]]
        frame = pd.DataFrame(
            {
                column_label("name"): top["name"].astype(object).to_numpy(),
                column_label("owner"): [value_label("owner", v) for v in top["owner"]],
                column_label("monthly_value"): [money(v, currency) for v in top["monthly_value"]],
                column_label("readiness"): [readiness_phrase(r, short=True) for _, r in top.iterrows()],
                column_label("next_step"): top["next_step"].astype(object).to_numpy(),
            }
        )
        slide = deck.slide(
            f"{verdict_label(verdict)}: {count_phrase(len(rows), 'pilot')}, "
            f"{money(value.sum(), currency)} a month",
            f"{verdict_label(verdict)}: {VERDICT_MEANINGS[verdict]}. The most valuable first.",
        )
        deck.table(slide, frame, 0.5, 1.6, 12.3, size=9, widths=(2.6, 1.6, 1.4, 1.3, 5.4), row_height=0.34)
        more = more_phrase(len(top), len(rows), "pilot")
        if more:
            deck.text(slide, [more[:1].upper() + more[1:] + "."], 0.5, 7.0, 12.3, 0.4, size=11, colour=MUTED)


def _questions_slide(deck: _Deck, scored: ScoredPortfolio, questions: DecidingQuestions) -> None:
    currency = scored.profile.currency
    top = questions.headline()
    slide = deck.slide(
        SLIDE_TITLES["questions"], questions_sentence(top), notes=questions_detail(top, currency)
    )
    deck.text(slide, [questions_detail(top, currency)], 0.5, 1.5, 12.3, 0.5, size=12, colour=MUTED)
    fields = question_fields_table(questions, currency, limit=TABLE_LIMIT)
    deck.table(slide, fields, 0.5, 2.1, 6.0, size=10, widths=(2.2, 1.1, 1.3, 1.4))
    who = waiting_table(questions.owners, "owner", currency, limit=TABLE_LIMIT)
    deck.table(slide, who, 6.8, 2.1, 6.0, size=10, widths=(1.5, 1.1, 2.2, 1.2))
    more = more_phrase(len(who), len(questions.owners), "owner")
    if more:
        deck.text(slide, [more[:1].upper() + more[1:] + "."], 6.8, 6.9, 6.0, 0.4, size=11, colour=MUTED)


def _decisions_slide(deck: _Deck, scored: ScoredPortfolio, decisions: pd.DataFrame, presenting: bool) -> None:
    table = scored.table
    names = dict(zip(table["pilot_id"].astype(str), table["name"].astype(str), strict=True))
    log = decision_log(decisions, names=names)
    status = decisions["status"].astype(str).to_numpy()
    columns = ["Pilot", "Decision taken", "Option", "Review date", "Status", "Proposed"]
    if not presenting:
        columns += ["Proposed by", "Signed off by"]
    waiting, taken = (
        log[status == "proposed"],
        log[pd.Series(status).isin(["approved", "rejected"]).to_numpy()],
    )
    slide = deck.slide(
        SLIDE_TITLES["decisions"],
        f"{count_phrase(len(waiting), 'decision')} awaiting sign-off · {count(len(taken))} signed off",
    )
    top = 1.6
    for heading, rows in (("Awaiting sign-off", waiting), ("Signed off", taken)):
        if rows.empty:
            continue
        deck.text(slide, [f"{heading} ({count(len(rows))})"], 0.5, top, 12.3, 0.35, size=13, bold=True)
        shown = rows.head(DECISION_LIMIT)[columns]
        deck.table(slide, shown, 0.5, top + 0.4, 12.3, size=9, row_height=0.26)
        top += 0.4 + 0.26 * (len(shown) + 1) + 0.15
        more = more_phrase(len(shown), len(rows), "decision")
        if more:
            deck.text(slide, [more[:1].upper() + more[1:] + "."], 0.5, top, 12.3, 0.3, size=10, colour=MUTED)
            top += 0.35


def _pilot_slide(deck: _Deck, sheet: PilotSheet) -> None:
    details = " · ".join(f"{label} {value}" for label, value in sheet.details)
    slide = deck.slide(
        sheet.name,
        f"{sheet.verdict}: {sheet.verdict_meaning} · {details}",
        notes="Why this option: " + " ".join(sheet.reasons),
    )
    deck.text(slide, [f"Next step: {sheet.next_step}"], 0.5, 1.45, 12.3, 0.5, size=12, bold=True)
    answer = pd.DataFrame(list(sheet.answer), columns=["The answer", ""])
    deck.table(slide, answer, 0.5, 2.0, 3.6, size=9, widths=(1.5, 2.1), row_height=0.24)
    deck.table(slide, sheet.scorecard, 0.5, 3.1, 3.6, size=9, widths=(2.0, 1.6), row_height=0.22)
    gates = sheet.gates
    deck.table(slide, gates, 4.3, 2.0, 5.6, size=8, widths=(1.1, 2.3, 0.7, 0.8, 0.7), row_height=0.22)
    deck.text(slide, ["Promotion path"], 10.1, 2.0, 2.8, 0.3, size=11, bold=True)
    deck.text(slide, list(sheet.path) or [NO_STEP], 10.1, 2.3, 2.8, 2.2, size=9)
    deck.text(slide, ["Decision and sign-off"], 10.1, 4.6, 2.8, 0.3, size=11, bold=True)
    decision = [f"{label}: {value}" for label, value in sheet.decision] or [NO_DECISION]
    deck.text(slide, decision, 10.1, 4.9, 2.8, 2.0, size=9)
