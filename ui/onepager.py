"""The Pilot page's "One-pager (HTML)" download: one pilot on a printable page, built only when
the button is clicked (a callable download), as presented (aliases in presentation mode)."""

from __future__ import annotations

import functools

import streamlit as st

from kairo_scoring import pilot_onepager_html
from ui import loaders


def onepager_html(view, pilot_id: str) -> str:
    """The one-pager of `pilot_id` as the page shows it: the table in view (anonymised when
    presenting), where its answers came from and the portfolio's decisions."""
    snapshot = view.snapshot
    provenance = loaders.load_provenance(view.store_path, snapshot.snapshot_id, snapshot.content_hash)
    decisions = view.store.decisions(view.portfolio)  # each store read runs on its own cursor
    return pilot_onepager_html(
        view.scored,
        pilot_id,
        portfolio=view.portfolio,
        snapshot=snapshot.label,
        provenance=provenance,
        decisions=decisions,
        anonymised=view.presenting,
    )


def onepager_button(view, pilot_id: str) -> None:
    """The download button of one pilot's one-pager (built on click, never on a rerun)."""
    st.download_button(
        "One-pager (HTML)",
        data=functools.partial(onepager_html, view, pilot_id),
        file_name=f"kairo_pilot_{pilot_id}.html",
        mime="text/html",
        icon=":material/print:",
        help="One printable page: scorecard, gates, promotion path, next step, where its answers "
        "came from and the decision. Open it and print to PDF; works offline.",
        on_click="ignore",
        key="download_onepager",
    )
