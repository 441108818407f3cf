"""One palette for every chart, table, workbook and report: a verdict or an option has the
same colour everywhere. Okabe-Ito hues, which stay distinguishable for colour-blind readers."""

from __future__ import annotations

UNKNOWN_COLOUR = "#D9D9D9"
INK = "#1F2A37"
MUTED = "#6B7280"
GRID = "#E5E7EB"
SEQUENTIAL = ("#F3F6FA", "#C9DAEE", "#8FB3DA", "#4F86C0", "#0F4C81")  # counts, light → dark

VERDICT_COLOURS: dict[str, str] = {
    "at_risk": "#D55E00",
    "not_ready": "#999999",
    "simplify": "#CC79A7",
    "promote": "#009E73",
    "build_readiness": "#E69F00",
    "hold": "#0072B2",
    "needs_data": "#56B4E9",
}
OPTION_COLOURS: dict[str, str] = {
    "none": "#BBBBBB",
    "not_ready": "#999999",
    "assisted_desktop": "#56B4E9",
    "shared_workspace": "#E69F00",
    "api_pipeline": "#0072B2",
    "undecided": UNKNOWN_COLOUR,
    "unknown": UNKNOWN_COLOUR,
}
# Keyed by gate status code (scoring's gate checklist).
STATUS_COLOURS: dict[str, str] = {
    "met": "#009E73",
    "not met": "#D55E00",
    "unknown": "#E69F00",
    "not applicable": "#BBBBBB",
}
# Streamlit badge colours of each verdict (st.badge takes a named colour, not a hex).
VERDICT_BADGES: dict[str, str] = {
    "at_risk": "red",
    "not_ready": "gray",
    "simplify": "violet",
    "promote": "green",
    "build_readiness": "orange",
    "hold": "blue",
    "needs_data": "gray",
}

# Where known values came from (`ProvenanceKind`): the register greyish, answers in colour.
PROVENANCE_COLOURS: dict[str, str] = {
    "register": "#8FB3DA",
    "derived": "#C4B5FD",
    "assessment": "#0F4C81",
    "app": "#2E7D32",
}

__all__ = [
    "GRID",
    "INK",
    "MUTED",
    "OPTION_COLOURS",
    "PROVENANCE_COLOURS",
    "SEQUENTIAL",
    "STATUS_COLOURS",
    "VERDICT_BADGES",
    "VERDICT_COLOURS",
]
