"""Export: the scored portfolio as formatted xlsx, csv, and a printable one-page summary."""

from __future__ import annotations

import functools
from datetime import UTC, datetime

import streamlit as st

from kairo_scoring import (
    APPENDIX_LIMIT,
    DECK_MIME,
    GROUPINGS,
    assessment_zip,
    count_phrase,
    cut_cells_sentence,
    export_csv,
    export_xlsx,
    field_label,
    filters_text,
    people_frame,
    plan_assessment,
    portfolio_deck,
    summary_html,
    xlsx_cut_cells,
)
from ui import loaders
from ui.sidebar import current_view
from ui.widgets import context_line

view = current_view()
st.title("Export")
context_line(view)
table = view.scored.table
rejected = loaders.load_rejected(view.store_path, view.snapshot.snapshot_id, view.snapshot.content_hash)
stem = f"kairo_{datetime.now(UTC):%Y%m%d}"
st.caption(
    f"{count_phrase(len(table), 'pilot')} as shown (after the sidebar filters"
    + (", anonymised for presentation" if view.presenting else "")
    + "). Text cells that a spreadsheet would run as a formula are written as plain text."
)
if view.presenting and len(rejected):
    rejected = rejected.iloc[0:0]  # rejected rows keep the source's own text: never in a presented export
# Where each value came from names files and respondents: never in a presented export either.
provenance = (
    None
    if view.presenting
    else loaders.load_provenance(view.store_path, view.snapshot.snapshot_id, view.snapshot.content_hash)
)


def build_report() -> str:
    """The same summary `kairo report` writes (it builds its own figures)."""
    return summary_html(
        view.scored,
        portfolio=view.portfolio,
        snapshot=view.snapshot.label,
        filters=filters_text(view.filters),
        anonymised=view.presenting,
    )


cols = st.columns(3)
with cols[0]:
    st.markdown("##### Excel workbook")
    st.caption(
        "Frozen header, filters, verdict colours, a summary sheet, rejected rows, where each value "
        "came from and the profile used."
    )
    cut = xlsx_cut_cells(
        table, view.profile, rejected=rejected if len(rejected) else None, provenance=provenance
    )
    if len(cut):
        st.warning(cut_cells_sentence(len(cut)), icon=":material/content_cut:")
    st.download_button(
        "Download xlsx",
        data=functools.partial(
            export_xlsx,
            table,
            view.profile,
            rejected=rejected if len(rejected) else None,
            provenance=provenance,
        ),
        file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/table_view:",
        type="primary",
        on_click="ignore",
        key="download_xlsx",
    )
with cols[1]:
    st.markdown("##### CSV")
    st.caption("One row per pilot, every score and decision column, UTF-8.")
    st.download_button(
        "Download csv",
        data=functools.partial(export_csv, table),
        file_name=f"{stem}.csv",
        mime="text/csv",
        icon=":material/description:",
        on_click="ignore",
        key="download_csv",
    )
with cols[2]:
    st.markdown("##### Printable summary")
    st.caption(
        "One self-contained HTML page with the charts embedded: open it and print to PDF. Works offline."
    )
    st.download_button(
        "Download summary (HTML)",
        data=build_report,
        file_name=f"{stem}_summary.html",
        mime="text/html",
        icon=":material/print:",
        on_click="ignore",
        key="download_html",
    )

# --- The slide deck: built on a click, so a deck of 10,000 pilots never slows a rerun ----------
DECK_KEY = "export_deck"  # (what the deck was built from, its bytes)


def build_deck() -> bytes:
    """The deck `kairo deck` writes, of the pilots in view (aliases when presenting)."""
    decisions = view.store.decisions(view.portfolio)
    return portfolio_deck(
        view.scored,
        portfolio=view.portfolio,
        snapshot_label=view.snapshot.label,
        questions=view.questions(),
        decisions=decisions,
        presented=view.presenting,
    )


st.subheader("Slide deck (PowerPoint)")
st.caption(
    "Native, editable PowerPoint charts and tables: the headline, where the portfolio sits, the flows, "
    "what blocks the most, one slide per verdict, the deciding questions and the decisions; the appendix "
    f"has a slide for each of the {APPENDIX_LIMIT} most valuable pilots in view"
    + (". Names and owners are their aliases." if view.presenting else ".")
)
deck_source = (
    view.snapshot.snapshot_id,
    view.snapshot.content_hash,
    view.profile.content_hash,
    filters_text(view.filters),
    view.presenting,
)
if st.button("Build the slide deck", icon=":material/slideshow:", key="build_deck"):
    with st.spinner("Building the slide deck…"):
        st.session_state[DECK_KEY] = (deck_source, build_deck())
built = st.session_state.get(DECK_KEY)
if built is not None and built[0] == deck_source:
    st.download_button(
        "Download slide deck (pptx)",
        data=built[1],
        file_name=f"{stem}_deck.pptx",
        mime=DECK_MIME,
        icon=":material/download:",
        type="primary",
        on_click="ignore",
        key="download_deck",
    )

st.subheader("Preview")
st.caption("As the workbook shows it; the csv keeps the codes.")
st.dataframe(people_frame(table.head(200), view.profile), hide_index=True, width="stretch", height=360)


# --- Assessment workbooks: the missing answers asked of each owner or unit ---------------
def build_assessment(by: str) -> bytes:
    """Every workbook of the latest snapshot and index.csv, zipped (as `kairo assessment export`)."""
    return assessment_zip(plan_assessment(view.store, view.portfolio, view.profile, by=by))


st.subheader("Assessment workbooks")
if view.presenting:
    st.caption("Hidden in presentation mode: the workbooks carry the real names and owners.")
else:
    st.caption(
        "One workbook per owner or business unit, asking the answers the latest snapshot lacks: "
        "the deciding questions first, dropdowns from the rubric, known values prefilled. "
        "Send them out; upload the filled ones on the Intake page, under Assessment returns."
    )
    by = st.radio(
        "One workbook per", GROUPINGS, format_func=field_label, horizontal=True, key="assessment_by"
    )
    st.download_button(
        "Download assessment workbooks (zip)",
        data=functools.partial(build_assessment, by),
        file_name=f"{stem}_assessment_by_{by}.zip",
        mime="application/zip",
        icon=":material/assignment:",
        on_click="ignore",
        key="download_assessment",
    )
