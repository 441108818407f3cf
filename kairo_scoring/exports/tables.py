"""The scored table as a file lays it out: decision columns first (`ordered_columns`), the
csv that keeps the codes for other tools (`export_csv`, `write_csv`), and the frames the
xlsx shows people (`people_frame`: labels, 'unknown', whole-number scores, money headed with
the profile's currency; `summary_frame`; `profile_frame`)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO

import pandas as pd

from kairo_scoring.exports.formulas import _neutral_label, neutralise_formulas
from kairo_scoring.present.formats import count
from kairo_scoring.present.labels import (
    blockers_in_words,
    column_label,
    field_label,
    is_known_column,
    label_values,
    option_label,
    verdict_label,
)
from kairo_scoring.profile import Profile
from kairo_scoring.schema import CANONICAL_COLUMNS, OPTIONS, VERDICTS

LEADING_COLUMNS = (
    "pilot_id", "name", "business_unit", "owner", "stage", "current_mode", "recommended", "target",
    "verdict", "readiness", "completeness", "fit_assisted", "fit_workspace", "fit_pipeline",
    "supply_level", "demand", "next_step", "blockers", "missing_fields",
)  # fmt: skip


def ordered_columns(table: pd.DataFrame) -> list[str]:
    """Decision columns first, then the inputs, then everything else."""
    first = [c for c in LEADING_COLUMNS if c in table.columns]
    inputs = [c for c in CANONICAL_COLUMNS if c in table.columns and c not in first]
    rest = [c for c in table.columns if c not in first and c not in inputs]
    return first + inputs + rest


def export_csv(table: pd.DataFrame) -> bytes:
    """The table as UTF-8 csv (with BOM so Excel reads accents), formula-safe."""
    buffer = io.BytesIO()
    write_csv(buffer, table)
    return buffer.getvalue()


def write_csv(target: str | Path | IO[bytes], table: pd.DataFrame) -> None:
    """Write the table as `export_csv` does to a path or binary file."""
    _write_csv_frame(target, neutralise_formulas(table[ordered_columns(table)]))


def _write_csv_frame(target: str | Path | IO[bytes], frame: pd.DataFrame) -> None:
    # RFC 4180 line ends make the writer quote any field holding a CR or LF. The header row is
    # neutralised too: rejected rows keep the upload's own column names.
    header = [_neutral_label(column) for column in frame.columns]
    frame.to_csv(target, index=False, header=header, lineterminator="\r\n", encoding="utf-8-sig")


# 0–100 figures people read as whole numbers (the pages show them so too).
WHOLE_NUMBER_COLUMNS = ("readiness", "completeness", "fit_assisted", "fit_workspace", "fit_pipeline")


def _money_header(currency: str) -> str:
    return f"{column_label('monthly_value')} ({currency})"


def people_frame(table: pd.DataFrame, profile: Profile) -> pd.DataFrame:
    """The scored table as the xlsx shows it: labels for codes, 'unknown' for missing text,
    whole-number scores, blockers in words, and headers people read."""
    frame = table[ordered_columns(table)]
    frame = label_values(frame)
    for column in frame.columns:
        if column in WHOLE_NUMBER_COLUMNS or str(column).startswith("score_"):
            frame[column] = frame[column].astype("float64").round(0)
        elif column == "monthly_value":
            frame[column] = frame[column].astype("float64").round(2)
    if "blockers" in frame.columns:
        codes, uniques = pd.factorize(table["blockers"].astype(object), use_na_sentinel=True)
        words = [blockers_in_words(u, profile) for u in uniques] + [""]
        frame["blockers"] = [words[c] for c in codes]
    headers = {c: column_label(str(c)) for c in frame.columns if is_known_column(c)}
    if "monthly_value" in headers:
        headers["monthly_value"] = _money_header(profile.currency)
    return frame.rename(columns=headers)


def summary_frame(table: pd.DataFrame, currency: str = "") -> pd.DataFrame:
    """Counts and monthly value per verdict, the portfolio's one-glance summary."""
    value = table["monthly_value"] if "monthly_value" in table.columns else pd.Series(0.0, index=table.index)
    grouped = (
        pd.DataFrame({"verdict": table["verdict"].astype("string"), "value": value})
        .groupby("verdict", observed=True)
        .agg(pilots=("value", "size"), monthly_value=("value", "sum"))
    )
    rows = [
        {
            column_label("verdict"): verdict_label(v),
            column_label("pilots"): int(grouped["pilots"].get(v, 0)),
            _money_header(currency) if currency else column_label("monthly_value"): round(
                float(grouped["monthly_value"].get(v, 0.0)), 2
            ),
        }
        for v in VERDICTS
    ]
    return pd.DataFrame(rows)


def profile_frame(profile: Profile) -> pd.DataFrame:
    """The profile that scored the table, as rows a reader can audit (in words)."""
    api, workspace = option_label(OPTIONS[2]), option_label(OPTIONS[1])
    volume, users = field_label("monthly_volume").lower(), field_label("users").lower()
    rows = [("Profile", "Profile name", profile.name), ("Profile", "Version", profile.version)]
    rows += [("Profile", "Content hash", profile.content_hash), ("Profile", "Currency", profile.currency)]
    rows += [("Weight", dim.capitalize(), weight) for dim, weight in profile.weights.items()]
    rows += [
        ("Dimension", dim.capitalize(), ", ".join(field_label(f) for f in fields))
        for dim, fields in profile.dimensions.items()
    ]
    rows += [
        ("Demand", f"{api} when {volume} is at least", count(profile.api_pipeline_min_volume)),
        ("Demand", f"{workspace} when {volume} is at least", count(profile.shared_workspace_min_volume)),
        ("Demand", f"{workspace} when {users} are at least", count(profile.shared_workspace_min_users)),
        ("Fit", "Gates weight", profile.fit_gates_weight),
        ("Fit", "Demand weight", profile.fit_demand_weight),
        ("Verdicts", "Priority", " > ".join(verdict_label(v) for v in profile.verdict_priority)),
    ]
    rows += [("Gate", option_label(g.option), g.phrase()) for g in profile.gates]
    return pd.DataFrame(rows, columns=["Part", "Item", "Value"]).astype({"Value": str})
