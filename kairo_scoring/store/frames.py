"""Turning an import's frames into flat rows any backend can store, and back, without loss.

Pilots keep their canonical columns; their extra columns (a profile's ``[extras]``, or
any other column beside the canonical ones) travel as one JSON object per row, in which
values JSON has no type for are tagged (``{"datetime": "2025-03-01T10:30:00"}``), so a
date, a number, a yes/no and a mixed column all come back as they were. Rejected rows
carry whatever columns the user's file had, with heterogeneous values, so each row's
original values travel as one JSON object. Issue values are JSON too, so a number stays
a number. The column order and dtypes of every frame are recorded with the snapshot,
which lets the loaders hand back frames equal to the ones that were imported.

Text fields come back in Unicode NFC whatever form an older snapshot stored, so
comparing snapshots never sees one pilot ID as two (see ``intake.normalize.TEXT_FORM``).

Over 400 lines because it is the one place where frames are encoded for the store and decoded back,
table by table, exactly.
"""

from __future__ import annotations

import contextlib
import json
from datetime import date, datetime, time
from typing import Any

import numpy as np
import pandas as pd

from kairo_scoring import schema
from kairo_scoring.errors import StoreError
from kairo_scoring.intake.normalize import nfc_texts
from kairo_scoring.intake.result import ISSUE_COLUMNS
from kairo_scoring.provenance import PROVENANCE_COLUMNS, conform_provenance
from kairo_scoring.store.backend import (
    ISSUE_ROW_COLUMNS,
    PILOT_EXTRAS_COLUMN,
    PILOT_ROW_PREFIX,
    PROVENANCE_ROW_COLUMNS,
    REJECTED_ROW_COLUMNS,
)

# Issue report columns and the store columns that hold them.
ISSUE_STORE_COLUMN: dict[str, str] = {
    "sheet": "sheet",
    "row": "sheet_row",
    "column": "column_name",
    "value": "value_json",
    "reason": "reason",
    "code": "code",
    "severity": "severity",
}

REJECTED_BOOKKEEPING: tuple[str, ...] = ("source_row", "reject_reason")

DtypeSpec = list[tuple[str, str]]


def json_value(value: Any) -> Any:
    """A cell value as something ``json.dumps`` writes faithfully (missing → None)."""
    if type(value) is str:  # by far the most common cell: rejected values arrive as text
        return value
    if value is None:
        return None
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, datetime | date | time | pd.Timestamp):
        return value.isoformat()
    if isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def dtype_spec(frame: pd.DataFrame, columns: list[str] | None = None) -> DtypeSpec:
    """Column names and dtype names of ``frame`` (optionally only ``columns``), in frame order."""
    keep = frame.columns if columns is None else [c for c in frame.columns if c in columns]
    return [(str(name), str(frame[name].dtype)) for name in keep]


def restore(frame: pd.DataFrame, spec: DtypeSpec) -> pd.DataFrame:
    """Reorder ``frame`` to ``spec`` and cast each column back to its recorded dtype."""
    frame = frame[[name for name, _ in spec]].reset_index(drop=True)
    for name, dtype_name in spec:
        # A dtype this pandas cannot rebuild from its name (or from the stored text)
        # keeps the type the database returned; the values are unchanged.
        with contextlib.suppress(TypeError, ValueError):
            frame[name] = frame[name].astype(pd.api.types.pandas_dtype(dtype_name))
    return frame


def _source_rows(frame: pd.DataFrame) -> pd.Series:
    if "source_row" not in frame.columns:
        return pd.Series(pd.NA, index=frame.index, dtype="Int64")
    return pd.to_numeric(frame["source_row"], errors="coerce").astype("Int64")


def _row_order(frame: pd.DataFrame) -> np.ndarray:
    return np.arange(len(frame), dtype="int64")


def extra_columns(pilots: pd.DataFrame) -> list[Any]:
    """The pilots' columns beyond the canonical fields and ``source_row``, in frame order."""
    return [c for c in pilots.columns if c not in schema.FIELD_BY_NAME and c != "source_row"]


def encode_pilots(pilots: pd.DataFrame) -> pd.DataFrame:
    """Pilots as store rows: ``row_order``, ``source_row``, the canonical fields and the
    extra columns of each row as one JSON object (NULL when there are none)."""
    canonical = schema.conform(pilots)[list(schema.CANONICAL_COLUMNS)].reset_index(drop=True)
    canonical.insert(0, "source_row", _source_rows(pilots).reset_index(drop=True))
    canonical.insert(0, "row_order", _row_order(pilots))
    canonical[PILOT_EXTRAS_COLUMN] = _encode_extras(pilots)
    return canonical[[*PILOT_ROW_PREFIX, *schema.CANONICAL_COLUMNS, PILOT_EXTRAS_COLUMN]]


def decode_pilots(rows: pd.DataFrame, spec: DtypeSpec) -> pd.DataFrame:
    """Stored pilot rows back to the canonical frame (``schema.conform``), ``source_row``
    and the extra columns recorded in ``spec``, with their dtypes."""
    pilots = schema.conform(rows[[c for c in rows.columns if c in schema.FIELD_BY_NAME]])
    for field in schema.FIELDS:
        if not field.is_numeric:  # snapshots stored before intake normalised text
            pilots[field.name] = nfc_texts(pilots[field.name])
    source_dtype = dict(spec).get("source_row", "Int64")
    pilots["source_row"] = restore(rows[["source_row"]], [("source_row", source_dtype)])["source_row"]
    pilots = pilots.reset_index(drop=True)
    extras = [
        (name, dtype) for name, dtype in spec if name not in schema.FIELD_BY_NAME and name != "source_row"
    ]
    if not extras:
        return pilots
    stored = rows[PILOT_EXTRAS_COLUMN] if PILOT_EXTRAS_COLUMN in rows.columns else [None] * len(rows)
    # NULL (None or NA, as the database returns it) in snapshots stored before extras were kept.
    records = [json.loads(text) if isinstance(text, str) else {} for text in stored]
    names = [name for name, _ in extras]
    values = pd.DataFrame(
        {name: pd.Series([_tagged_value(r.get(name)) for r in records], dtype=object) for name in names},
        index=pilots.index,
        columns=names,
    )
    return pd.concat([pilots, restore(values, extras)], axis=1)


# Tags for extra values JSON has no type for; decoded by `_tagged_value`.
_VALUE_TAGS: dict[str, Any] = {
    "datetime": pd.Timestamp,
    "date": date.fromisoformat,
    "time": time.fromisoformat,
    "timedelta": pd.Timedelta,
    "float": float,  # inf, -inf (NaN is missing and stored as null)
}


def _tagged_json(value: Any) -> Any:
    """One extra value for JSON, its type kept: text, numbers, yes/no and missing as JSON
    has them, everything else tagged."""
    if type(value) is str:
        return value
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if np.isfinite(value) else {"float": repr(value)}
    if isinstance(value, datetime):  # pd.Timestamp included; before date, its base class
        return {"datetime": pd.Timestamp(value).isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, time):
        return {"time": value.isoformat()}
    if isinstance(value, pd.Timedelta):
        return {"timedelta": value.isoformat()}
    return str(value)


def _tagged_value(stored: Any) -> Any:
    if isinstance(stored, dict):
        ((tag, text),) = stored.items()
        return _VALUE_TAGS[tag](text)
    return stored


def _encode_extras(pilots: pd.DataFrame) -> pd.Series:
    extras = extra_columns(pilots)
    if not extras:
        return pd.Series(pd.NA, index=range(len(pilots)), dtype="string")
    # Column by column (a typed column has one kind of value), then one object per row.
    columns = [[_tagged_json(v) for v in pilots[name].to_numpy(dtype=object)] for name in extras]
    names = [str(name) for name in extras]
    texts = [_dumps(dict(zip(names, row, strict=True))) for row in zip(*columns, strict=True)]
    return pd.Series(pd.array(texts, dtype="string"), index=range(len(pilots)))


def original_columns(rejected: pd.DataFrame) -> list[Any]:
    """The rejected frame's columns that came from the user's file."""
    return [c for c in rejected.columns if c not in REJECTED_BOOKKEEPING]


def encode_rejected(rejected: pd.DataFrame) -> pd.DataFrame:
    """Rejected rows as store rows: the original values of each row as one JSON object."""
    originals = original_columns(rejected)
    values = [
        # JSON object keys are text, so a header-less sheet's numbered columns come back as "0", "1", …
        _dumps({str(name): json_value(value) for name, value in zip(originals, row, strict=True)})
        # An object array iterates far faster than pandas' (Arrow-backed) string columns.
        for row in rejected[originals].to_numpy(dtype=object)
    ]
    reasons = (
        rejected["reject_reason"]
        if "reject_reason" in rejected.columns
        else pd.Series(None, index=rejected.index)
    )
    return pd.DataFrame(
        {
            "row_order": _row_order(rejected),
            "source_row": _source_rows(rejected).to_numpy(),
            "reject_reason": pd.array([json_value(v) for v in reasons], dtype="string"),
            "original_values": pd.array(values, dtype="string"),
        },
        columns=list(REJECTED_ROW_COLUMNS),
    )


def decode_rejected(rows: pd.DataFrame, spec: DtypeSpec) -> pd.DataFrame:
    """Stored rejected rows back to the original columns plus ``source_row`` and ``reject_reason``."""
    originals = [name for name, _ in spec if name not in REJECTED_BOOKKEEPING]
    records = [json.loads(text) for text in rows["original_values"]]
    frame = (
        pd.DataFrame.from_records(records, columns=originals) if records else pd.DataFrame(columns=originals)
    )
    frame["source_row"] = rows["source_row"].to_numpy()
    frame["reject_reason"] = rows["reject_reason"].to_numpy()
    # Columns the import did not have (e.g. no reject_reason at all) are not invented.
    return restore(frame, [(name, dtype) for name, dtype in spec if name in frame.columns])


def encode_issues(issues: pd.DataFrame) -> pd.DataFrame:
    """The issue report as store rows (values as JSON text)."""
    n = len(issues)

    def column(name: str) -> list[Any]:
        if name not in issues.columns:
            return [None] * n
        return [json_value(v) for v in issues[name].to_numpy(dtype=object)]

    return pd.DataFrame(
        {
            "row_order": _row_order(issues),
            "sheet": pd.array(column("sheet"), dtype="string"),
            "sheet_row": pd.to_numeric(pd.Series(column("row"), dtype="object"), errors="coerce").astype(
                "Int64"
            ),
            "column_name": pd.array(column("column"), dtype="string"),
            "value_json": pd.array([_dumps(v) for v in column("value")], dtype="string"),
            "reason": pd.array(column("reason"), dtype="string"),
            "code": pd.array(column("code"), dtype="string"),
            "severity": pd.array(column("severity"), dtype="string"),
        },
        columns=list(ISSUE_ROW_COLUMNS),
    )


def decode_issues(rows: pd.DataFrame, spec: DtypeSpec) -> pd.DataFrame:
    """Stored issue rows back to the report columns (``ISSUE_COLUMNS``)."""
    frame = pd.DataFrame(
        {
            report: (
                [json.loads(text) for text in rows[stored]]
                if report == "value"
                else rows[stored].astype("object").where(rows[stored].notna(), None).to_numpy()
            )
            for report, stored in ISSUE_STORE_COLUMN.items()
        },
        columns=list(ISSUE_COLUMNS),
    )
    # An issue report without some of the columns comes back without them, as it was;
    # except the code, which reports stored before codes lack: it comes back missing.
    issues = restore(frame, spec or [(name, "object") for name in ISSUE_COLUMNS])
    if "code" not in issues.columns and "reason" in issues.columns:
        missing = pd.array([pd.NA] * len(issues), dtype="string")
        issues.insert(issues.columns.get_loc("reason") + 1, "code", missing)
    return issues


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


def frame_dtypes_json(pilots: pd.DataFrame, rejected: pd.DataFrame, issues: pd.DataFrame) -> str:
    """The column order and dtypes of an import's three frames, as JSON for the snapshot row."""
    return json.dumps(
        {
            "pilots": dtype_spec(pilots),
            "rejected": dtype_spec(rejected),
            "issues": dtype_spec(issues, list(ISSUE_COLUMNS)),
        }
    )


def parse_frame_dtypes(text: str) -> dict[str, DtypeSpec]:
    """The inverse of `frame_dtypes_json`."""
    return {frame: [(name, dtype) for name, dtype in spec] for frame, spec in json.loads(text).items()}
