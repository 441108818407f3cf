"""From a mapped table to pilots: normalise every field, derive what the profile derives,
reject the rows that cannot be used (keeping their original values), and report the rest."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from kairo_scoring.intake.codes import IssueCode, Severity
from kairo_scoring.intake.derive import (
    PLACEHOLDER_REASON,
    blank_placeholder_ids,
    derive,
    derive_pilot_ids,
    duplicate_keys,
)
from kairo_scoring.intake.issues import IssueLog
from kairo_scoring.intake.mapping import MappingProfile
from kairo_scoring.intake.normalize import (
    Parsed,
    as_text,
    cell_text,
    id_keys,
    parse_dates,
    parse_enum,
    parse_quantities,
    parse_scores,
    parse_yes_no_column,
)
from kairo_scoring.intake.table import SourceTable
from kairo_scoring.schema import FIELDS, Field, conform
from kairo_scoring.values import is_blank

NO_NAME = "no name: a pilot needs a name"
REQUIRED = ("pilot_id", "name")


@dataclass(frozen=True)
class Validated:
    """The rows split into usable pilots and rejected rows, and what was derived or missing."""

    pilots: pd.DataFrame
    rejected: pd.DataFrame
    derived_id: bool
    missing_inputs: tuple[str, ...]
    derived_id_rows: pd.Series  # per pilot: True where its ID was derived from name and unit


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


def validate(
    table: SourceTable,
    profile: MappingProfile,
    plan: Mapping[str, str],
    derived_fields: Mapping[str, str],
    log: IssueLog,
) -> Validated:
    """Normalise, derive, identify and de-duplicate; every problem goes to ``log``."""
    values, answers_rejected = _mapped_values(table, profile, plan, log)
    values.update(_derived_values(table, profile, plan, derived_fields, log))
    extras = _extra_values(table, profile, plan, log)
    names = values["name"]
    units = values.get("business_unit", pd.Series(pd.NA, index=names.index, dtype="string"))
    reject_reason = answers_rejected
    name_column = plan["name"]
    no_name = names.isna()
    reject_reason[no_name] = NO_NAME
    log.add(
        names.index[no_name],
        name_column,
        table.original.loc[no_name, name_column],
        NO_NAME,
        Severity.ERROR,
        IssueCode.MISSING_NAME,
    )
    id_column = _id_column(profile, plan)
    ids = values.get("pilot_id", pd.Series(pd.NA, index=names.index, dtype="string"))
    _reject_duplicate_ids(ids, reject_reason, id_column, log)
    usable = reject_reason.isna()
    id_derived = _fill_missing_ids(ids, names, units, usable, table.original, id_column, log)
    values["pilot_id"] = ids
    _report_likely_duplicates(duplicate_keys(names, units)[usable], names, name_column, log)
    frame = pd.DataFrame({**values, "source_row": names.index.to_numpy(), **extras}, index=names.index)
    pilots = conform(frame[usable]).reset_index(drop=True)
    missing = tuple(f.name for f in FIELDS if f.name not in REQUIRED and pilots[f.name].isna().all())
    derived_id_rows = id_derived[usable].reset_index(drop=True)
    return Validated(
        pilots, _rejected(table, reject_reason), bool(derived_id_rows.any()), missing, derived_id_rows
    )


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


def _id_column(profile: MappingProfile, plan: Mapping[str, str]) -> str:
    if "pilot_id" in plan:
        return plan["pilot_id"]
    local_ids = [d.inputs[-1] for d in profile.derived if d.field == "pilot_id" and d.inputs[-1] in plan]
    return plan[local_ids[0]] if local_ids else ""


def _reject_duplicate_ids(ids: pd.Series, reject_reason: pd.Series, id_column: str, log: IssueLog) -> None:
    """The first row with an ID keeps it; later usable rows with the same ID (ignoring case
    and the Unicode form) are rejected, with their original values, so nothing is silently merged."""
    candidates = ids[reject_reason.isna() & ids.notna()]
    folded = id_keys(candidates)
    later = folded.duplicated(keep="first")
    if not later.any():
        return
    first_row = pd.Series(folded.index[~later], index=folded[~later].to_numpy())
    rows = folded.index[later]
    reasons = (
        "duplicate pilot ID '" + candidates[later] + "': row " + folded[later].map(first_row).astype(str)
    )
    reasons = reasons + " has it first"
    reject_reason[rows] = reasons
    log.add(rows, id_column, candidates[later], reasons.tolist(), Severity.ERROR, IssueCode.DUPLICATE_ID)


def _fill_missing_ids(
    ids: pd.Series,
    names: pd.Series,
    units: pd.Series,
    usable: pd.Series,
    table_original: pd.DataFrame,
    id_column: str,
    log: IssueLog,
) -> pd.Series:
    """Derive the missing IDs of usable rows; the mask of the rows that got one."""
    missing = usable & ids.isna()
    if not missing.any():
        return missing
    taken = set(id_keys(ids[usable & ids.notna()]))
    ids[missing] = derive_pilot_ids(duplicate_keys(names[missing], units[missing]), taken)
    if id_column:
        empty_cell = missing & table_original[id_column].map(is_blank).astype(bool)
        reasons = "no pilot ID: derived '" + ids[empty_cell] + "' from name and business unit"
        blanks = [""] * int(empty_cell.sum())
        log.add(
            ids.index[empty_cell], id_column, blanks, reasons.tolist(), Severity.INFO, IssueCode.DERIVED_ID
        )
    else:
        log.add_one(
            None,
            "",
            "",
            f"the file has no pilot ID column: stable IDs were derived from name and business unit for all "
            f"{int(missing.sum())} rows (the same rows get the same IDs on every import)",
            Severity.INFO,
            IssueCode.NO_ID_COLUMN,
        )
    return missing


def _report_likely_duplicates(keys: pd.Series, names: pd.Series, name_column: str, log: IssueLog) -> None:
    later = keys.duplicated(keep="first")
    if not later.any():
        return
    first_row = pd.Series(keys.index[~later], index=keys[~later].to_numpy())
    rows = keys.index[later]
    reasons = (
        "likely duplicate of row " + keys[later].map(first_row).astype(str) + ": same name and business unit"
    )
    log.add(rows, name_column, names[rows], reasons.tolist(), Severity.WARNING, IssueCode.LIKELY_DUPLICATE)


def _rejected(table: SourceTable, reject_reason: pd.Series) -> pd.DataFrame:
    """Rejected rows with every original value as text, their row number and the reason."""
    rows = reject_reason.notna()
    original = table.original[rows]
    rejected = original.map(lambda cell: None if is_blank(cell) else cell_text(cell)).astype("string")
    rejected["source_row"] = original.index.to_numpy(dtype="int64")
    rejected["reject_reason"] = reject_reason[rows]
    return rejected.reset_index(drop=True)
