"""Exports people open outside the tool: formatted xlsx and csv, safe against formula injection.

A spreadsheet evaluates a cell that starts with = + - @ (and some tools also tab, CR or
NUL) as a formula. Text from uploads can start that way, so every text cell that does is
written as text: in xlsx as a string cell with Excel's quote prefix, in csv with a
leading apostrophe (OWASP's advice for CSV injection).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from kairo_scoring.profile import Profile
from kairo_scoring.schema import CANONICAL_COLUMNS, OPTION_LABELS, VERDICT_COLOURS, VERDICT_LABELS, VERDICTS

FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
LEADING_COLUMNS = (
    "pilot_id", "name", "business_unit", "owner", "stage", "current_mode", "recommended", "target",
    "verdict", "readiness", "completeness", "fit_assisted", "fit_workspace", "fit_pipeline",
    "supply_level", "demand", "next_step", "blockers", "missing_fields",
)  # fmt: skip
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
MAX_CELL_TEXT = 32_767  # Excel's limit for one cell


def _text_columns(frame: pd.DataFrame) -> list[str]:
    return [
        c
        for c in frame.columns
        if isinstance(frame[c].dtype, pd.StringDtype | pd.CategoricalDtype) or frame[c].dtype == object
    ]


def _risky(series: pd.Series) -> np.ndarray:
    text = series.astype("string")
    return text.str.slice(0, 1).isin(FORMULA_TRIGGERS).fillna(False).to_numpy(bool)


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy in which every text cell that a spreadsheet would run as a formula starts with an apostrophe."""
    out = frame.copy()
    for column in _text_columns(out):
        risky = _risky(out[column])
        if risky.any():
            text = out[column].astype("string")
            out[column] = text.where(~risky, "'" + text)
    return out


def ordered_columns(table: pd.DataFrame) -> list[str]:
    """Decision columns first, then the inputs, then everything else."""
    first = [c for c in LEADING_COLUMNS if c in table.columns]
    inputs = [c for c in CANONICAL_COLUMNS if c in table.columns and c not in first]
    rest = [c for c in table.columns if c not in first and c not in inputs]
    return first + inputs + rest


def export_csv(table: pd.DataFrame) -> bytes:
    """The table as UTF-8 csv (with BOM so Excel reads accents), formula-safe."""
    return _csv_bytes(neutralise_formulas(table[ordered_columns(table)]))


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    # RFC 4180 line ends make the writer quote any field holding a CR or LF. The header row is
    # neutralised too: rejected rows keep the upload's own column names.
    header = [_neutral_label(column) for column in frame.columns]
    return frame.to_csv(index=False, header=header, lineterminator="\r\n").encode("utf-8-sig")


def _neutral_label(column: object) -> str:
    text = str(column)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def summary_frame(table: pd.DataFrame) -> pd.DataFrame:
    """Counts and monthly value per verdict, the portfolio's one-glance summary."""
    value = table["monthly_value"] if "monthly_value" in table.columns else pd.Series(0.0, index=table.index)
    grouped = (
        pd.DataFrame({"verdict": table["verdict"].astype("string"), "value": value})
        .groupby("verdict", observed=True)
        .agg(pilots=("value", "size"), monthly_value=("value", "sum"))
    )
    rows = [
        {
            "Verdict": VERDICT_LABELS[v],
            "Pilots": int(grouped["pilots"].get(v, 0)),
            "Monthly value": float(grouped["monthly_value"].get(v, 0.0)),
        }
        for v in VERDICTS
    ]
    return pd.DataFrame(rows)


def profile_frame(profile: Profile) -> pd.DataFrame:
    """The profile that scored the table, as rows a reader can audit."""
    rows = [("Profile", "name", profile.name), ("Profile", "version", profile.version)]
    rows += [("Profile", "content hash", profile.content_hash)]
    rows += [("Weight", dim, weight) for dim, weight in profile.weights.items()]
    rows += [("Dimension", dim, ", ".join(fields)) for dim, fields in profile.dimensions.items()]
    rows += [
        ("Demand", "api_pipeline when monthly_volume ≥", profile.api_pipeline_min_volume),
        ("Demand", "shared_workspace when monthly_volume ≥", profile.shared_workspace_min_volume),
        ("Demand", "shared_workspace when users ≥", profile.shared_workspace_min_users),
        ("Fit", "gates weight", profile.fit_gates_weight),
        ("Fit", "demand weight", profile.fit_demand_weight),
        ("Verdicts", "priority", " > ".join(profile.verdict_priority)),
    ]
    rows += [("Gate", OPTION_LABELS[g.option], g.describe()) for g in profile.gates]
    return pd.DataFrame(rows, columns=["Part", "Item", "Value"]).astype({"Value": str})


def export_xlsx(table: pd.DataFrame, profile: Profile, *, rejected: pd.DataFrame | None = None) -> bytes:
    """A formatted workbook: Pilots (frozen header, filters, verdict colours), Summary, Rejected, Profile."""
    pilots = table[ordered_columns(table)]
    sheets = {"Pilots": pilots, "Summary": summary_frame(table)}
    if rejected is not None and len(rejected):
        sheets["Rejected"] = rejected
    sheets["Profile"] = profile_frame(profile)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": WORKBOOK_OPTIONS}) as writer:
        book = writer.book
        text_format = book.add_format({"quote_prefix": True})
        header = book.add_format(
            # Quote-prefixed like risky text cells: rejected rows keep the upload's own headers.
            {
                "bold": True,
                "bg_color": "#1F2937",
                "font_color": "#FFFFFF",
                "text_wrap": True,
                "quote_prefix": True,
            }
        )
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            _protect_text_cells(sheet, frame, text_format)
            for col, column in enumerate(frame.columns):
                sheet.write_string(0, col, str(column), header)
            sheet.freeze_panes(1, 0)
            sheet.autofilter(0, 0, max(len(frame), 1), max(len(frame.columns) - 1, 0))
            _size_columns(sheet, frame)
        _colour_verdicts(book, writer.sheets["Pilots"], pilots)
    return buffer.getvalue()


def _protect_text_cells(sheet, frame: pd.DataFrame, text_format) -> None:
    """Rewrite text cells that start like a formula as quote-prefixed strings (and clip to Excel's limit)."""
    for col, column in enumerate(frame.columns):
        if column not in _text_columns(frame):
            continue
        text = frame[column].astype("string")
        long = text.str.len().fillna(0).to_numpy() > MAX_CELL_TEXT
        for row in np.flatnonzero(_risky(frame[column]) | long):
            sheet.write_string(int(row) + 1, col, str(text.iloc[row])[:MAX_CELL_TEXT], text_format)


def _size_columns(sheet, frame: pd.DataFrame) -> None:
    for col, column in enumerate(frame.columns):
        sample = frame[column].head(200).astype("string").str.len().max()
        width = max(len(str(column)), 0 if pd.isna(sample) else int(sample))
        sheet.set_column(col, col, min(max(width + 2, 8), 60))


def _colour_verdicts(book, sheet, pilots: pd.DataFrame) -> None:
    if "verdict" not in pilots.columns or pilots.empty:
        return
    col = pilots.columns.get_loc("verdict")
    for verdict, colour in VERDICT_COLOURS.items():
        fill = book.add_format({"bg_color": colour, "font_color": "#FFFFFF"})
        sheet.conditional_format(
            1,
            col,
            len(pilots),
            col,
            {"type": "cell", "criteria": "==", "value": f'"{verdict}"', "format": fill},
        )


def write_scored(
    table: pd.DataFrame, profile: Profile, path: Path, *, rejected: pd.DataFrame | None = None
) -> list[Path]:
    """Write a scored table by extension (.xlsx, .csv, .parquet); returns the files written.

    Rejected rows go to a 'Rejected' sheet in xlsx, or to a sibling `*.rejected.csv`.
    """
    suffix = path.suffix.lower()
    written = [path]
    if suffix == ".xlsx":
        path.write_bytes(export_xlsx(table, profile, rejected=rejected))
    elif suffix == ".csv":
        path.write_bytes(export_csv(table))
    elif suffix == ".parquet":
        table[ordered_columns(table)].to_parquet(path, index=False)
    else:
        raise ValueError(f"unsupported output type: {path.name}")
    if suffix != ".xlsx" and rejected is not None and len(rejected):
        sibling = path.with_suffix(".rejected.csv")
        sibling.write_bytes(_csv_bytes(neutralise_formulas(rejected)))
        written.append(sibling)
    return written
