"""Presentation: how a computed result reads to a person. Labels (`labels`), number formats
(`formats`), colours (`palette`), plain-language explanations (`explain`), the deciding
questions' sentences and tables (`questions`), where values came from in words
(`provenance`), why a pilot gets its option (`reasons`), the plotly figures (`figures`) and
the printable HTML summary (`report`). Applied to results, never part of what is computed or
cached for scoring; nothing below this layer imports it.

Its parts load on first use (PEP 562), as the library root's do: ``from kairo_scoring.present
import count_phrase`` (what ``kairo validate`` needs) imports the formats and labels alone, not
plotly and the store, while ``__all__`` imports every part.
"""

import importlib

# The parts, in the order of `__all__`.
_PARTS = (
    "palette",
    "formats",
    "labels",
    "explain",
    "figures",
    "provenance",
    "questions",
    "report",
    "issue_groups",
    "reasons",
    "onepager",
)
# The order a name is looked for in: the light parts first, so a name from one of them never
# imports plotly (figures, and report and onepager, which draw with it) or the store (explain).
_SEARCH_ORDER = (
    "palette",
    "formats",
    "labels",
    "issue_groups",
    "questions",
    "explain",
    "provenance",
    "reasons",
    "figures",
    "report",
    "onepager",
)


def _part(name: str):
    return importlib.import_module(f"{__name__}.{name}")


def __getattr__(name: str) -> object:
    if name == "__all__":
        names = [public for part in _PARTS for public in _part(part).__all__]
        globals()["__all__"] = names
        return names
    if name.startswith("__"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    for part_name in _SEARCH_ORDER:
        part = _part(part_name)
        if name in part.__all__:
            value = getattr(part, name)
            globals()[name] = value
            return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__getattr__("__all__")})
