"""Number formatting shared by charts, tables and captions (no Streamlit)."""

from __future__ import annotations


def money(value: float | None, *, compact: bool = True) -> str:
    """1234567 → '1.23M' (compact) or '1,234,567'."""
    if value is None or value != value:
        return "—"
    if not compact:
        return f"{value:,.0f}"
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return (
                f"{value / size:,.2f}{suffix}" if abs(value) < 10 * size else f"{value / size:,.1f}{suffix}"
            )
    return f"{value:,.0f}"
