"""The Intake page's validation report: the counts by severity, the problems grouped by column
and value (each group opens to its cells), every problem one row each to look through and
download, what the codes mean, and the rejected rows to download. The library groups
(`issue_groups`) and words (`issue_group_sentences`) them; this only shows them."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kairo_scoring import (
    IntakeResult,
    Severity,
    column_label,
    count_phrase,
    export_csv,
    issue_group_sentences,
    issue_groups,
)
from ui.tables import ISSUE_CONFIG, table_height
from ui.text import download_stem, md_escape

# Groups shown one expander each (largest first); the rest are listed in one table, and
# every problem is in the full list below them.
GROUPS_SHOWN = 25
SEVERITY_ICONS = {
    Severity.ERROR.value: ":material/error:",
    Severity.WARNING.value: ":material/warning:",
    Severity.INFO.value: ":material/info:",
}
REPORT_CONFIG = {
    **ISSUE_CONFIG,
    "code": st.column_config.TextColumn(
        "Code", help="What kind of problem; 'What the codes mean' explains each"
    ),
}


def validation_report(result: IntakeResult, source_name: str) -> None:
    """The report of one read: nothing in the flat list is left out of the groups or the download."""
    st.subheader("Validation report")
    issues = result.issues
    by_severity = result.counts_by_severity
    cols = st.columns(3)
    cols[0].metric("Errors (row rejected)", by_severity[Severity.ERROR])
    cols[1].metric("Warnings (value set to unknown)", by_severity[Severity.WARNING])
    cols[2].metric("Notes", by_severity[Severity.INFO])
    if issues.empty:
        st.success("No problem found.", icon=":material/check_circle:")
    else:
        _grouped(result)
        with st.expander(f"The full list: {count_phrase(len(issues), 'problem')}, one row each"):
            st.dataframe(
                issues,
                column_config=REPORT_CONFIG,
                hide_index=True,
                width="stretch",
                height=320,
                key="issues_table",
            )
        st.download_button(
            f"Download the full list of {count_phrase(len(issues), 'problem')} (csv)",
            data=export_csv(issues),
            file_name=f"problems_{download_stem(source_name)}.csv",
            mime="text/csv",
            icon=":material/download:",
            on_click="ignore",
        )
        with st.expander("What the codes mean"):
            st.dataframe(
                result.code_summary(),
                hide_index=True,
                width="stretch",
                column_config={
                    "meaning": st.column_config.TextColumn("What it means, what to do", width="large")
                },
            )
    if len(result.rejected):
        st.download_button(
            f"Download the {count_phrase(len(result.rejected), 'rejected row')} (csv)",
            data=export_csv(result.rejected),
            file_name=f"rejected_{download_stem(source_name)}.csv",
            mime="text/csv",
            icon=":material/download:",
            on_click="ignore",
        )


def _grouped(result: IntakeResult) -> None:
    """One expander per group, errors first and the most rows first, each opening to its
    cells (row as the source counts it, column header, value) and what to do about them."""
    grouped = issue_groups(result.issues, result.column_mapping)
    groups = grouped.groups
    sentences = issue_group_sentences(groups)
    codes = result.code_summary()
    meanings = dict(zip(codes["code"], codes["meaning"], strict=True))
    st.caption(
        f"{count_phrase(len(result.issues), 'problem')} in {count_phrase(len(groups), 'group')}: the same "
        "problem with the same value in one column is one group. Open a group for its cells."
    )
    several_sheets = result.issues["sheet"].nunique() > 1
    for group, sentence in zip(groups.head(GROUPS_SHOWN).itertuples(), sentences, strict=False):
        with st.expander(md_escape(sentence), icon=SEVERITY_ICONS.get(group.severity)):
            if group.code in meanings:
                st.caption(md_escape(meanings[group.code]))
            cells = grouped.cells_of(group.group)
            shown = ["sheet"] if several_sheets else []
            shown += ["row", "column", "value"] + (["reason"] if group.reasons > 1 else [])
            st.dataframe(
                cells[shown],
                column_config=ISSUE_CONFIG,
                hide_index=True,
                width="stretch",
                height=table_height(len(cells), limit=320),
                key=f"issue_group::{group.group}",
            )
    if len(groups) > GROUPS_SHOWN:
        rest = groups.iloc[GROUPS_SHOWN:]
        with st.expander(
            f"{count_phrase(len(rest), 'more group')} ({count_phrase(int(rest['rows'].sum()), 'problem')}): "
            "each in the full list below"
        ):
            st.dataframe(
                pd.DataFrame({"reason": sentences.iloc[GROUPS_SHOWN:], "rows": rest["rows"]}),
                hide_index=True,
                width="stretch",
                column_config={
                    "reason": st.column_config.TextColumn(column_label("reason"), width="large"),
                    "rows": st.column_config.NumberColumn(column_label("rows"), format="%d"),
                },
                key="issue_groups_rest",
            )
