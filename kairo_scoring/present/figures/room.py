"""Presentation mode for a finished figure: `scale_for_room` grows every font to at least
`ROOM_FONT_SIZE` (what a room reads off a 1280×720 projector) and the margins and gaps that
hold text alike, without redrawing the figure."""

from __future__ import annotations

import plotly.graph_objects as go

from kairo_scoring.present.figures.style import FONT

# The smallest text a room reads off a 1280×720 projector: presentation mode grows the body
# text of `FONT` to it, every other font in proportion and none below it.
ROOM_FONT_SIZE = 18
# Layout lengths that hold text and so grow with it: margins (outside labels), the gap under an
# axis title, the gap between sankey nodes (their labels must not overlap).
_ROOM_LENGTHS = frozenset({"l", "r", "t", "b", "pad", "standoff"})


def _room_size(size, factor: float, smallest: float):
    """A font size (or per-point sizes) times `factor`, never below `smallest`; an unset size
    inherits the body text, which is `smallest` or more."""
    if isinstance(size, list | tuple):
        return [_room_size(s, factor, smallest) for s in size]
    if not isinstance(size, int | float) or isinstance(size, bool):
        return smallest
    return round(max(size * factor, smallest), 1)


def _room_spec(node, factor: float, smallest: float):
    """A copy of a plotly spec (dicts and lists) with every font and text length scaled."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key.endswith("font") and isinstance(value, dict):
                out[key] = {**value, "size": _room_size(value.get("size"), factor, smallest)}
            elif key in _ROOM_LENGTHS and isinstance(value, int | float) and not isinstance(value, bool):
                out[key] = round(value * factor, 1)
            else:
                out[key] = _room_spec(value, factor, smallest)
        return out
    if isinstance(node, list | tuple):
        return [_room_spec(v, factor, smallest) for v in node]
    return node


def scale_for_room(fig: go.Figure, *, smallest: float = ROOM_FONT_SIZE) -> go.Figure:
    """The figure for presentation mode: every font (axes, legend, labels, annotations, hover
    text) at least `smallest` px, the body text `smallest` and the others in proportion; the
    margins, axis-title gaps and sankey node gaps grow alike so the larger text still fits,
    and the figure is taller by half as much. Returns a new figure; `fig` is unchanged."""
    spec = fig.to_plotly_json()
    layout = spec.get("layout") or {}
    body = (layout.get("font") or {}).get("size") or FONT["size"]
    factor = max(smallest / body, 1.0)
    layout = _room_spec(layout, factor, smallest)
    layout.setdefault("font", {}).setdefault("size", _room_size(body, factor, smallest))
    layout.setdefault("hoverlabel", {}).setdefault("font", {}).setdefault("size", smallest)
    if isinstance(layout.get("height"), int | float):
        layout["height"] = round(layout["height"] * (1 + (factor - 1) / 2))
    data = _room_spec(list(spec.get("data") or []), factor, smallest)
    return go.Figure(data=data, layout=layout, _validate=False)
