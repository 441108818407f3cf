"""Why a pilot is recommended what it is, in sentences built from its scored result.

"Target: API workflow pipeline, because monthly volume 38,300 is at least 2,000." ·
"What it can govern today: Shared AI workspace." · "Controls is 3; an API workflow
pipeline needs at least 4." Every sentence reads what `score()` decided — the scored row,
the demand rules as they stand (`ScoredPortfolio.demand_checks`), the demand range and the
blocker masks — and the thresholds and gates of the profile that decided it; nothing of the
model is computed here a second time. An unknown answer reads as unknown.
"""

from __future__ import annotations

from dataclasses import dataclass

from kairo_scoring.engine import MET
from kairo_scoring.present.formats import count_phrase
from kairo_scoring.present.labels import UNKNOWN, column_label, field_label, option_label, value_label
from kairo_scoring.profile import Gate
from kairo_scoring.schema import NOT_READY, OPTION_LEVEL, OPTIONS, UNDECIDED
from kairo_scoring.scoring import DemandCheck, ScoredPortfolio
from kairo_scoring.text import _in_sentence, option_phrase
from kairo_scoring.values import is_missing


@dataclass(frozen=True)
class OptionReasons:
    """Why this option, sentence by sentence: the target and the demand rule behind it, what
    the pilot can govern, how the recommendation follows from the two, and what stops the
    next heavier option (None when the recommendation is already the heaviest)."""

    target: str
    governable: str
    recommended: str
    next_option: str | None

    @property
    def sentences(self) -> tuple[str, ...]:
        return tuple(s for s in (self.target, self.governable, self.recommended, self.next_option) if s)


def option_reasons(scored: ScoredPortfolio, pilot_id: str) -> OptionReasons:
    """The reasons for one pilot of `scored` (KeyError when it is not there)."""
    row = scored.pilot(pilot_id)
    supply = int(row["supply_level"])
    target = None if is_missing(row["target"]) else str(row["target"])
    recommended = str(row["recommended"])
    # The level the recommendation surely reaches (0: keep piloting); the next option is one up.
    base = str(row["recommended_lightest"]) if recommended == UNDECIDED else recommended
    level = 0 if base == NOT_READY else OPTION_LEVEL[base]
    return OptionReasons(
        target=_target(scored, pilot_id, target),
        governable=f"{column_label('supply_level')}: {value_label('supply_level', supply)}.",
        recommended=_recommended(row, recommended, target, supply),
        next_option=None if level == len(OPTIONS) else _next_option(scored, pilot_id, level + 1, target),
    )


def _target(scored: ScoredPortfolio, pilot_id: str, target: str | None) -> str:
    checks = scored.demand_checks(pilot_id)
    if target is None:
        lightest, heaviest = scored.demand_range(pilot_id)
        unknown = list(
            dict.fromkeys(_in_sentence(field_label(c.field)) for c in checks if c.status == UNKNOWN)
        )
        sentence = (
            f"{column_label('target')} is unknown: from {option_label(lightest)} to "
            f"{option_label(heaviest)}, until {_and(unknown)} {'is' if len(unknown) == 1 else 'are'} known."
        )
        met = [_compared(c, c.minimum, None) for c in checks if c.status == "met" and c.option == lightest]
        return sentence + (
            f" It needs at least {option_phrase(OPTION_LEVEL[lightest])}: {_and(met)}." if met else ""
        )
    level = OPTION_LEVEL[target]
    # The rules of the target's level that are met, and those of the next level that are not.
    reached = {c.field: c for c in checks if c.status == "met" and OPTION_LEVEL[c.option] == level}
    below = {c.field: c for c in checks if c.status == "not met" and OPTION_LEVEL[c.option] == level + 1}
    parts = [_compared(c, c.minimum, below.pop(c.field, None)) for c in reached.values()]
    parts += [_compared(c, None, c) for c in below.values()]
    head = f"{column_label('target')}: {option_label(target)}"
    return f"{head}, because {_and(parts)}." if parts else f"{head}."


def _compared(check: DemandCheck, at_least: float | None, below: DemandCheck | None) -> str:
    """'monthly volume 450 is at least 300 but below 2,000', 'users 3 is below 8'."""
    text = f"{_in_sentence(field_label(check.field))} {value_label(check.field, check.value)} is"
    if at_least is not None:
        text += f" at least {value_label(check.field, at_least)}"
    if below is not None:
        text += f"{' but' if at_least is not None else ''} below {value_label(check.field, below.minimum)}"
    return text


def _recommended(row, recommended: str, target: str | None, supply: int) -> str:
    head = f"{column_label('recommended')}: {option_label(recommended)}"
    if recommended == UNDECIDED:
        lightest, heaviest = row["recommended_lightest"], row["recommended_heaviest"]
        return f"{head}, from {option_label(lightest)} to {option_label(heaviest)} depending on the unknown answers."
    if recommended == NOT_READY:
        return f"{head}: no option can be governed yet."
    level = OPTION_LEVEL[recommended]
    if target is not None and OPTION_LEVEL[target] == level:
        governed = "the heaviest option it can govern" if supply == level else "it can be governed"
        return f"{head}: the target, and {governed}."
    need = "the target needs more" if target is not None else "the target may need more"
    return f"{head}: the heaviest option it can govern today; {need}."


def _next_option(scored: ScoredPortfolio, pilot_id: str, level: int, target: str | None) -> str:
    """What stops the option of `level`: the workflow does not need it, or its first blocking gate."""
    option = OPTIONS[level - 1]
    if target is not None and OPTION_LEVEL[target] < level:
        return f"{option_label(option)} is not needed: the target is {option_label(target)}."
    i = scored.position(pilot_id)
    gates = scored.profile.gates
    # Governing an option takes its gates and the lighter options'; those are met up to supply.
    stopping = [j for j, g in enumerate(gates) if g.level == level and scored.gate_status[i, j] != MET]
    if not stopping:  # governable: only the unknown target leaves it open
        return f"{option_label(option)} can be governed; whether it is needed depends on the unknown target."
    first = gates[stopping[0]]
    sentence = f"{_stands(scored, i, first)}; {option_phrase(level)} needs {_requirement(first)}"
    if len(stopping) > 1:
        sentence += f" (and {count_phrase(len(stopping) - 1, 'more gate')})"
    return sentence + "."


def _stands(scored: ScoredPortfolio, i: int, gate: Gate) -> str:
    """'Controls is 3', 'Controls is unknown', 'Controls is 3 and risk level is unknown'."""
    row = scored.table.iloc[i]
    text = f"{field_label(gate.field)} is {value_label(gate.field, row[gate.field])}"
    if gate.min_risk and gate.field != "risk_level" and is_missing(row["risk_level"]):
        text += f" and {_in_sentence(field_label('risk_level'))} is {UNKNOWN}"
    return text


def _requirement(gate: Gate) -> str:
    """The gate's phrase without its field: 'at least 5 when risk is high or above'."""
    phrase, label = gate.phrase(), field_label(gate.field)
    return phrase[len(label) :].strip() if phrase.startswith(label) else phrase


def _and(parts: list[str]) -> str:
    if len(parts) < 2:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


__all__ = ["OptionReasons", "option_reasons"]
