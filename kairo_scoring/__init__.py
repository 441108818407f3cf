"""Kairo Portfolio Triage: readiness scoring and triage for a portfolio of AI pilots.

The library knows nothing of the UI: it takes and returns DataFrames and small frozen
dataclasses. Pages, exports and the CLI import from here, not from inner modules.

This is the one public face, built from each part's own `__all__` (lowest layer first:
see docs/architecture.md). To export a new name, add it to the `__all__` of the module or
subpackage that defines it, and its part to `_PARTS` below if it is a new one;
tests/test_library_boundary.py checks that it exists and that something outside its own
module uses it.

The face is loaded on first use (PEP 562): ``import kairo_scoring.intake`` (what ``kairo
validate`` needs) imports the intake alone, not the store, exports and figures, while the
first public name read from the root (``from kairo_scoring import score``, ``PARTS``,
``__all__``) imports every part at once, as a plain import of the package used to.
"""

import importlib
import importlib.util

# The parts whose `__all__` make up the public face, lowest layer first.
_PARTS = (
    "values",
    "errors",
    "schema",
    "access",
    "provenance",
    "intake",
    "store",
    "profile",
    "scoring",
    "decisions",
    "questions",
    "synthetic",
    "views",
    "present",
    "exports",
    "deck",
    "assessment",
)


def _load_face() -> None:
    """Import every part and bind its public names here, as ``from part import *`` does."""
    parts = tuple(importlib.import_module(f"{__name__}.{part}") for part in _PARTS)
    names = globals()
    for part in parts:
        names.update((name, getattr(part, name)) for name in part.__all__)
    names["__all__"] = [name for part in parts for name in part.__all__]
    names["PARTS"] = parts


def __getattr__(name: str) -> object:
    if name.startswith("__") and name != "__all__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if importlib.util.find_spec(f"{__name__}.{name}") is not None:  # a part: `kairo_scoring.intake`
        return importlib.import_module(f"{__name__}.{name}")
    _load_face()
    try:
        return globals()[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None


def __dir__() -> list[str]:
    _load_face()
    return sorted(globals())
