"""A snapshot's provenance (where each value of its pilots came from) as the store keeps it,
and back, without loss.

Most values of a field share one provenance (the register's column, a derivation): that is
stored once per snapshot, as the field's default; only the values that differ (answers,
derived IDs) are stored as rows of the ``provenance`` table. The flat rows of the pilots,
rejected rows and issues are in frames.py.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from kairo_scoring import schema
from kairo_scoring.errors import StoreError
from kairo_scoring.intake.normalize import nfc_texts
from kairo_scoring.provenance import PROVENANCE_COLUMNS, conform_provenance
from kairo_scoring.store.backend import PROVENANCE_ROW_COLUMNS
from kairo_scoring.store.frames import _dumps, _row_order, _source_rows

# What a field's usual provenance is made of; the row is the pilot's own source row.
_PROVENANCE_ATTRIBUTES = ("kind", "source", "sheet", "detail", "respondent", "recorded_at")


def _attribute_json(name: str, value: Any) -> Any:
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    return pd.Timestamp(value).isoformat() if name == "recorded_at" else str(value)


def _pilot_source_rows(provenance: pd.DataFrame, pilots: pd.DataFrame) -> pd.Series:
    by_id = pd.Series(_source_rows(pilots).to_numpy(), index=pilots["pilot_id"].astype("string").to_numpy())
    by_id = by_id[~by_id.index.duplicated()]
    return provenance["pilot_id"].map(by_id).astype("Int64")


def _equal(column: pd.Series, value: Any) -> np.ndarray:
    """Row-wise: the column holds ``value`` (missing equals missing)."""
    if value is None:
        return column.isna().to_numpy(dtype=bool)
    return column.eq(value).fillna(False).to_numpy(dtype=bool)


def encode_provenance(
    provenance: pd.DataFrame, pilots: pd.DataFrame, recorded_at: datetime
) -> tuple[str, pd.DataFrame]:
    """Provenance as the snapshot's field defaults (JSON) and store rows for the rest.

    Most values of a field share one provenance (the register's column, a derivation): that
    is the field's default, with the pilot's ``source_row`` as its row, and is stored once.
    Only values that differ (answers, derived IDs) are stored as rows, which keeps a large
    register's import about as small as before provenance. A value without a recording time
    (a register's or a derivation's) takes ``recorded_at`` (naive UTC), when it is stored.
    Every known value must have its row (`StoreError` otherwise: nothing would say where it came from).
    """
    rows = conform_provenance(provenance)
    stamps = rows["recorded_at"].dt.tz_convert("UTC").dt.tz_localize(None)
    rows["recorded_at"] = stamps.fillna(pd.Timestamp(recorded_at))
    _check_covers(rows, pilots)
    pilot_rows = _pilot_source_rows(rows, pilots)
    implied = np.zeros(len(rows), dtype=bool)
    defaults: dict[str, dict[str, Any]] = {}
    for field_name, group in rows.groupby("field", sort=False):
        usual = group[list(_PROVENANCE_ATTRIBUTES)].astype(object).where(group.notna(), None)
        default = usual.value_counts(dropna=False).index[0]
        defaults[str(field_name)] = {
            name: _attribute_json(name, value)
            for name, value in zip(_PROVENANCE_ATTRIBUTES, default, strict=True)
        }
        same = rows["field"].eq(field_name).fillna(False).to_numpy(dtype=bool)
        for name, value in zip(_PROVENANCE_ATTRIBUTES, default, strict=True):
            same &= _equal(rows[name], None if value is None or pd.isna(value) else value)
        same &= (rows["row"].isna() & pilot_rows.isna()).to_numpy(dtype=bool) | rows["row"].eq(
            pilot_rows
        ).fillna(False).to_numpy(dtype=bool)
        implied |= same
    explicit = rows[~implied].rename(columns={"row": "sheet_row"}).reset_index(drop=True)
    explicit.insert(0, "row_order", _row_order(explicit))
    return _dumps(defaults), explicit[list(PROVENANCE_ROW_COLUMNS)]


def _check_covers(provenance: pd.DataFrame, pilots: pd.DataFrame) -> None:
    has_row = set(zip(provenance["pilot_id"], provenance["field"], strict=True))
    for name in schema.CANONICAL_COLUMNS:
        known = pilots.loc[pilots[name].notna(), "pilot_id"] if name in pilots.columns else []
        lacking = [pilot for pilot in known if (pilot, name) not in has_row]
        if lacking:
            raise StoreError(
                f"{len(lacking)} value(s) of {name} (pilot '{lacking[0]}' first) have no provenance; "
                "nothing was saved. Read the register again with this version of Kairo."
            )


def decode_provenance(rows: pd.DataFrame, defaults_json: str, pilots: pd.DataFrame) -> pd.DataFrame:
    """The snapshot's provenance, one row per known value (``PROVENANCE_COLUMNS``, in pilot
    then field order): the field defaults spread over the pilots' known values, then the
    stored rows in their place."""
    defaults = json.loads(defaults_json or "{}")
    source_rows = _source_rows(pilots).to_numpy()
    ids = pilots["pilot_id"].astype("string").to_numpy()
    parts = []
    for name in schema.CANONICAL_COLUMNS:
        if name not in defaults:
            continue
        known = np.flatnonzero(pilots[name].notna().to_numpy(dtype=bool))
        usual = defaults[name]
        parts.append(
            pd.DataFrame(
                {
                    "pilot_id": ids[known],
                    "field": name,
                    **{attr: usual[attr] for attr in _PROVENANCE_ATTRIBUTES if attr != "recorded_at"},
                    "row": source_rows[known],
                    "recorded_at": pd.Timestamp(usual["recorded_at"]) if usual["recorded_at"] else pd.NaT,
                }
            )
        )
    stored = rows.rename(columns={"sheet_row": "row"})
    stored = stored.assign(recorded_at=pd.to_datetime(stored["recorded_at"]))
    stored = conform_provenance(stored[list(PROVENANCE_COLUMNS)])
    stored["pilot_id"] = nfc_texts(stored["pilot_id"])
    spread = conform_provenance(pd.concat(parts, ignore_index=True)) if parts else stored.iloc[:0]
    if len(stored):
        replaced = pd.MultiIndex.from_frame(spread[["pilot_id", "field"]]).isin(
            pd.MultiIndex.from_frame(stored[["pilot_id", "field"]])
        )
        spread = spread[~replaced]
    merged = pd.concat([spread, stored], ignore_index=True) if len(stored) else spread
    positions = pd.Series(np.arange(len(ids)), index=ids)
    positions = positions[~positions.index.duplicated()]
    field_order = {name: i for i, name in enumerate(schema.CANONICAL_COLUMNS)}
    keys = pd.DataFrame(
        {"p": merged["pilot_id"].map(positions).to_numpy(), "f": merged["field"].map(field_order).to_numpy()}
    )
    merged = merged.iloc[keys.sort_values(["p", "f"], kind="stable").index]
    return conform_provenance(merged)
