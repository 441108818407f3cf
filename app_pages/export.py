"""Export: the scored portfolio as formatted xlsx, csv, and a printable one-page summary."""

from __future__ import annotations

import functools
from datetime import UTC, datetime

import streamlit as st

from kairo_scoring import (
    blocker_summary,
    demand_supply_grid,
    export_csv,
    export_xlsx,
    mode_flows,
    summary_html,
    top_blockers,
    verdict_counts,
)
from ui import charts, loaders
from ui.sidebar import current_view
from ui.widgets import context_line

view = current_view()
st.title("Export")
context_line(view)
table = view.scored.table
rejected = loaders.load_rejected(view.store_path, view.snapshot.snapshot_id, view.snapshot.content_hash)
stem = f"kairo_{datetime.now(UTC):%Y%m%d}"
st.caption(
    f"{len(table):,} pilots as shown (after the sidebar filters"
    + (", anonymised for presentation" if view.presenting else "")
    + "). Text cells that a spreadsheet would run as a formula are written as plain text."
)
if view.presenting and len(rejected):
    rejected = rejected.iloc[0:0]  # rejected rows keep the source's own text: never in a presented export


def build_report() -> str:
    scored = view.scored
    figures = [
        (
            "Where the portfolio sits: what it needs vs what it can govern",
            charts.grid_heatmap(demand_supply_grid(scored.table)),
        ),
        ("From where pilots run today to where they should go", charts.flow_sankey(mode_flows(scored.table))),
        ("Verdicts", charts.verdict_bars(verdict_counts(scored.table))),
        ("What blocks the most pilots", charts.blocker_bars(top_blockers(blocker_summary(scored)))),
    ]
    return summary_html(
        scored,
        figures=figures,
        portfolio=view.portfolio,
        snapshot=view.snapshot.label,
        filters=view.filters.describe(),
        anonymised=view.presenting,
    )


cols = st.columns(3)
with cols[0]:
    st.markdown("##### Excel workbook")
    st.caption(
        "Frozen header, filters, verdict colours, a summary sheet, rejected rows and the profile used."
    )
    st.download_button(
        "Download xlsx",
        data=functools.partial(
            export_xlsx, table, view.profile, rejected=rejected if len(rejected) else None
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
st.subheader("Preview")
st.dataframe(table.head(200), hide_index=True, width="stretch", height=360)
