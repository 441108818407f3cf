"""The *map* stage of intake: the mapping profile chosen for the located table, the plan of
which source column feeds each field (with the caller's overrides and an accepted name
suggestion), and the ``Detection`` that says what was found. Its result, ``_Prepared``, is
what ``detect`` answers with and what the later stages of ``read_portfolio`` read. (Named
``map_stage`` so as not to shadow the builtin ``map``.)"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from kairo_scoring.intake.detect import (
    Detection,
    choose_profile,
    currency_of,
    describe_derivations,
    plan_columns,
    same_layout,
    split_plan,
    suggest_name_columns,
)
from kairo_scoring.intake.locate import _Located
from kairo_scoring.intake.mapping import MappingProfile
from kairo_scoring.intake.readers import RawSheet, Workbook
from kairo_scoring.intake.table import SourceTable, with_sheet_column


@dataclass(frozen=True)
class _Prepared:
    data: bytes
    name: str
    workbook: Workbook
    sheet: RawSheet
    table: SourceTable
    profile: MappingProfile
    plan: dict[str, str]
    detection: Detection
    # A register read from several sheets: each sheet with its own table, and per row of the
    # combined table the sheet and Excel row it came from.
    parts: tuple[tuple[RawSheet, SourceTable], ...] = ()
    origin: pd.DataFrame | None = None


def _map(
    data: bytes,
    name: str,
    located: _Located,
    profiles: tuple[MappingProfile, ...],
    overrides: Mapping[str, str] | None,
    accept_suggestions: bool,
) -> _Prepared:
    """Choose the mapping profile, plan which column feeds each field, and say what was found."""
    workbook, sheet, table, origin = located.workbook, located.sheet, located.table, located.origin
    profile = choose_profile(table.columns, profiles)
    if origin is not None:  # the sheet name is kept as the pilots' `sheet` column
        profile = with_sheet_column(profile)
    plan, matches = plan_columns(table.columns, profile, overrides)
    suggestions = suggest_name_columns(table.cells, plan) if "name" not in plan else ()
    accepted = tuple(s for s in suggestions[:1] if accept_suggestions and s.confident)
    for suggestion in accepted:
        plan[suggestion.field] = suggestion.column
    fields, others = split_plan(plan)
    currency, currency_column = currency_of(table.columns, plan)
    candidates = located.candidates
    chosen = next((c for c in candidates if c.name == sheet.name), None)
    detection = Detection(
        kind=workbook.kind,
        sheet=table.sheet,
        header_row=table.header_row,
        headers=table.columns,
        candidate_sheets=candidates,
        mapping_name=profile.name,
        column_mapping=fields,
        input_mapping=others,
        derived_fields=describe_derivations(profile, plan),
        encoding=workbook.encoding,
        delimiter=workbook.delimiter,
        header_choices=chosen.header_choices if chosen is not None else (),
        matches=matches,
        suggestions=suggestions,
        accepted=accepted,
        currency=currency,
        currency_column=currency_column,
        same_layout_sheets=same_layout(candidates, sheet.name),
    )
    return _Prepared(data, name, workbook, sheet, table, profile, plan, detection, located.parts, origin)
