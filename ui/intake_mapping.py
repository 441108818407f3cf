"""The Intake page's matching widgets: the pilot-name suggestion, how columns were matched,
the column mapping editor, sheets read as one register, and what the answers in coded columns mean (the value maps
saved with a mapping profile). The library decides; these only show and ask."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kairo_scoring import (
    FIELDS,
    answer_choices,
    answer_target,
    count_phrase,
    field_label,
    field_meaning,
    load_mapping,
    mapping_from_toml,
    mapping_to_toml,
    mapping_with_values,
    percent,
    preview_answers,
)
from ui.tables import table_height
from ui.text import md_escape

# Session key: upload digest → {field: {answer key: value map target}} applied on the page.
ANSWER_MAPS_KEY = "intake_answer_maps"
AS_READ = "(as read)"
NOT_MAPPED = "(not mapped)"
FIELD_NAMES = frozenset(f.name for f in FIELDS)


def name_column_choice(found, headers: list[str]) -> str | None:
    """A select box of the headers for the pilot name, the content suggestion marked with its
    confidence; nothing is chosen until the user picks (a suggestion is never applied unasked)."""
    suggested = {s.column: s for s in found.suggestions if s.field == "name"} if found else {}
    if suggested:
        best = next(iter(suggested.values()))
        st.info(
            f"Suggested from its content: **{md_escape(best.column)}** (confidence {percent(best.confidence)}: "
            f"{md_escape(best.reason)}). Pick it to confirm, or pick another column.",
            icon=":material/lightbulb:",
        )

    def shown(header: str) -> str:
        hint = suggested.get(header)
        return f"{header} (suggested, {percent(hint.confidence)})" if hint else header

    return st.selectbox("Pilot name column", headers, index=None, key="intake_name_column", format_func=shown)


def same_layout_choice(detection) -> tuple[str, ...] | None:
    """When several sheets share the chosen sheet's columns, offer to read them as one
    register (the sheet name kept as a column); the sheets, or None for one sheet."""
    alike = tuple(detection.same_layout_sheets) if detection else ()
    if len(alike) < 2:
        return None
    together = st.checkbox(
        f"Read the {len(alike)} sheets with these columns as one register ({md_escape(', '.join(alike))})",
        key="intake_all_sheets",
        help="For a register kept as one sheet per unit or quarter. Each row keeps its sheet's name "
        "in a 'sheet' column.",
    )
    return alike if together else None


def matching_notes(detection, currency: str | None) -> None:
    """How the header row and the columns were found, when it was not plain: the runner-up
    header row, columns matched by their words with a score, the currency a header names."""
    if detection is None:
        return
    notes = []
    choices = detection.header_choices
    if len(choices) > 1 and choices[1].score >= 0.5 * choices[0].score:
        notes.append(
            f"Header row {choices[0].row} ({md_escape(choices[0].evidence)}); runner-up row {choices[1].row} "
            f"({md_escape(choices[1].evidence)})."
        )
    loose = [m for m in detection.matches.values() if m.how != "alias"]
    if loose:
        listed = "; ".join(
            f"'{md_escape(m.column)}' → {md_escape(field_label(m.target)) if m.target in FIELD_NAMES else md_escape(m.target)} "
            f"({percent(m.score)})"
            for m in loose
        )
        notes.append(f"Matched by their words, not an exact alias: {listed}. Change any below.")
    if detection.currency and currency and detection.currency != currency:
        notes.append(
            f"The header '{md_escape(detection.currency_column)}' names {detection.currency}, but the scoring "
            f"profile counts money in {currency}: amounts are read as they are, not converted."
        )
    elif detection.currency:
        notes.append(
            f"Amounts in {detection.currency} (from the header '{md_escape(detection.currency_column)}')."
        )
    for note in notes:
        st.caption(note)


def mapping_editor(result, headers: list[str], key: str) -> dict[str, str]:
    """The column mapping, full width: each Kairo field by its label, what it means and holds,
    and the header of the source column that feeds it. Edits wait in a form for "Apply the
    column mapping", so changing a cell does not re-read the file; the fields changed by hand
    come back by their codes (field → header, "" for not mapped), which is what is saved."""
    current = [result.column_mapping.get(f.name, NOT_MAPPED) for f in FIELDS]
    derived = [result.derived_fields.get(f.name, "") for f in FIELDS]
    frame = pd.DataFrame(
        {
            "field": [f.name for f in FIELDS],  # the code, not shown: the mapping is kept by code
            "label": [field_label(f.name) for f in FIELDS],
            "meaning": [field_meaning(f.name) for f in FIELDS],
            "source_column": current,
            "derived": derived,
        }
    )
    shown = ["label", "meaning", "source_column"] + (["derived"] if any(derived) else [])
    with st.form(f"mapping_form::{key}", border=False):
        edited = st.data_editor(
            frame,
            key=f"mapping_editor::{key}",
            hide_index=True,
            width="stretch",
            height=table_height(len(frame), limit=700),
            column_order=shown,
            disabled=["field", "label", "meaning", "derived"],
            column_config={
                "label": st.column_config.TextColumn("Kairo field", width="medium"),
                "meaning": st.column_config.TextColumn("What it means", width="large"),
                "source_column": st.column_config.SelectboxColumn(
                    "Your column",
                    options=[NOT_MAPPED, *headers],
                    required=True,
                    width="medium",
                    help="The header in your file whose cells fill this field",
                ),
                "derived": st.column_config.TextColumn("Derived from", width="medium"),
            },
        )
        st.form_submit_button(
            "Apply the column mapping",
            icon=":material/done_all:",
            help="Re-reads the file with the columns chosen above",
        )
    return {
        field: ("" if chosen == NOT_MAPPED else chosen)
        for field, chosen, before in zip(frame["field"], edited["source_column"], current, strict=True)
        if chosen != before
    }


def applied_answer_maps(digest: str) -> dict[str, dict[str, object]]:
    """The answer meanings applied on the page for this upload (field → answer → target)."""
    return st.session_state.get(ANSWER_MAPS_KEY, {}).get(digest, {})


def mapping_with_answers(digest: str, profile_name: str, mapping_toml: str | None) -> str | None:
    """The mapping to read with, as TOML: the chosen one plus the answers applied on the page;
    ``mapping_toml`` unchanged when none were."""
    maps = applied_answer_maps(digest)
    if not maps:
        return mapping_toml
    profile = mapping_from_toml(mapping_toml) if mapping_toml else load_mapping(profile_name)
    return mapping_to_toml(mapping_with_values(profile, maps))


def answer_mapping_section(result, digest: str) -> None:
    """Per coded column: each distinct answer, its cells, how it reads now and what it means
    here (a value, unknown or reject), with a preview of what the choices fix. Applying them
    re-reads the file with the answers in the mapping (saved with it below)."""
    answers = result.answers
    if answers is None or answers.empty:
        return
    st.subheader("What the answers mean")
    unusable = answers[answers["severity"] == "warning"].groupby("field")["cells"].sum()
    fields = sorted(answers["field"].unique(), key=lambda f: -int(unusable.get(f, 0)))
    columns = dict(zip(answers["field"], answers["column"], strict=False))

    def shown(name: str) -> str:
        bad = int(unusable.get(name, 0))
        return f"{field_label(name)} · column '{columns[name]}'" + (
            f" · {count_phrase(bad, 'cell')} unusable" if bad else ""
        )

    field = st.selectbox("Column", fields, format_func=shown, key="answer_field")
    applied = applied_answer_maps(digest).get(field, {})
    rows = answers[answers["field"] == field].reset_index(drop=True)
    frame = pd.DataFrame(
        {
            "answer": rows["answer"],
            "cells": rows["cells"],
            "reads_as": rows["reads_as"],
            "means": [_choice(field, applied.get(key)) for key in rows["key"]],
        }
    )
    edited = st.data_editor(
        frame,
        key=f"answer_editor::{digest}::{field}",
        hide_index=True,
        width="stretch",
        disabled=["answer", "cells", "reads_as"],
        column_config={
            "answer": st.column_config.TextColumn("Answer in the file"),
            "cells": st.column_config.NumberColumn("Cells"),
            "reads_as": st.column_config.TextColumn("Reads as now"),
            "means": st.column_config.SelectboxColumn(
                "Means here", options=[AS_READ, *answer_choices(field)], required=True
            ),
        },
    )
    choices = {
        key: means for key, means in zip(rows["key"], edited["means"], strict=True) if means != AS_READ
    }
    preview = preview_answers(answers, field, choices)
    cols = st.columns(4)
    cols[0].metric("Cells these choices fix", preview.fixed)
    cols[1].metric("Marked unknown on purpose", preview.marked_unknown)
    cols[2].metric("Cells whose row is rejected", preview.rejected)
    cols[3].metric("Still unusable", preview.still_unusable)
    targets = {key: answer_target(field, means) for key, means in choices.items()}
    if st.button(
        "Apply these meanings", icon=":material/rule:", key="apply_answers", disabled=targets == applied
    ):
        maps = dict(st.session_state.get(ANSWER_MAPS_KEY, {}))
        maps[digest] = {**applied_answer_maps(digest), field: targets}
        st.session_state[ANSWER_MAPS_KEY] = maps
        st.rerun()
    if applied_answer_maps(digest):
        st.caption("Applied meanings are part of the mapping: save the mapping below to reuse them.")


def _choice(field: str, target: object) -> str:
    """A value map target as the editor's choice."""
    if target is None:
        return AS_READ
    for choice in answer_choices(field):
        if answer_target(field, choice) == target:
            return choice
    return AS_READ
