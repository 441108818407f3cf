"""Derived fields: canonical values computed from one or more source columns, as the
profile's ``[[derived]]`` entries say, and pilot IDs derived from content."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kairo_scoring.intake.codes import IssueCode, Severity
from kairo_scoring.intake.mapping import Derivation, MappingProfile
from kairo_scoring.intake.normalize import (
    FINE,
    NOT_APPLICABLE,
    Outcome,
    Parsed,
    as_text,
    comparison_keys,
    lookup_value_map,
    normalize_key,
    parse_by_unique,
    parse_enum,
    parse_yes_no,
    unreadable,
)
from kairo_scoring.schema import FIELD_BY_NAME

# IDs people type while an ID is not assigned yet: treated as missing, so one is derived.
PLACEHOLDER_IDS = frozenset({"tbd", "tbc", "n/a", "na", "none", "new", "unknown", "?", "-", "--", "x", "0"})
DERIVED_ID_PREFIX = "D-"
PLACEHOLDER_MAX_LENGTH = max(map(len, PLACEHOLDER_IDS))
PLACEHOLDER_REASON = "a placeholder, not an ID: an ID was derived from name and unit"


@dataclass(frozen=True)
class Derived:
    """A derived column and the problems found in its inputs (input name → parsed input)."""

    values: pd.Series
    input_problems: Mapping[str, Parsed]


def derive(derivation: Derivation, inputs: Mapping[str, pd.Series], profile: MappingProfile) -> Derived:
    """Compute one derived field from the source columns of its (resolved) inputs."""
    if derivation.kind == "join":
        return Derived(join_texts([as_text(inputs[name]) for name in inputs], derivation.separator), {})
    if derivation.kind == "qualified_id":
        namespace, local = derivation.inputs
        if local not in inputs:  # no local ID column: every ID will be derived from content
            return Derived(pd.Series(pd.NA, index=next(iter(inputs.values())).index, dtype="string"), {})
        ids, placeholders = qualify_ids(inputs.get(namespace), inputs[local], derivation.separator)
        return Derived(ids, {local: placeholders})
    if derivation.kind == "map":
        return _mapped(derivation, inputs, profile)
    if derivation.kind == "ladder":
        return _ladder(derivation, inputs, profile.values[derivation.values])
    return _practice_score(derivation, inputs, profile.values[derivation.values])


def join_texts(parts: Sequence[pd.Series], separator: str) -> pd.Series:
    """Row-wise join of the non-missing parts ("SEC" + "OIT" → "SEC / OIT"; "SEC" alone → "SEC")."""
    joined = parts[0]
    for part in parts[1:]:
        both = joined.notna() & part.notna()
        joined = joined.where(~both, joined + separator + part).fillna(part)
    return joined.astype("string")


def blank_placeholder_ids(ids: pd.Series) -> tuple[pd.Series, pd.Series]:
    """IDs with placeholders ("TBD", "n/a") made missing, and the mask of those placeholders."""
    stripped = ids.str.strip()
    # Only short IDs can be placeholders: casefolding a million long IDs would copy them all.
    short = stripped[stripped.str.len().le(PLACEHOLDER_MAX_LENGTH).fillna(False).astype(bool)]
    found = short.str.casefold().isin(PLACEHOLDER_IDS).fillna(False).astype(bool)
    placeholder = found.reindex(ids.index, fill_value=False).astype(bool)
    return ids.mask(placeholder), placeholder


def qualify_ids(
    namespace_raw: pd.Series | None, local_raw: pd.Series, separator: str
) -> tuple[pd.Series, Parsed]:
    """Local IDs made unique across namespaces ("34" in EPA → "EPA-34"; "DOJ-0357" stays),
    and the placeholders found among them (reported as info: an ID will be derived)."""
    local, placeholder = blank_placeholder_ids(as_text(local_raw))
    placeholders = Parsed(
        values=local,
        reasons=pd.Series(np.where(placeholder, PLACEHOLDER_REASON, None), index=local.index),
        severity=pd.Series(np.where(placeholder, Severity.INFO, None), index=local.index),
        codes=pd.Series(np.where(placeholder, IssueCode.PLACEHOLDER_ID, None), index=local.index),
    )
    if namespace_raw is None:
        return local, placeholders
    namespace = as_text(namespace_raw)
    qualified = local.copy()
    # One vectorised pass per namespace (a few dozen agencies), not per row.
    for name in namespace.dropna().unique():
        rows = namespace.eq(name).fillna(False).astype(bool) & local.notna()
        prefixed = local[rows].str.casefold().str.startswith(str(name).casefold())
        qualified[rows] = local[rows].where(prefixed, str(name) + separator + local[rows])
    return qualified.astype("string"), placeholders


def _mapped(derivation: Derivation, inputs: Mapping[str, pd.Series], profile: MappingProfile) -> Derived:
    (source_name,) = derivation.inputs[:1]
    spec = FIELD_BY_NAME[derivation.field]
    parsed = parse_enum(inputs[source_name], spec.allowed, profile.values[derivation.values], spec.label)
    # An input that is itself a canonical field has already been checked and reported.
    problems = {} if source_name in FIELD_BY_NAME else {source_name: parsed}
    return Derived(parsed.values, problems)


def practice_credits(raw: pd.Series, credits: Mapping[str, object], field_label: str) -> Parsed:
    """An answer's credit toward a practice score: the map's number, else yes → 1 and no → 0;
    "" in the map or "n/a" leaves the answer out; anything else is left out with a warning."""

    def one(value: object) -> Outcome:
        key = normalize_key(value)
        found, credit = lookup_value_map(key, credits)
        if found:
            return (None if credit == "" else float(credit), *FINE)  # type: ignore[arg-type]
        answer = parse_yes_no(value)
        if answer is not None:
            return float(answer), *FINE
        if key in NOT_APPLICABLE:
            return None, *FINE
        return unreadable(
            f"not a recognised answer; left out of {field_label.lower()}", IssueCode.UNKNOWN_ANSWER
        )

    return parse_by_unique(raw, one)


def _practice_score(
    derivation: Derivation, inputs: Mapping[str, pd.Series], credits: Mapping[str, object]
) -> Derived:
    label = FIELD_BY_NAME[derivation.field].label
    parsed = {name: practice_credits(column, credits, label) for name, column in inputs.items()}
    table = pd.DataFrame({name: pd.to_numeric(p.values, errors="coerce") for name, p in parsed.items()})
    known = table.notna().sum(axis=1)
    score = np.floor(1 + 4 * table.mean(axis=1) + 0.5)  # half up: 0.5 of the way → the higher score
    return Derived(score.where(known >= derivation.min_known).astype("float64"), parsed)


def _ladder(
    derivation: Derivation, inputs: Mapping[str, pd.Series], credits: Mapping[str, object]
) -> Derived:
    """The highest level whose conditions hold, an input counting as done at credit 1 (in
    progress, no, waived, not applicable and blank are not done); unknown when none holds.
    An input the file does not have is never done."""
    label = FIELD_BY_NAME[derivation.field].label
    parsed = {name: practice_credits(column, credits, label) for name, column in inputs.items()}
    index = next(iter(inputs.values())).index
    done = {
        name: pd.to_numeric(p.values, errors="coerce").eq(1).fillna(False).to_numpy(dtype=bool)
        for name, p in parsed.items()
    }
    never = np.zeros(len(index), dtype=bool)
    score = np.full(len(index), np.nan)
    for level in sorted(derivation.levels, key=lambda rung: rung.level):
        holds = np.ones(len(index), dtype=bool)
        for name in level.all:
            holds &= done.get(name, never)
        if level.any:
            holds &= np.logical_or.reduce([done.get(name, never) for name in level.any])
        score[holds] = level.level
    return Derived(pd.Series(score, index=index, dtype="float64"), parsed)


def duplicate_keys(names: pd.Series, units: pd.Series) -> pd.Series:
    """Normalised "name | unit" per row: equal keys are likely duplicates."""
    return comparison_keys(names) + "|" + comparison_keys(units).fillna("")


def derive_pilot_ids(keys: pd.Series, taken: set[str]) -> pd.Series:
    """Stable IDs from the normalised name and unit: "D-" + 12 hex digits of their SHA-256.
    Rows with equal keys (likely duplicates) get "-2", "-3"… in row order, and an ID already
    used in the file is never reused, so the IDs are stable across re-imports of the file."""
    digests = {
        key: hashlib.sha256(key.encode("utf-8")).hexdigest()[:12].upper() for key in keys.dropna().unique()
    }
    base = DERIVED_ID_PREFIX + keys.map(digests).astype("string")
    occurrence = base.groupby(base).cumcount() + 1
    ids = base.where(occurrence == 1, base + "-" + occurrence.astype(str))
    clashing = ids.str.casefold().isin(taken)
    if clashing.any():
        ids[clashing] = [_free_id(candidate, taken) for candidate in ids[clashing]]
    return ids.astype("string")


def _free_id(candidate: str, taken: set[str]) -> str:
    suffix = 2
    while f"{candidate}-{suffix}".casefold() in taken:
        suffix += 1
    taken.add(f"{candidate}-{suffix}".casefold())
    return f"{candidate}-{suffix}"
