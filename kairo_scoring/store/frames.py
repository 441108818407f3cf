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

A snapshot's provenance (where each value came from) is encoded beside these, in
provenance_frames.py.
"""

from __future__ import annotations

import contextlib
import json
from datetime import date, datetime, time
from typing import Any

import numpy as np
import pandas as pd

from kairo_scoring import schema
from kairo_scoring.intake.normalize import nfc_texts
from kairo_scoring.intake.result import ISSUE_COLUMNS
from kairo_scoring.store.backend import (
    ISSUE_ROW_COLUMNS,
    PILOT_EXTRAS_COLUMN,
    PILOT_ROW_PREFIX,
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
