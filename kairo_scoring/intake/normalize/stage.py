"""The *normalise* stage: every mapped source column turned into canonical values by its
field's kind (scores, enums, quantities, text), the profile's derived fields computed from
their inputs, and the profile's extras parsed. It takes the located, mapped table and hands
on a ``Normalised`` (the parsed values beside the table they came from); each value it could
not read goes to the issue log it is handed. Rows are not judged here: that is *validate*."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from kairo_scoring.intake.codes import IssueCode, Severity
from kairo_scoring.intake.derive import PLACEHOLDER_REASON, blank_placeholder_ids, derive
from kairo_scoring.intake.issues import IssueLog
from kairo_scoring.intake.mapping import MappingProfile
from kairo_scoring.intake.normalize import (
    Parsed,
    as_text,
    parse_dates,
    parse_enum,
    parse_quantities,
    parse_scores,
    parse_yes_no_column,
)
from kairo_scoring.intake.table import SourceTable
from kairo_scoring.schema import FIELDS, Field


@dataclass(frozen=True)
class Normalised:
    """What *normalise* hands to *validate*: the table (its original cells are what a
    rejected row keeps), per canonical field its parsed values (mapped or derived), the
    profile's extras, and per row the reason an answer the mapping rejects rejects it
    (missing where none does)."""

    table: SourceTable
    values: dict[str, pd.Series]
    extras: dict[str, pd.Series]
    answer_rejects: pd.Series


def normalise(
    table: SourceTable,
    profile: MappingProfile,
    plan: Mapping[str, str],
    derived_fields: Mapping[str, str],
    log: IssueLog,
) -> Normalised:
    """Parse every mapped column, derive the derived fields and parse the extras; every
    value that could not be read goes to ``log``."""
    values, answer_rejects = _mapped_values(table, profile, plan, log)
    values.update(_derived_values(table, profile, plan, derived_fields, log))
    return Normalised(table, values, _extra_values(table, profile, plan, log), answer_rejects)


def normalise_field(spec: Field, raw: pd.Series, profile: MappingProfile) -> Parsed:
    """One canonical field's source column, normalised by the field's kind."""
    if spec.kind == "enum":
        return parse_enum(raw, spec.allowed, profile.value_map(spec.name), spec.label)
    if spec.kind == "score":
        return parse_scores(raw, profile.value_map(spec.name), profile.percent_scores)
    if spec.is_numeric:
        return parse_quantities(raw, spec.minimum or 0, whole=spec.kind == "count")
    texts = as_text(raw)
    empty = pd.Series(None, index=raw.index, dtype=object)
    return Parsed(texts, empty, empty, empty)


def _mapped_values(
    table: SourceTable, profile: MappingProfile, plan: Mapping[str, str], log: IssueLog
) -> tuple[dict[str, pd.Series], pd.Series]:
    """The normalised value of every mapped field, and per row the reason it is rejected by
    an answer the mapping rejects (missing where it is not)."""
    values = {}
    rejected = pd.Series(pd.NA, index=table.cells.index, dtype="string")
    for spec in FIELDS:
        column = plan.get(spec.name)
        if column is None:
            continue
        parsed = normalise_field(spec, table.cells[column], profile)
        log.add_parsed(column, parsed, table.original[column])
        values[spec.name] = parsed.values
        rejecting = parsed.severity.eq(Severity.ERROR) & rejected.isna()
        if rejecting.any():  # an assignment by an all-false mask still aligns both Series
            rejected[rejecting] = f"column '{column}': " + parsed.reasons[rejecting].astype("string")
    if "pilot_id" in values:
        values["pilot_id"], placeholder = blank_placeholder_ids(values["pilot_id"])
        column = plan["pilot_id"]
        log.add(
            placeholder.index[placeholder],
            column,
            table.original.loc[placeholder, column],
            PLACEHOLDER_REASON,
            Severity.INFO,
            IssueCode.PLACEHOLDER_ID,
        )
    return values, rejected


def _derived_values(
    table: SourceTable,
    profile: MappingProfile,
    plan: Mapping[str, str],
    derived_fields: Mapping[str, str],
    log: IssueLog,
) -> dict[str, pd.Series]:
    values = {}
    for derivation in profile.derived:
        if derivation.field not in derived_fields:
            continue
        inputs = {name: table.cells[plan[name]] for name in derivation.inputs if name in plan}
        derived = derive(derivation, inputs, profile)
        for input_name, parsed in derived.input_problems.items():
            log.add_parsed(plan[input_name], parsed, table.original[plan[input_name]])
        values[derivation.field] = derived.values
    return values


def _extra_values(
    table: SourceTable, profile: MappingProfile, plan: Mapping[str, str], log: IssueLog
) -> dict[str, pd.Series]:
    extras = {}
    for name, kind in profile.extras.items():
        column = plan.get(name)
        if column is None:
            continue
        raw = table.cells[column]
        if kind == "text":
            extras[name] = as_text(raw)
            continue
        if kind in ("date", "datetime"):
            parsed = parse_dates(raw, profile.date_order, keep_time=kind == "datetime")
        elif kind == "number":
            parsed = parse_quantities(raw, -math.inf, whole=False)
        else:
            parsed = parse_yes_no_column(raw)
        log.add_parsed(column, parsed, table.original[column])
        extras[name] = parsed.values
    return extras
