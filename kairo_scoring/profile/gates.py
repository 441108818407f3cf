"""The gates of a scoring profile: ``Gate`` (one condition an option needs, ``field op value``,
optionally only from a risk level up; described compactly and in words), the comparisons
each field allows (``GATE_OPS``: monotone, so a better answer never hurts), how many gates a
profile may have (``MAX_GATES``), and ``_parse_gate``, which reads one ``[[gates]]`` table."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from kairo_scoring.errors import ProfileError
from kairo_scoring.profile.checks import _check_keys, _choice
from kairo_scoring.schema import FIELD_BY_NAME, OPTION_LEVEL, OPTIONS, RISK_LEVELS, SCORE_FIELDS

# A gate must be monotone so that raising a 1-5 field or lowering risk never hurts:
# 1-5 fields take "at least" comparisons, risk_level takes "at most".
GATE_OPS: dict[str, tuple[str, ...]] = {**{f: (">=", ">") for f in SCORE_FIELDS}, "risk_level": ("<=", "<")}
MAX_GATES = 31  # gate sets are packed in bit masks for vectorised blocker text
OP_SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}
OP_WORDS = {">=": "at least", ">": "above", "<=": "at most", "<": "below"}
GATE_KEYS: tuple[str, ...] = ("option", "field", "op", "value", "min_risk")


@dataclass(frozen=True)
class Gate:
    """One condition an option needs: `field op value`, optionally only from `min_risk` up."""

    option: str
    field: str
    op: str
    value: float | str
    min_risk: str | None = None

    @property
    def level(self) -> int:
        return OPTION_LEVEL[self.option]

    @property
    def threshold(self) -> float:
        """The value as a number (risk levels as their rank 0..3)."""
        if self.field == "risk_level":
            return float(RISK_LEVELS.index(str(self.value)))
        return float(self.value)

    @functools.cache  # noqa: B019 - gates are few, frozen and live as long as their profile
    def describe(self) -> str:
        """Plain text such as 'controls ≥ 5 when risk ≥ high'."""
        value = self.value if isinstance(self.value, str) else f"{self.value:g}"
        text = f"{self.field} {OP_SYMBOLS[self.op]} {value}"
        if self.min_risk:
            text += (
                " when risk is critical" if self.min_risk == "critical" else f" when risk ≥ {self.min_risk}"
            )
        return text

    @functools.cache  # noqa: B019 - as describe()
    def phrase(self) -> str:
        """The gate in words, as people read it: 'Controls at least 5 when risk is high or above'.

        `describe()` is the compact rule ('controls ≥ 5 when risk ≥ high') that the csv's
        blockers column and the checklists' `rule` keep; pages, sentences and reports use this.
        """
        value = self.value if isinstance(self.value, str) else f"{self.value:g}"
        text = f"{FIELD_BY_NAME[self.field].label} {OP_WORDS[self.op]} {value}"
        if self.min_risk:
            text += (
                " when risk is critical"
                if self.min_risk == "critical"
                else f" when risk is {self.min_risk} or above"
            )
        return text

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"option": self.option, "field": self.field, "op": self.op, "value": self.value}
        if self.min_risk:
            out["min_risk"] = self.min_risk
        return out


def _parse_gate(raw: Any, index: int) -> Gate:
    path = f"gates[{index}]"
    if not isinstance(raw, dict):
        raise ProfileError(path, "must be a table with option, field, op and value")
    _check_keys(raw, GATE_KEYS, f"[[gates]] #{index + 1}", path)
    option, field_name, op = raw.get("option"), raw.get("field"), raw.get("op", ">=")
    if not _choice(option, OPTIONS):
        raise ProfileError(f"{path}.option", f"{option!r} is not one of {', '.join(OPTIONS)}")
    if not _choice(field_name, tuple(GATE_OPS)):
        raise ProfileError(f"{path}.field", f"{field_name!r} is not a 1-5 field or risk_level")
    if not _choice(op, GATE_OPS[field_name]):
        raise ProfileError(
            f"{path}.op", f"{op!r} is not allowed for {field_name}; use {' or '.join(GATE_OPS[field_name])}"
        )
    if "value" not in raw:
        raise ProfileError(f"{path}.value", "is missing")
    value = raw["value"]
    if field_name == "risk_level":
        if not _choice(value, RISK_LEVELS):
            raise ProfileError(f"{path}.value", f"{value!r} is not one of {', '.join(RISK_LEVELS)}")
    elif isinstance(value, bool) or not isinstance(value, int | float) or not 1 <= value <= 5:
        raise ProfileError(f"{path}.value", f"must be a number from 1 to 5, got {value!r}")
    min_risk = raw.get("min_risk")
    if min_risk is not None and not _choice(min_risk, RISK_LEVELS):
        raise ProfileError(f"{path}.min_risk", f"{min_risk!r} is not one of {', '.join(RISK_LEVELS)}")
    return Gate(option, field_name, op, value, min_risk)
