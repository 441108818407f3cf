"""The key-by-key checks every table of a scoring profile passes while it is read: unknown
keys refused by name with a close match (``_check_keys``), finite numbers in range
(``_number``, up to ``NUMBER_MAX``), a table that must be there (``_table``) and a text that
must be one of a few (``_choice``). Each failure is a ``ProfileError`` naming the key."""

from __future__ import annotations

import difflib
import math
from typing import Any

from kairo_scoring.errors import ProfileError

# The largest number a profile holds by default: demand thresholds are counts a month, and
# a trillion is already "never" (the other ranges are in ``core``).
NUMBER_MAX = 1e12


def _check_keys(
    data: dict[str, Any],
    allowed: tuple[str, ...],
    table: str = "",
    path: str = "",
    *,
    what: str = "a profile key",
    listed: str = "allowed keys",
) -> None:
    """Refuse a key of ``table`` outside ``allowed``, naming it, the allowed keys and a close match.

    ``table`` is the table as the user writes it ("[demand]"); ``path`` prefixes the key
    in the error ("demand"), both empty for the top level; ``what`` names what a key is and
    ``listed`` what the allowed ones are ("a level", "levels" for a rubric's levels).
    """
    unknown = [str(key) for key in data if key not in allowed]
    if not unknown:
        return
    key = unknown[0]  # the first in document order: the one the user meets first
    where = f"in {table}" if table else "at the top level"
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    path = f"{path}.{key}" if path else key
    raise ProfileError(path, f"is not {what} {where}; {listed}: {', '.join(allowed) or 'none'}{hint}")


def _number(
    data: dict[str, Any], key: str, path: str, *, minimum: float = 0.0, maximum: float = NUMBER_MAX
) -> float:
    """A finite number from ``minimum`` to ``maximum`` (ints of any size are compared before conversion)."""
    name = f"{path}.{key}" if path else key
    if key not in data:
        raise ProfileError(name, "is missing")
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProfileError(name, f"must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ProfileError(name, f"must be a finite number, got {value!r}")
    if not minimum <= value <= maximum:
        raise ProfileError(name, f"must be from {minimum:g} to {maximum:g}, got {value!r}")
    return float(value)


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise ProfileError(key, "is missing" if value is None else "must be a table")
    return value


def _choice(value: Any, allowed: tuple[str, ...]) -> bool:
    return isinstance(value, str) and value in allowed
