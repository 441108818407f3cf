"""Plain-language text for blockers, next steps and missing data, built once per distinct case.

Pilots that share a situation share a sentence, so the engine packs each pilot's
situation into an integer key, factorises the keys and writes one sentence per
distinct key: text for a million pilots costs a few hundred sentences.

Next steps are read by people, so they name options, fields and gates by their labels
(`schema`'s vocabulary, the same words `present.labels` shows). The blockers and
missing_fields columns keep the compact codes (the csv keeps codes); the xlsx and the pages
put them in words.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kairo_scoring.profile import Gate, Profile
from kairo_scoring.schema import CANONICAL_COLUMNS, FIELD_BY_NAME, OPTION_LABELS, OPTIONS, VERDICTS


def _in_sentence(label: str) -> str:
    """A label inside a sentence: 'Shared AI workspace' → 'shared AI workspace' (acronyms kept)."""
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]


def option_phrase(level: int) -> str:
    """Level 1..3 → 'an assisted desktop workflow' style phrase (the option's label); 0 → 'nothing yet'."""
    if level == 0:
        return "nothing yet"
    label = _in_sentence(OPTION_LABELS[OPTIONS[level - 1]])
    return f"{'an' if label[:1].lower() in 'aeiou' else 'a'} {label}"


def gate_phrase(gate: Gate, unknown: bool) -> str:
    return f"{gate.describe()} (unknown)" if unknown else gate.describe()


def categorical_from_keys(keys: np.ndarray, render) -> pd.Categorical:
    """Map integer keys to text through `render(key)`, called once per distinct key."""
    codes, uniques = pd.factorize(keys, sort=False)
    categories = [render(int(k)) for k in uniques]
    # Different keys can render to the same text: merge them so categories stay unique.
    distinct = list(dict.fromkeys(categories))
    position = {text: i for i, text in enumerate(distinct)}
    remap = np.array([position[t] for t in categories], dtype=np.int32)
    return pd.Categorical.from_codes(remap[codes] if len(codes) else codes, categories=distinct)


def blocker_column(failed: np.ndarray, unknown: np.ndarray, profile: Profile) -> pd.Categorical:
    """The blockers text per pilot from gate-major (gates, pilots) failed/unknown flags.

    'shared_workspace: controls ≥ 3, ownership ≥ 3 (unknown); api_pipeline: …', '' when nothing blocks.
    Each option's part is factorised and rendered on its own, then the parts are combined,
    so rendering costs one sentence per distinct situation, not per pilot.
    """
    n = failed.shape[1]
    combined = np.zeros(n, np.int64)
    parts_by_option, radices = [], []
    radix = 1
    for option in OPTIONS:
        members = [j for j, g in enumerate(profile.gates) if g.option == option]
        key = np.zeros(n, np.int32)
        for k, j in enumerate(members):
            key |= failed[j].astype(np.int32) << (2 * k) | unknown[j].astype(np.int32) << (2 * k + 1)
        codes, uniques = _small_factorize(key)
        phrases = [
            (gate_phrase(profile.gates[j], False), gate_phrase(profile.gates[j], True)) for j in members
        ]
        parts_by_option.append(
            np.array([_option_part(option, phrases, int(u)) for u in uniques] or [""], object)
        )
        combined += codes.astype(np.int64) * radix
        radices.append(radix)
        radix *= max(len(uniques), 1)

    codes, uniques = pd.factorize(combined, sort=False)
    # Decode every distinct combination at once, then join its non-empty option parts.
    pieces = [parts[(uniques // r) % len(parts)] for parts, r in zip(parts_by_option, radices, strict=True)]
    texts = ["; ".join(filter(None, combo)) for combo in zip(*pieces, strict=True)]
    return (
        pd.Categorical.from_codes(codes, categories=texts)
        if texts
        else pd.Categorical.from_codes(codes, [""])
    )


def _small_factorize(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """pd.factorize for small non-negative ints, by counting: several times faster at this size."""
    present = np.flatnonzero(np.bincount(key, minlength=1))
    position = np.zeros(present[-1] + 1 if present.size else 1, np.int32)
    position[present] = np.arange(present.size, dtype=np.int32)
    return position[key], present


def _option_part(option: str, phrases: list[tuple[str, str]], key: int) -> str:
    """`phrases[k]` is (failed text, unknown text) of the option's k-th gate; key holds 2 bits a gate."""
    listed = [pair[key >> (2 * k + 1) & 1] for k, pair in enumerate(phrases) if key >> (2 * k) & 3]
    return f"{option}: {', '.join(listed)}" if listed else ""


def fields_text(mask: int) -> str:
    """The fields of a bit mask as codes, for the missing_fields column."""
    return ", ".join(name for i, name in enumerate(CANONICAL_COLUMNS) if mask >> i & 1)


def fields_words(mask: int) -> str:
    """The fields of a bit mask by their labels, for a sentence: 'process maturity and users'."""
    names = [_in_sentence(FIELD_BY_NAME[n].label) for i, n in enumerate(CANONICAL_COLUMNS) if mask >> i & 1]
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


# Layout of a next-step key, low bits first.
_NEXT_LAYOUT = (
    ("verdict", 3),
    ("current", 3),
    ("target", 2),
    ("supply", 2),
    ("recommended", 3),
    ("open", 1),
    ("gate", 6),
    ("more", 6),
    ("missing", 20),
)


def pack_next_step(**parts: np.ndarray) -> np.ndarray:
    key = np.zeros(len(parts["verdict"]), np.int64)
    shift = 0
    for name, bits in _NEXT_LAYOUT:
        key |= (parts[name].astype(np.int64) & ((1 << bits) - 1)) << shift
        shift += bits
    return key


def _unpack_next_step(key: int) -> dict[str, int]:
    out, shift = {}, 0
    for name, bits in _NEXT_LAYOUT:
        out[name] = key >> shift & ((1 << bits) - 1)
        shift += bits
    return out


def next_step_text(key: int, profile: Profile) -> str:
    """One sentence a PMO can act on.

    current is stored +1 (0 = unknown); recommended is stored +1 as its lowest possible
    level, with `open` set when unknown demand leaves it undecided.
    """
    k = _unpack_next_step(key)
    verdict = VERDICTS[k["verdict"]]
    current = k["current"] - 1
    target, supply, recommended = k["target"], k["supply"], k["recommended"] - 1
    gate = profile.gates[k["gate"] - 1] if k["gate"] else None
    blocking = _in_sentence(gate.phrase()) if gate else ""
    if gate and k["more"]:
        blocking += f" (and {k['more']} more gate{'s' if k['more'] > 1 else ''})"
    if verdict == "needs_data":
        return f"Fill in {fields_words(k['missing'])}: the decision depends on them."
    if verdict == "at_risk":
        if not supply:
            return f"Runs as {option_phrase(current)} but cannot govern any option yet: meet {blocking} first, or pause it."
        return (
            f"Runs as {option_phrase(current)} but can govern only {option_phrase(supply)}: "
            f"meet {blocking} first, or step back to {option_phrase(supply)}."
        )
    if verdict == "not_ready":
        return f"Keep piloting: to run even as an assisted desktop workflow it needs {blocking}."
    if verdict == "simplify":
        return f"Runs heavier than it needs: move from {option_phrase(current)} to {option_phrase(target)}."
    if verdict == "promote" and k["open"]:
        return f"Move up now, at least to {option_phrase(recommended)}; fill in {fields_words(k['missing'])} to decide how far."
    if verdict == "promote":
        sentence = f"Move to {option_phrase(recommended)} now."
        if target > recommended and blocking:
            sentence += f" To reach {option_phrase(target)} later it needs {blocking}."
        return sentence
    if verdict == "build_readiness":
        return f"Stay on {option_phrase(recommended)}; to reach {option_phrase(target)} it needs {blocking}."
    return f"Right-sized as {option_phrase(recommended)}: keep running it and monitor."


def option_names(levels: np.ndarray, *, zero: str | None) -> pd.Categorical:
    """Levels → option names as a Categorical; -1 (unknown) → missing; 0 → `zero` (or missing)."""
    names = ([zero] if zero else []) + list(OPTIONS)
    codes = levels.astype(np.int16) - (0 if zero else 1)
    codes[levels < (0 if zero else 1)] = -1
    return pd.Categorical.from_codes(codes, categories=names)
