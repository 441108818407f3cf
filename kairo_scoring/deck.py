"""The boardroom deck: a PowerPoint file with native, editable charts and tables, so a
consultant can restyle it in PowerPoint (python-pptx; no picture of a chart anywhere).

The slides, in order: the title; the headline figures; where the portfolio sits (the needs
vs can-govern grid as a table heat-map); flows from today's mode to the recommendation; what
blocks the most pilots and value, and apart from it the gates that only wait on an answer;
one slide per verdict with its most valuable pilots ("and N more"); the deciding questions
and who to ask; decisions taken and awaiting sign-off (with decisions); and an appendix, one
slide per selected pilot (`present.onepager.pilot_sheet`, the content of its one-pager).

Every number comes from the library's views (`headline`, `demand_supply_grid`, `mode_flows`,
`blocker_summary`, `verdict_counts`, `deciding_questions`) and every word from `present`
(labels, formats, questions, report's decision log), as the pages show them. Presenting
(``anonymise``) replaces every pilot name and owner by its alias before anything is drawn,
and leaves out the snapshot's file, decision makers and free-text reasons, so no real name
reaches a slide, a table cell, a chart category or a notes page. The deck is bounded
whatever the portfolio's size: a verdict slide lists at most `GROUP_LIMIT` pilots and the
appendix at most `APPENDIX_LIMIT`.

python-pptx is imported when a deck is built, not with the library (the app's first paint
does not wait for it).

Over 400 lines because it is one document: the slides share their layout helpers, the
anonymising of every text and the chart-label guard, and are built in the issue's order.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pandas as pd

from kairo_scoring.exports import FORMULA_TRIGGERS
from kairo_scoring.present.formats import count, count_phrase, money, percent, readiness_phrase
from kairo_scoring.present.labels import (
    BLOCKER_KINDS,
    DEMAND_LABELS,
    SLIDE_TITLES,
    SUPPLY_LABELS,
    UNKNOWN,
    column_label,
    option_gate_label,
    option_label,
    value_label,
    verdict_label,
)
from kairo_scoring.present.onepager import NO_DECISION, NO_STEP, PilotSheet, pilot_sheet
from kairo_scoring.present.palette import INK, MUTED, OPTION_COLOURS, SEQUENTIAL, VERDICT_COLOURS
from kairo_scoring.present.questions import (
    more_phrase,
    question_fields_table,
    questions_detail,
    questions_sentence,
    waiting_table,
)
from kairo_scoring.present.report import decision_log
from kairo_scoring.questions import DecidingQuestions, deciding_questions
from kairo_scoring.schema import VERDICT_MEANINGS, VERDICTS
from kairo_scoring.scoring import ScoredPortfolio
from kairo_scoring.values import is_missing
from kairo_scoring.views import (
    anonymise as anonymise_table,
)
from kairo_scoring.views import (
    blocker_summary,
    demand_supply_grid,
    flow_node_names,
    headline,
    mode_flows,
    presented_questions,
    top_blockers,
    verdict_counts,
    with_table,
)

GROUP_LIMIT = 10  # pilots listed on a verdict's slide, most valuable first
APPENDIX_LIMIT = 10  # pilot slides in the appendix (the selected ones, else the most valuable)
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
DECK_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
# 16:9, in EMU (914,400 a inch).
SLIDE_WIDTH, SLIDE_HEIGHT = 12_192_000, 6_858_000


def _pptx() -> SimpleNamespace:
    """python-pptx's parts the deck uses, imported on first use."""
    from pptx import Presentation
    from pptx.chart.data import CategoryChartData
    from pptx.dml.color import RGBColor
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
    from pptx.util import Emu, Inches, Pt

    return SimpleNamespace(
        Presentation=Presentation,
        CategoryChartData=CategoryChartData,
        RGBColor=RGBColor,
        XL_CHART_TYPE=XL_CHART_TYPE,
        XL_LEGEND_POSITION=XL_LEGEND_POSITION,
        Emu=Emu,
        Inches=Inches,
        Pt=Pt,
    )


def chart_text(text: Any) -> str:
    """A chart category or series name as the chart's embedded workbook keeps it: text that a
    spreadsheet would run as a formula starts with an apostrophe (as the csv export does)."""
    text = UNKNOWN if is_missing(text) else str(text)
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text


class _Deck:
    """The presentation being built, with the few drawing primitives every slide uses."""

    def __init__(self) -> None:
        self.x = _pptx()
        self.prs = self.x.Presentation()
        self.prs.slide_width, self.prs.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
        self.in_ = self.x.Inches

    def _rgb(self, colour: str):
        return self.x.RGBColor.from_string(colour.lstrip("#").upper())

    def slide(self, title: str, subtitle: str = "", notes: str = ""):
        """A 'Title Only' slide with the title (and a line under it), and its notes page."""
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[5])
        shape = slide.shapes.title
        shape.left, shape.top, shape.width, shape.height = (
            self.in_(0.5),
            self.in_(0.3),
            self.in_(12.3),
            self.in_(0.8),
        )
        shape.text = title
        for paragraph in shape.text_frame.paragraphs:
            paragraph.font.size = self.x.Pt(26)
            paragraph.font.bold = True
            paragraph.font.color.rgb = self._rgb(INK)
        if subtitle:
            self.text(slide, [subtitle], 0.5, 1.05, 12.3, 0.5, size=13, colour=MUTED)
        if notes:
            slide.notes_slide.notes_text_frame.text = notes
        return slide

    def text(
        self,
        slide,
        lines: Sequence[str],
        left: float,
        top: float,
        width: float,
        height: float,
        *,
        size: int = 14,
        colour: str = INK,
        bold: bool = False,
    ):
        box = slide.shapes.add_textbox(self.in_(left), self.in_(top), self.in_(width), self.in_(height))
        frame = box.text_frame
        frame.word_wrap = True
        for i, line in enumerate(lines):
            paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            paragraph.text = str(line)
            paragraph.font.size = self.x.Pt(size)
            paragraph.font.bold = bold
            paragraph.font.color.rgb = self._rgb(colour)
        return box

    def table(
        self,
        slide,
        frame: pd.DataFrame,
        left: float,
        top: float,
        width: float,
        *,
        size: int = 11,
        widths: Sequence[float] | None = None,
        row_height: float = 0.3,
    ):
        """A native table: a header row of the frame's columns, then its cells as text."""
        rows, cols = len(frame) + 1, len(frame.columns)
        shape = slide.shapes.add_table(
            rows, cols, self.in_(left), self.in_(top), self.in_(width), self.in_(row_height * rows)
        )
        table = shape.table
        if widths:
            for i, w in enumerate(widths):
                table.columns[i].width = self.in_(w)
        for j, column in enumerate(frame.columns):
            self._cell(table.cell(0, j), column, size, bold=True)
        for i, record in enumerate(frame.itertuples(index=False), start=1):
            for j, value in enumerate(record):
                self._cell(table.cell(i, j), value, size)
        return table

    def _cell(self, cell, value: Any, size: int, *, bold: bool = False, colour: str | None = None) -> None:
        cell.text = UNKNOWN if is_missing(value) else str(value)
        for paragraph in cell.text_frame.paragraphs:
            paragraph.font.size = self.x.Pt(size)
            paragraph.font.bold = bold
            if colour:
                paragraph.font.color.rgb = self._rgb(colour)
        cell.margin_top = cell.margin_bottom = self.x.Emu(20_000)

    def fill(self, cell, colour: str) -> None:
        cell.fill.solid()
        cell.fill.fore_color.rgb = self._rgb(colour)

    def bar_chart(
        self,
        slide,
        categories: Sequence[str],
        series: dict[str, Sequence[float]],
        left: float,
        top: float,
        width: float,
        height: float,
        *,
        stacked: bool = False,
        colours: Sequence[str] | None = None,
        number_format: str = "#,##0",
        title: str = "",
    ):
        """A native horizontal bar chart: categories top to bottom in the order given."""
        data = self.x.CategoryChartData(number_format=number_format)
        data.categories = [chart_text(c) for c in categories]
        for name, values in series.items():
            data.add_series(chart_text(name), [float(v) for v in values])
        kind = self.x.XL_CHART_TYPE.BAR_STACKED if stacked else self.x.XL_CHART_TYPE.BAR_CLUSTERED
        frame = slide.shapes.add_chart(
            kind, self.in_(left), self.in_(top), self.in_(width), self.in_(height), data
        )
        chart = frame.chart
        chart.category_axis.reverse_order = True  # the first category on top, as on the pages
        chart.font.size = self.x.Pt(10)
        chart.has_legend = len(series) > 1
        if chart.has_legend:
            chart.legend.position = self.x.XL_LEGEND_POSITION.BOTTOM
            chart.legend.include_in_layout = False
        plot = chart.plots[0]
        plot.has_data_labels = not stacked
        if stacked:
            plot.overlap = 100
        if plot.has_data_labels:
            plot.data_labels.number_format = number_format
            plot.data_labels.number_format_is_linked = False
        for s, colour in zip(chart.series, colours or (), strict=False):
            s.format.fill.solid()
            s.format.fill.fore_color.rgb = self._rgb(colour)
        if title:
            chart.has_title = True
            chart.chart_title.text_frame.text = title
            chart.chart_title.text_frame.paragraphs[0].font.size = self.x.Pt(12)
        return chart

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.prs.save(out)
        return out.getvalue()


def _money_format(currency: str) -> str:
    """An Excel number format for monthly value on a chart: '"USD "#,##0'."""
    return f'"{currency} "#,##0' if currency else "#,##0"


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


def appendix_pilots(
    scored: ScoredPortfolio, pilots: Sequence[str] = (), limit: int = APPENDIX_LIMIT
) -> list[str]:
    """The pilots the appendix shows: those given (in their order, at most `limit`), else the
    `limit` most valuable. KeyError for a pilot that is not in `scored`."""
    if pilots:
        ids = list(dict.fromkeys(str(p) for p in pilots))
        for pilot_id in ids:
            scored.position(pilot_id)
        return ids[:limit]
    value = scored.table["monthly_value"].astype("float64").fillna(-1.0).to_numpy()
    order = value.argsort(kind="stable")[::-1][:limit]
    return scored.table["pilot_id"].astype(str).iloc[order].tolist()


def _appendix_sentence(shown: int, selected: int, total: int) -> str:
    """'One slide each for the 3 selected pilots, of 80 pilots.' (and how many were left out)."""
    if not selected:
        which = f"the {count(shown)} most valuable {'pilot' if shown == 1 else 'pilots'}"
    else:
        which = f"the {count_phrase(shown, 'selected pilot')}"
        if selected > shown:
            which += f" (the first {count(shown)} of {count(selected)} selected)"
    return f"One slide each for {which}, of {count_phrase(total, 'pilot')}."


def portfolio_deck(
    scored: ScoredPortfolio,
    *,
    portfolio: str,
    snapshot_label: str,
    questions: DecidingQuestions | None = None,
    decisions: pd.DataFrame | None = None,
    pilots: Sequence[str] = (),
    anonymise: bool = False,
    presented: bool = False,
    appendix_limit: int = APPENDIX_LIMIT,
    group_limit: int = GROUP_LIMIT,
) -> bytes:
    """The boardroom deck of a scored portfolio, as .pptx bytes (native charts and tables).

    ``questions``: the deciding questions (`deciding_questions`), computed here when None.
    ``decisions``: the portfolio's decisions (`PortfolioStore.decisions`); no slide without.
    ``pilots``: the appendix's pilots (at most ``appendix_limit``; the most valuable when
    none is given). ``anonymise``: present it — every pilot name and owner replaced by its
    alias, decision makers and reasons left out. ``presented``: ``scored`` is already
    anonymised (presentation mode's table): left as it is, people left out alike.
    ``snapshot_label`` is shown as given: without the file's name when presenting.
    """
    presenting = anonymise or presented
    shown = with_table(scored, anonymise_table(scored.table)) if anonymise else scored
    if questions is None:
        questions = deciding_questions(shown)
    elif anonymise:
        questions = presented_questions(questions, scored.table, shown.table)
    deck = _Deck()
    _title_slide(deck, shown, portfolio, snapshot_label, presenting)
    _headline_slide(deck, shown)
    _grid_slide(deck, shown)
    _flows_slide(deck, shown)
    _blocker_slide(deck, shown, "blocked")
    _blocker_slide(deck, shown, "unknown")
    _verdict_slides(deck, shown, group_limit)
    if questions.undecided:
        _questions_slide(deck, shown, questions)
    if decisions is not None:  # only the decisions on pilots in the deck
        decisions = decisions[decisions["pilot_id"].astype(str).isin(shown.table["pilot_id"].astype(str))]
        if not decisions.empty:
            _decisions_slide(deck, shown, decisions, presenting)
    chosen = appendix_pilots(shown, pilots, appendix_limit)
    if chosen:
        deck.slide(
            SLIDE_TITLES["appendix"], _appendix_sentence(len(chosen), len(set(map(str, pilots))), len(shown))
        )
        for pilot_id in chosen:
            _pilot_slide(deck, pilot_sheet(shown, pilot_id, decisions=decisions, anonymised=presenting))
    return deck.bytes()


__all__ = ["APPENDIX_LIMIT", "DECK_MIME", "appendix_pilots", "chart_text", "portfolio_deck"]
