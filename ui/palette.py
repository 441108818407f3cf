"""One palette for every chart and table: a verdict or an option has the same colour everywhere.

The colours come from the library (the xlsx export uses them too): Okabe-Ito hues that
stay distinguishable for colour-blind readers.
"""

from __future__ import annotations

from kairo_scoring import OPTION_COLOURS, OPTION_LABELS, VERDICT_COLOURS, VERDICT_LABELS, VERDICTS

UNKNOWN_COLOUR = "#D9D9D9"
INK = "#1F2A37"
MUTED = "#6B7280"
GRID = "#E5E7EB"
ACCENT = "#0F4C81"
SEQUENTIAL = ("#F3F6FA", "#C9DAEE", "#8FB3DA", "#4F86C0", "#0F4C81")  # counts, light → dark

VERDICT_COLOUR: dict[str, str] = dict(VERDICT_COLOURS)
OPTION_COLOUR: dict[str, str] = {
    **OPTION_COLOURS,
    "undecided": UNKNOWN_COLOUR,
    "unknown": UNKNOWN_COLOUR,
}
STATUS_COLOUR: dict[str, str] = {
    "met": "#009E73",
    "not met": "#D55E00",
    "unknown": "#E69F00",
    "not applicable": "#BBBBBB",
}
MOVEMENT_COLOUR: dict[str, str] = {
    "promoted": "#009E73",
    "slipped": "#D55E00",
    "added": "#56B4E9",
    "removed": "#999999",
    "unchanged": "#BBBBBB",
    "undecided": UNKNOWN_COLOUR,
}

OPTION_SHORT: dict[str, str] = {
    "none": "None (pilot)",
    "not_ready": "Not ready",
    "assisted_desktop": "Assisted desktop",
    "shared_workspace": "Shared workspace",
    "api_pipeline": "API pipeline",
    "undecided": "Undecided",
    "unknown": "Unknown",
}
SUPPLY_LABELS: tuple[str, ...] = ("Nothing yet", "Assisted desktop", "Shared workspace", "API pipeline")
DEMAND_LABELS: tuple[str, ...] = ("Unknown", "Assisted desktop", "Shared workspace", "API pipeline")


def verdict_label(verdict: str) -> str:
    return VERDICT_LABELS.get(verdict, verdict)


def option_label(option: str | None) -> str:
    if option is None:
        return "Undecided"
    return OPTION_SHORT.get(option, OPTION_LABELS.get(option, option))


__all__ = [
    "ACCENT",
    "DEMAND_LABELS",
    "GRID",
    "INK",
    "MOVEMENT_COLOUR",
    "MUTED",
    "OPTION_COLOUR",
    "SEQUENTIAL",
    "STATUS_COLOUR",
    "SUPPLY_LABELS",
    "UNKNOWN_COLOUR",
    "VERDICTS",
    "VERDICT_COLOUR",
    "option_label",
    "verdict_label",
]
