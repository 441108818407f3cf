"""Intake: upload a register as it is, check what was detected and mapped, fix, save as a snapshot."""

from __future__ import annotations

import hashlib
from datetime import date

import pandas as pd
import streamlit as st

from kairo_scoring import (
    READABLE_FORMATS,
    READABLE_SUFFIXES,
    Action,
    IntakeError,
    KairoError,
    ProfileError,
    as_of_text,
    count,
    count_phrase,
    day_text,
    field_label,
    file_as_of,
    list_mappings,
    load_mapping,
    mapping_from_toml,
    mapping_to_toml,
    mapping_with_columns,
)
from ui import intake_mapping, loaders
from ui.assessment_returns import render_returns
from ui.auth import allowed, current_actor, denied_notice
from ui.sidebar import current_view
from ui.state import PORTFOLIO_KEY, flash
from ui.tables import table_height
from ui.text import md_escape, upload_basename, upload_stem
from ui.validation_report import validation_report

AUTO = "Detect automatically"

view = current_view()
st.title("Intake")
st.caption(
    "Upload the register you already keep (xlsx, xlsm, xls, xlsb, ods or csv), with your own headers and layout. "
    "Every row is accounted for: accepted, or rejected with the reason."
)
st.download_button(
    "Download the blank register template",
    data=loaders.template_bytes,
    file_name="kairo_register_template.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/table_view:",
    on_click="ignore",
)
if view.presenting:
    st.info("Intake is hidden in presentation mode.", icon=":material/slideshow:")
    st.stop()


render_returns(view)


# No `type=`: Streamlit checks that server-side before the page runs and answers a crafted
# name (a NUL, another extension) with an exception box; the page refuses it in words.
upload = st.file_uploader(
    "Portfolio register", key="register_upload", help=f"{READABLE_FORMATS[0].upper()}{READABLE_FORMATS[1:]}."
)
if upload is None:
    st.stop()
if "\0" in upload.name:
    st.error(
        "The file name contains a NUL character: rename the file and upload it again.",
        icon=":material/error:",
    )
    st.stop()
source_name = upload_basename(upload.name)  # text only: never used as a path
if not source_name.lower().endswith(READABLE_SUFFIXES):
    st.error(
        f"{md_escape(source_name)} is not {READABLE_FORMATS}: upload the register in one of those formats.",
        icon=":material/error:",
    )
    st.stop()
data = upload.getvalue()
digest = hashlib.sha256(data).hexdigest()

stored_mappings = view.store.mappings()
stored_names = [f"saved: {n}" for n in stored_mappings["name"]] if len(stored_mappings) else []
options_col, sheet_col = st.columns(2)
mapping_choice = options_col.selectbox(
    "Mapping profile",
    [AUTO, *list_mappings(), *stored_names],
    key="intake_mapping",
    help="How your headers and answers map to Kairo's fields; us-federal-2025 reads the US federal AI inventory.",
)
mapping_name = None if mapping_choice == AUTO else mapping_choice
mapping_toml = None
if mapping_choice.startswith("saved: "):
    mapping_name, mapping_toml = None, view.store.load_mapping_text(mapping_choice.removeprefix("saved: "))


def read(sheet: str | None, overrides: dict[str, str]):
    return loaders.read_upload(
        digest, data, source_name, mapping_name, mapping_toml, sheet, tuple(sorted(overrides.items()))
    )


# Progress of a long import, stage by stage (the page's own steps): reading, mapping, validating.
progress = st.status(f"Reading {md_escape(source_name)}…", expanded=False)
progress_bar = progress.progress(0, text="Reading the file: finding the sheet and the header row")


def ask_for_name_column(problem: Exception) -> dict[str, str]:
    """When no header is recognised as the pilot name, let the user point at the column."""
    try:
        found = loaders.detect_upload(digest, data, source_name, mapping_name, mapping_toml)
    except (IntakeError, ProfileError):
        found = None
    if found is None or not found.headers:
        progress.update(label=f"{md_escape(source_name)} cannot be read", state="error")
        st.error(f"This file cannot be read as a register: {md_escape(problem)}", icon=":material/error:")
        st.stop()
    progress.update(label="Read: pick the column that names each pilot below", state="complete")
    st.warning(
        "No column was recognised as the pilot name. Pick the column that names each pilot.",
        icon=":material/help:",
    )
    chosen = intake_mapping.name_column_choice(found, list(found.headers))
    if chosen is None:
        st.stop()
    return {"name": chosen}


base_overrides: dict[str, str] = {}
try:
    try:
        detected = read(None, base_overrides)
    except IntakeError as exc:
        base_overrides = ask_for_name_column(exc)
        detected = read(None, base_overrides)
    progress.caption(
        f"Reading: {count_phrase(detected.total_rows, 'data row')}"
        + (f" on sheet {md_escape(detected.sheet)}" if detected.sheet else "")
        + f", header on row {detected.header_row}"
    )
    progress_bar.progress(40, text="Mapping the columns")
    candidates = [c.name for c in detected.detection.candidate_sheets] if detected.detection else []
    sheet = None
    if len(candidates) > 1:
        sheet = sheet_col.selectbox(
            "Sheet", candidates, index=candidates.index(detected.sheet), key="intake_sheet"
        )
        if sheet == detected.sheet:
            sheet = None
    sheet = (intake_mapping.same_layout_choice(detected.detection) if sheet is None else None) or sheet
    base = read(sheet, base_overrides) if sheet else detected
    answered_toml = intake_mapping.mapping_with_answers(digest, base.mapping_name, mapping_toml)
    if answered_toml != mapping_toml:  # answers given meanings below: read with them
        mapping_toml = answered_toml
        base = read(sheet, base_overrides)
except (IntakeError, ProfileError) as exc:
    progress.update(label=f"{md_escape(source_name)} cannot be read", state="error")
    st.error(f"This file cannot be read as a register: {md_escape(exc)}", icon=":material/error:")
    st.stop()
progress.caption(
    f"Mapping: {count_phrase(len(base.column_mapping), 'column')} mapped ({md_escape(base.mapping_name)})"
)
progress_bar.progress(70, text="Validating the rows")

st.subheader("What was detected")
cols = st.columns(5)
cols[0].metric("Sheet", md_escape(base.sheet) if base.sheet else "(csv)")
cols[1].metric("Header row", base.header_row if base.header_row is not None else "—")
cols[2].metric("Mapping", md_escape(base.mapping_name))
cols[3].metric("Rows accepted", count(len(base.pilots)))
cols[4].metric("Rows rejected", count(len(base.rejected)))
if base.detection and len(base.detection.candidate_sheets) > 1:
    with st.expander("Sheets considered"):
        st.dataframe(
            pd.DataFrame([c.__dict__ for c in base.detection.candidate_sheets]).drop(
                columns=["header_choices", "header_key"]
            ),
            hide_index=True,
        )

st.subheader("Column mapping")
intake_mapping.matching_notes(base.detection, view.profile.currency)
headers = list(base.detection.headers) if base.detection else []
overrides = intake_mapping.mapping_editor(base, headers, key=f"{digest}::{mapping_choice}::{sheet}")
try:
    result = read(sheet, {**base_overrides, **overrides}) if overrides else base
except (IntakeError, ProfileError) as exc:
    progress.update(label="That mapping cannot be used", state="error")
    st.error(f"That mapping cannot be used: {md_escape(exc)}", icon=":material/error:")
    st.stop()
progress.caption(
    f"Validating: {count(len(result.pilots))} accepted, {count(len(result.rejected))} rejected, "
    f"{count_phrase(len(result.issues), 'issue')}"
)
progress_bar.progress(100, text="Read, mapped and validated")
progress.update(
    label=f"Read {md_escape(source_name)}: {count(len(result.pilots))} accepted, "
    f"{count(len(result.rejected))} rejected",
    state="complete",
)
if overrides:
    st.caption(f"{count_phrase(len(overrides), 'column')} mapped by hand.")
if result.missing_inputs:
    st.warning(
        "The source does not provide these scoring inputs, so they stay unknown: "
        + md_escape(", ".join(field_label(f) for f in result.missing_inputs)),
        icon=":material/help:",
    )
if result.unmapped_columns:
    with st.expander(f"{count_phrase(len(result.unmapped_columns), 'source column')} not used"):
        st.dataframe(pd.DataFrame({"column": list(result.unmapped_columns)}), hide_index=True)
intake_mapping.answer_mapping_section(result, digest)


def save_mapping(chosen: dict[str, str]) -> None:
    """Save the mapping as confirmed above under a name, to reuse for the next register."""
    name = str(st.session_state.get("mapping_save_name") or "").strip()
    try:
        base_profile = mapping_from_toml(mapping_toml) if mapping_toml else load_mapping(result.mapping_name)
        saved = mapping_with_columns(base_profile, chosen, name=name)
        view.store.save_mapping(saved.name, mapping_to_toml(saved), actor=current_actor())
    except KairoError as exc:  # a bad profile, the store, or a role too low at this moment
        st.session_state["intake_error"] = str(exc)
        return
    flash(f"Saved the mapping as {md_escape(saved.name)}: pick 'saved: {md_escape(saved.name)}' next time.")


if allowed(Action.SAVE_MAPPING):
    with st.expander("Save this mapping for next time"):
        st.text_input("Mapping name", key="mapping_save_name", placeholder="e.g. Finance register")
        st.button(
            "Save mapping",
            icon=":material/save:",
            on_click=save_mapping,
            args=(dict(result.column_mapping),),
            disabled=not str(st.session_state.get("mapping_save_name") or "").strip(),
        )

st.subheader("Preview")
st.dataframe(
    result.pilots.head(200),
    hide_index=True,
    width="stretch",
    height=table_height(min(len(result.pilots), 200), limit=320),
)

validation_report(result, source_name)

st.subheader("Save as a snapshot")
error = st.session_state.pop("intake_error", None)
if error:  # shown before the role check: a write refused for a changed role says why
    st.error(md_escape(error), icon=":material/error:")
if not allowed(Action.IMPORT):
    denied_notice(Action.IMPORT, "Saving a register as a snapshot")
    st.stop()


def save_snapshot(intake_result) -> None:
    name = str(st.session_state.get("intake_portfolio") or "").strip()
    saving = st.status(f"Saving {count_phrase(len(intake_result.pilots), 'pilot')} as a snapshot…")
    try:
        info = view.store.import_snapshot(
            intake_result,
            portfolio=name,
            profile_name=view.profile.name,
            profile_version=view.profile.version,
            profile_hash=view.profile.content_hash,
            as_of=st.session_state.get("intake_as_of"),  # None: the store dates it today
            actor=current_actor(),  # the store checks this user's role as it is now
        )
    except KairoError as exc:
        saving.update(label="Not saved", state="error")
        st.session_state["intake_error"] = str(exc)
        return
    saving.update(label=f"Saved snapshot #{info.snapshot_id}", state="complete")
    st.session_state[PORTFOLIO_KEY] = info.portfolio
    st.session_state["snapshot_id"] = None
    flash(
        f"Saved snapshot #{info.snapshot_id} of {md_escape(info.portfolio)} "
        f"({count_phrase(info.pilots, 'pilot')}, {as_of_text(info.as_of)})."
        if info.is_new
        else f"This file was already imported as snapshot #{info.snapshot_id} ({as_of_text(info.as_of)}); "
        "nothing new was stored."
    )


# The date the register describes: the file's own save date, else today; reset for each new file.
file_date = file_as_of(data)
if st.session_state.get("intake_as_of_for") != digest or "intake_as_of" not in st.session_state:
    st.session_state["intake_as_of"] = file_date or date.today()
    st.session_state["intake_as_of_for"] = digest
name_col, as_of_col, save_col = st.columns([3, 2, 2], vertical_alignment="bottom")
name_col.text_input(
    "Portfolio",
    value=upload_stem(source_name).replace("_", " ").strip() or "New portfolio",
    key="intake_portfolio",
    max_chars=120,
    help="A new name starts a portfolio; an existing name adds a snapshot to it (for quarterly reviews).",
)
as_of_col.date_input(
    "Data as of",
    key="intake_as_of",
    min_value=date(1980, 1, 1),  # a file's own date can be older than the widget's default ten years
    max_value=date(date.today().year + 1, 12, 31),
    format="YYYY-MM-DD",
    help="The date the register describes: History names and orders snapshots by it. "
    + (
        f"The file was last saved on {day_text(file_date)}."
        if file_date
        else "The file records no date, so it starts as today."
    ),
)
save_col.button(
    "Save snapshot",
    type="primary",
    icon=":material/save:",
    on_click=save_snapshot,
    args=(result,),
    disabled=result.pilots.empty,
)
