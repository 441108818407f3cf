"""The *validate* stage: from the normalised values to pilots. It rejects the rows that
cannot be used (no name, an ID an earlier row has, an answer the mapping rejects), keeping
their original values, derives the IDs that are missing and flags likely duplicates; each
finding goes to the issue log it is handed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from kairo_scoring.intake.codes import IssueCode, Severity
from kairo_scoring.intake.derive import derive_pilot_ids, duplicate_keys
from kairo_scoring.intake.issues import IssueLog
from kairo_scoring.intake.mapping import MappingProfile
from kairo_scoring.intake.normalize import cell_text, id_keys
from kairo_scoring.intake.normalize.stage import Normalised
from kairo_scoring.intake.normalize.stage import (
    normalise_field as normalise_field,  # answers.py reads it here
)
from kairo_scoring.intake.table import SourceTable
from kairo_scoring.schema import FIELDS, conform
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


def validate(
    normalised: Normalised, profile: MappingProfile, plan: Mapping[str, str], log: IssueLog
) -> Validated:
    """Judge each row of the normalised values: reject rows without a name and later rows
    with an ID already taken, derive the missing IDs, flag likely duplicates; every problem
    goes to ``log``."""
    table, values, extras = normalised.table, dict(normalised.values), normalised.extras
    names = values["name"]
    units = values.get("business_unit", pd.Series(pd.NA, index=names.index, dtype="string"))
    reject_reason = normalised.answer_rejects.copy()
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
    ids = values.get("pilot_id", pd.Series(pd.NA, index=names.index, dtype="string")).copy()  # IDs get filled
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
