"""Cached loaders: one per data source, keyed on content hashes.

The store is the one `cache_resource` (a DuckDB connection shared by every session; the
store opens a fresh cursor per unit of work). Everything else is `cache_data`, so each
caller gets its own copy.

Decisions are read from the store on every run (`load_decisions`: one small query), so a
decision or sign-off written by this session, another session or another replica shows on
the next rerun; what costs (`decision_states`, ~0.35 s per 10,000 pilots) is cached on the
snapshot and the decisions' content hash (`snapshot_decision_states`).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from kairo_scoring import (
    STORE_PATH_ENV,
    DecidingQuestions,
    IntakeResult,
    PortfolioStore,
    Profile,
    ScoredPortfolio,
    anonymise,
    deciding_questions,
    decision_states,
    default_profile,
    detect,
    ensure_default_profile,
    ensure_sample_portfolio,
    mapping_from_toml,
    profile_from_toml,
    read_portfolio,
    resolve_store_path,
    score,
    subset,
    with_table,
    write_template,
)

DATA_DIR = Path(__file__).resolve().parents[1] / "data"


def store_key() -> str:
    """The store this process uses, as a cache key: $KAIRO_STORE, else ``KAIRO_STORE`` at the
    top of Streamlit's secrets.toml (how a PostgreSQL URL with its password is best kept),
    else data/kairo.duckdb. Never typed on a page."""
    if not os.environ.get(STORE_PATH_ENV) and st.secrets.load_if_toml_exists():
        secret = st.secrets.get(STORE_PATH_ENV)
        if isinstance(secret, str) and secret.strip():
            return str(resolve_store_path(secret.strip()))
    return str(resolve_store_path())


@st.cache_resource(show_spinner="Opening the portfolio store…")
def _open_store(path: str) -> PortfolioStore:
    store = PortfolioStore(path)
    shipped = default_profile()
    ensure_default_profile(store, shipped)
    ensure_sample_portfolio(store, DATA_DIR, shipped)
    return store


def get_store() -> PortfolioStore:
    """The shared store, with the default profile and the bundled sample in it."""
    return _open_store(store_key())


@st.cache_data(max_entries=16, show_spinner=False)
def load_pilots(path: str, snapshot_id: int, content_hash: str) -> pd.DataFrame:
    """A snapshot's pilots (keyed on the snapshot's content hash)."""
    pilots = _open_store(path).load_pilots(snapshot_id)
    return pilots.drop(columns=["source_row"], errors="ignore")


@st.cache_data(max_entries=16, show_spinner=False)
def load_rejected(path: str, snapshot_id: int, content_hash: str) -> pd.DataFrame:
    return _open_store(path).load_rejected(snapshot_id)


@st.cache_data(max_entries=16, show_spinner=False)
def load_issues(path: str, snapshot_id: int, content_hash: str) -> pd.DataFrame:
    return _open_store(path).load_issues(snapshot_id)


@st.cache_data(max_entries=16, show_spinner=False)
def load_provenance(path: str, snapshot_id: int, content_hash: str) -> pd.DataFrame:
    """Where each known value of a snapshot came from (keyed on the snapshot's content hash)."""
    return _open_store(path).load_provenance(snapshot_id)


@st.cache_data(max_entries=32, show_spinner="Loading the profile…")
def parse_profile(toml_text: str) -> Profile:
    return profile_from_toml(toml_text)


def load_profile(name: str, version: int) -> Profile:
    """A stored scoring profile (the shipped default when the store does not have it)."""
    try:
        return parse_profile(get_store().load_profile_text(name, version))
    except Exception:  # noqa: BLE001 - a missing or unreadable profile falls back to the default
        return default_profile()


@st.cache_data(max_entries=24, show_spinner="Scoring the portfolio…")
def scored_snapshot(path: str, snapshot_id: int, content_hash: str, profile_toml: str) -> ScoredPortfolio:
    """A snapshot scored with a profile (keyed on both contents, never on presentation)."""
    return score(load_pilots(path, snapshot_id, content_hash), parse_profile(profile_toml))


@st.cache_data(max_entries=24, show_spinner="Finding the deciding questions…")
def deciding_snapshot(
    path: str, snapshot_id: int, content_hash: str, profile_toml: str, in_view: np.ndarray | None
) -> DecidingQuestions:
    """The deciding questions of a scored snapshot's pilots (`in_view`: the rows the filters
    keep, None for all), keyed like `scored_snapshot` and never on presentation: aliases are
    applied to the result (`View.questions`)."""
    scored = scored_snapshot(path, snapshot_id, content_hash, profile_toml)
    return deciding_questions(scored if in_view is None else subset(scored, in_view))


def load_decisions(path: str, portfolio: str) -> pd.DataFrame:
    """Every decision on the portfolio's pilots, fresh from the store (not cached: see above)."""
    return _open_store(path).decisions(portfolio)


def decisions_key(decisions: pd.DataFrame) -> str:
    """A content hash of a decisions frame: what the cached decision states are keyed on."""
    return hashlib.sha256(decisions.to_csv(index=False).encode("utf-8")).hexdigest()


@st.cache_data(max_entries=64, show_spinner=False)
def _decision_states(
    path: str,
    snapshot_id: int,
    content_hash: str,
    profile_toml: str,
    decisions_hash: str,
    as_of: pd.Timestamp | None,
    today: str,  # a review date that comes due flags "to review": the key changes with the day
    _decisions: pd.DataFrame,
) -> pd.DataFrame:
    return decision_states(
        _decisions, scored_snapshot(path, snapshot_id, content_hash, profile_toml), as_of=as_of
    )


def snapshot_decision_states(
    path: str,
    snapshot_id: int,
    content_hash: str,
    profile_toml: str,
    decisions: pd.DataFrame,
    *,
    as_of: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """`decision_states` of a scored snapshot's pilots (in its row order) against ``decisions``
    (as they stood at ``as_of``; None: now), cached per snapshot, profile and decisions hash."""
    today = datetime.now(UTC).date().isoformat()
    key = decisions_key(decisions)
    return _decision_states(path, snapshot_id, content_hash, profile_toml, key, as_of, today, decisions)


def presented_snapshot(
    path: str, snapshot_id: int, content_hash: str, profile_toml: str, *, anonymised: bool
) -> ScoredPortfolio:
    """The cached scored snapshot, anonymised for presenting: switching presentation mode
    relabels the cached result and never scores again."""
    scored = scored_snapshot(path, snapshot_id, content_hash, profile_toml)
    return with_table(scored, anonymise(scored.table)) if anonymised else scored


@st.cache_data(max_entries=8, show_spinner=False)
def detect_upload(
    content_hash: str, _data: bytes, filename: str, mapping_name: str | None, mapping_toml: str | None
):
    """What intake finds in an upload (sheet, header row, headers) even when it cannot read the rows."""
    mapping = mapping_from_toml(mapping_toml) if mapping_toml else mapping_name
    return detect(_data, filename=filename, mapping=mapping)


@st.cache_data(max_entries=8, show_spinner="Reading the file…")
def read_upload(
    content_hash: str,
    _data: bytes,
    filename: str,
    mapping_name: str | None,
    mapping_toml: str | None,
    sheet: str | None,
    overrides: tuple[tuple[str, str], ...],
) -> IntakeResult:
    """Read an upload through intake, keyed on the bytes' hash and the chosen options.

    `mapping_toml` is a stored mapping's text (it wins over `mapping_name`).
    """
    mapping = mapping_from_toml(mapping_toml) if mapping_toml else mapping_name
    return read_portfolio(
        _data, filename=filename, mapping=mapping, sheet=sheet, column_overrides=dict(overrides) or None
    )


@st.cache_data(show_spinner=False)
def template_bytes() -> bytes:
    """The blank register template as xlsx bytes."""
    with tempfile.TemporaryDirectory() as folder:
        path = write_template(Path(folder) / "kairo_register_template.xlsx")
        return path.read_bytes()
