"""Portfolio: how many pilots are ready for what, where the value is, and what blocks the rest."""

from __future__ import annotations

import streamlit as st

from kairo_scoring import (
    BLOCKER_KINDS,
    NOT_READY,
    POINT_LIMIT,
    SHORTLIST_LABELS,
    Action,
    Shortlist,
    blocker_bars,
    blocker_summary,
    count,
    count_phrase,
    decision_state_label,
    decision_status_label,
    decision_summary,
    demand_supply_grid,
    field_label,
    fit_triangle,
    flow_sankey,
    headline,
    label_values,
    mode_flows,
    money,
    option_label,
    percent,
    pilot_table,
    placement_grid,
    placement_points,
    readiness_basis_texts,
    shortlists,
    top_blockers,
    verdict_bars,
    verdict_counts,
    verdict_label,
)
from ui.auth import allowed
from ui.decisions import bulk_accept
from ui.questions import decide_the_undecided
from ui.sidebar import current_view
from ui.state import first_paint_pass
from ui.tables import SHORTLIST_CONFIG, pilot_table_config, shown_columns, table_height, text_column
from ui.widgets import (
    blank,
    chart,
    context_line,
    empty_notice,
    figure,
    go_to_pilot,
    rest_after_paint,
    selected_point_id,
)

TABLE_LIMIT = 2_000
# On the first paint, the blank box below what is drawn so far: taller than a projector's or a
# laptop's screen, so what comes next never moves what is in view.
BELOW_THE_FOLD = 1_800


def show_shortlist(name: str, listed: Shortlist, currency: str, *, later: bool = False) -> None:
    """One short list: the most valuable pilots of its verdict; selecting a row opens the pilot.
    `later`: a blank box of the table's height instead of the table (the first paint)."""
    st.markdown(
        f"**{SHORTLIST_LABELS[name]}** · {count_phrase(listed.total, 'pilot')}, "
        f"{money(listed.total_value, currency)} a month"
    )
    if not listed.total:
        st.caption(f"No pilot in view has the verdict {verdict_label(listed.verdict)}.")
        return
    picked = None
    if later:
        blank(table_height(len(listed.pilots)))
    else:
        rows = listed.pilots.assign(
            monthly_value=[money(v, currency) for v in listed.pilots["monthly_value"]]
        )
        picked = st.dataframe(
            shown_columns(label_values(rows), SHORTLIST_CONFIG),
            column_config=SHORTLIST_CONFIG,
            hide_index=True,
            width="stretch",
            height=table_height(len(rows)),
            on_select="rerun",
            selection_mode="single-row",
            key=f"shortlist_{name}",
        )
    if listed.more:
        st.caption(
            f"and {count(listed.more)} more: filter the sidebar's {field_label('verdict')} by "
            f"{verdict_label(listed.verdict)} to list them all."
        )
    if picked is not None and picked.selection.rows:
        go_to_pilot(str(listed.pilots.iloc[picked.selection.rows[0]]["pilot_id"]))


# On the first paint, a blank box the height of a labelled segmented control (the chart choices).
CHOICE_HEIGHT = 60


def choice(label: str, options: list[str], *, default: str, key: str, early: bool) -> str:
    """A chart's choice (a segmented control). `early` (the first paint's first pass): its value,
    and a blank box of its height; the control comes with the next pass, so the browser fetches
    and runs its code after the charts', not before them."""
    if not early:
        return st.segmented_control(label, options, default=default, key=key)
    blank(CHOICE_HEIGHT)
    return default  # a session's first run: nothing chosen yet


def by_value(label: str, *, key: str, early: bool) -> bool:
    """A chart's measure (`choice`): pilots, or their monthly value (True)."""
    value = field_label("monthly_value")
    return choice(label, ["Pilots", value], default="Pilots", key=key, early=early) == value


def show_the_charts(view, table, currency: str, *, early: bool = False) -> None:
    """Below the short lists: where the portfolio sits, the flows, verdicts and blockers."""
    st.subheader("Where the portfolio sits")
    placement = placement_points(table)
    grid = demand_supply_grid(table)
    if placement.sampled:
        st.caption(
            f":material/info: Showing a stable sample of {count(POINT_LIMIT)} of "
            f"{count_phrase(placement.total, 'pilot')} as points; "
            "the counts and values in each cell cover every pilot."
        )
    picture = choice(
        "Picture",
        ["Needs vs can govern", "Fit triangle"],
        default="Needs vs can govern",
        key="placement_picture",
        early=early,
    )
    if picture == "Fit triangle":
        event = chart(fit_triangle(placement), key="triangle_chart", selectable=True)
        st.caption(
            "The three fit scores (0–100) of each pilot, normalised to a triangle: a pilot near a corner fits "
            "that option best. Fits are often close to each other, which crowds the middle: the grid view "
            "is usually easier to read. Click a dot to open the pilot."
        )
    else:
        event = chart(
            placement_grid(placement, grid, currency=currency), key="placement_chart", selectable=True
        )
        st.caption(
            "Each dot is a pilot, placed by what its workflow needs (rows) and what the organisation can govern "
            "for it today (columns); dot size follows monthly value. The recommendation is the lighter of the two. "
            "Green cells are right-sized, orange cells need readiness built first, blue cells have headroom. "
            "We lead with this grid rather than the fit triangle because it shows the two facts the decision "
            "rests on. Click a dot to open the pilot."
        )
    clicked = selected_point_id(event)
    if clicked:
        go_to_pilot(clicked)

    st.subheader("From where pilots run today to where they should go")
    by_flow_value = by_value("Width of the flows", key="flow_measure", early=early)
    flows = mode_flows(table)
    chart(flow_sankey(flows, measure="monthly_value" if by_flow_value else "pilots", currency=currency))

    left, right = st.columns([2, 3])
    with left:
        st.subheader("Verdicts")
        chart(verdict_bars(verdict_counts(table), currency=currency))
    with right:
        st.subheader("What blocks the most")
        summary = blocker_summary(view.scored)
        ranked = "value" if by_value("Rank gates by", key="blocker_measure", early=early) else "pilots"
        # One chart at a time, chosen here, rather than tabs that draw both (one of them hidden).
        shown_kind = choice(
            "Show",
            list(BLOCKER_KINDS.values()),
            default=BLOCKER_KINDS["failed"],
            key="blocker_kind",
            early=early,
        )
        kind, meaning, none = (
            (
                "unknown",
                "Gates that cannot be checked because an answer is missing: a question to ask, not a "
                "blocker. The answer may clear the gate.",
                "No gate waits on a missing answer.",
            )
            if shown_kind == BLOCKER_KINDS["unknown"]
            else (
                "blocked",
                "Gates known to fail: each stops a pilot from moving to where it should be.",
                "No gate fails for the pilots in view.",
            )
        )
        st.caption(meaning)
        by = f"{ranked}_{kind}"
        top = top_blockers(summary, by)
        if top.empty:
            st.caption(f":material/check_circle: {none}")
        else:
            chart(blocker_bars(top, by=by, currency=currency), key=f"blockers_{kind}")


def show_the_tables(view, table) -> None:
    """Below the charts: the deciding questions and the pilot table."""
    decide_the_undecided(view)

    st.subheader("Pilots")
    rows, truncated = pilot_table(table, limit=TABLE_LIMIT)
    if truncated:
        st.caption(
            f":material/info: Showing the {count(TABLE_LIMIT)} most valuable of {count_phrase(len(table), 'pilot')}; "
            "narrow the filters or use the Export page for all of them."
        )
    shown = label_values(rows)  # readiness stays a sortable number; its basis is said beside it
    shown.insert(shown.columns.get_loc("readiness") + 1, "readiness_basis", readiness_basis_texts(rows))
    states = view.states.drop_duplicates("pilot_id").set_index("pilot_id")["state"]
    shown.insert(
        shown.columns.get_loc("readiness_basis") + 1,
        "decision",
        [decision_state_label(states.get(str(p))) for p in rows["pilot_id"]],
    )
    config = {**pilot_table_config(currency), "decision": text_column("decision")}
    # Selecting a row opens the pilot; an editor may switch to selecting several to decide on
    # together (a separate table key: its selection is a set of rows, not a click).
    deciding = allowed(Action.PROPOSE_DECISION) and st.toggle(
        "Select several to decide on",
        key="bulk_deciding",
        help="Select rows, then accept the recommendation for all of them.",
    )
    selection = st.dataframe(
        shown_columns(shown, config),
        column_config=config,
        hide_index=True,
        width="stretch",
        height=420,
        on_select="rerun",
        selection_mode="multi-row" if deciding else "single-row",
        key="pilot_table_bulk" if deciding else "pilot_table",
    )
    picked = [str(rows.iloc[i]["pilot_id"]) for i in selection.selection.rows]
    if not deciding:
        st.caption("Select a row to open the pilot. Click a column header to sort.")
        if picked:
            go_to_pilot(picked[0])
    else:
        st.caption(
            f"{count_phrase(len(picked), 'pilot')} selected. Select the rows to decide on together; "
            "a decision counts once someone else with the approver role signs it off."
        )
        bulk_accept(view, picked)
        if len(picked) == 1 and st.button(
            "Open the pilot", icon=":material/open_in_new:", key="open_selected"
        ):
            go_to_pilot(picked[0])


view = current_view()
st.title("Portfolio")
context_line(view)
if empty_notice(view):
    st.stop()
table = view.scored.table
currency = view.profile.currency


# A browser session's first paint: the headline and the charts, then the tables and the sidebar
# once the charts are drawn (asked for by the page script, ui.state). On that first pass the
# figures are markdown tiles (ui.widgets.figure): no metric code to fetch before they show.
paint = first_paint_pass()
early = paint == "headline"

# Headline figures as tiles that size to their text and wrap, so no label is cut short on a
# projector or a phone (issue 11); the details are in each tile's help.
figures = headline(table)
with st.container(horizontal=True, gap="medium"):
    figure("Pilots", count(figures.pilots), help="Pilots in view (after the sidebar filters)", early=early)
    figure(
        "Ready to promote",
        count(figures.ready_to_promote),
        help=f"Verdict {verdict_label('promote')}: can move up now",
        early=early,
    )
    figure(
        verdict_label("at_risk"),
        count(figures.at_risk),
        help="Run heavier than they can govern: fix controls first",
        early=early,
    )
    figure(
        "Value at stake",
        money(figures.value_at_stake, currency),
        help="Monthly value of pilots at risk, blocked (build readiness), not ready or needing data, "
        f"out of {money(figures.total_value, currency)} a month in view.",
        early=early,
    )
    decided = decision_summary(view.states)
    figure(
        decision_state_label("decided"),
        count(decided.decided),
        help="Pilots whose decision is signed off and still rests on the current verdict and "
        f"recommendation; {count(decided.to_review)} more to review because that changed.",
        early=early,
    )
    figure(
        decision_status_label("proposed"),
        count(decided.awaiting_sign_off),
        help="Pilots with a proposed decision that someone with the approver role has not signed off yet.",
        early=early,
    )
st.caption(
    "Recommended option now, share of pilots. "
    f"{option_label(NOT_READY)}: no option is governable yet — a recommendation, not the verdict "
    f"{verdict_label('not_ready')} of the Verdicts chart, which counts only the pilots no earlier "
    "verdict (such as at risk) took."
)
with st.container(horizontal=True, gap="medium"):
    for option, share in figures.option_share.items():  # keep piloting, the options, undecided
        figure(option_label(option), percent(share), early=early)

st.subheader("What to do now")
st.caption("The most valuable pilots to promote now and at risk. Select a row to open the pilot.")
for name, listed in shortlists(table).items():  # one above the other: the next step needs the width
    show_shortlist(name, listed, currency, later=paint is not None)
show_the_charts(view, table, currency, early=early)
if paint is None:
    show_the_tables(view, table)
else:  # what is still to come loads once this is on screen
    blank(BELOW_THE_FOLD)
    rest_after_paint()
