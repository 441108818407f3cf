"""The empty register template: canonical columns with dropdowns, and a field guide."""

from __future__ import annotations

from pathlib import Path

from kairo_scoring.schema import FIELDS, SCORE_MAX, SCORE_MIN, Field

REGISTER_SHEET = "Pilots"
GUIDE_SHEET = "Field guide"
TEMPLATE_ROWS = 1000  # rows that carry the dropdowns
SCORE_CHOICES = [str(n) for n in range(SCORE_MIN, SCORE_MAX + 1)]


def write_template(path: str | Path) -> Path:
    """Write an empty register: sheet "Pilots" in the canonical columns, with dropdowns for
    the enumerated and 1–5 fields and number checks for counts and amounts, and a
    "Field guide" sheet explaining each field. Returns the path written."""
    import xlsxwriter  # here, not at import: `kairo validate` loads intake and never writes a workbook

    path = Path(path)
    workbook = xlsxwriter.Workbook(str(path))
    try:
        header = workbook.add_format(
            {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDE5F0"}
        )
        _write_register(workbook.add_worksheet(REGISTER_SHEET), header)
        _write_guide(workbook.add_worksheet(GUIDE_SHEET), header, workbook.add_format({"text_wrap": True}))
    finally:
        workbook.close()
    return path


def _write_register(sheet, header) -> None:
    sheet.freeze_panes(1, 0)
    for col, spec in enumerate(FIELDS):
        sheet.write(0, col, spec.name, header)
        sheet.set_column(col, col, max(12, len(spec.name) + 2))
        sheet.write_comment(0, col, f"{spec.label}: {spec.meaning}")
        validation = _validation(spec)
        if validation:
            sheet.data_validation(1, col, TEMPLATE_ROWS, col, validation)


def _validation(spec: Field) -> dict | None:
    if spec.kind == "enum":
        return {
            "validate": "list",
            "source": list(spec.allowed),
            "error_message": f"Choose a {spec.label.lower()}.",
        }
    if spec.kind == "score":
        return {"validate": "list", "source": SCORE_CHOICES, "error_message": "Choose a score from 1 to 5."}
    if spec.kind in ("count", "amount"):
        return {
            "validate": "integer" if spec.kind == "count" else "decimal",
            "criteria": ">=",
            "value": spec.minimum or 0,
            "error_message": f"{spec.label} is a number of at least {spec.minimum or 0:g}.",
        }
    return None


def _write_guide(sheet, header, wrapped) -> None:
    columns = ("Field", "Label", "Meaning", "Allowed values", "Required")
    widths = (24, 24, 60, 44, 10)
    for col, (title, width) in enumerate(zip(columns, widths, strict=True)):
        sheet.write(0, col, title, header)
        sheet.set_column(col, col, width, wrapped)
    for row, spec in enumerate(FIELDS, start=1):
        sheet.write_row(
            row, 0, [spec.name, spec.label, spec.meaning, _allowed_text(spec), "yes" if spec.required else ""]
        )


def _allowed_text(spec: Field) -> str:
    if spec.kind == "enum":
        return ", ".join(spec.allowed)
    if spec.kind == "score":
        return f"{SCORE_MIN} (lowest) to {SCORE_MAX} (highest); blank = unknown"
    if spec.is_numeric:
        return f"a number ≥ {spec.minimum or 0:g}; blank = unknown"
    return "text; pilot_id may stay blank (derived from name and unit)" if spec.name == "pilot_id" else "text"
