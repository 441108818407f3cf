"""The sidebar every page shares: portfolio, snapshot, scoring profile, filters, presentation mode.

`render_sidebar()` draws the widgets and returns the `View` that pages render from;
`render_sidebar(draw=False)` returns the same view and draws nothing (a session's first run,
where the Portfolio page's headline goes out before the sidebar: see app.py).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from kairo_scoring import (
    DECISION_FILTER_STATES,
    FILTER_FIELDS,
    SAMPLE_PORTFOLIO,
    DecidingQuestions,
    PortfolioFilter,
    PortfolioStore,
    Profile,
    ScoredPortfolio,
    count,
    count_phrase,
    decision_state_label,
    field_label,
    filter_choices,
    presented_questions,
    snapshot_label,
    snapshots_by_as_of,
    subset,
    value_label,
)
from ui import loaders
from ui.state import (
    DECISION_FILTER_KEY,
    FILTER_KEYS,
    PORTFOLIO_KEY,
    PRESENT_KEY,
    PROFILE_KEY,
    keep_valid_choice,
    keep_valid_choices,
    presenting,
)


@dataclass(frozen=True)
class Snapshot:
    snapshot_id: int
    content_hash: str
    label: str  # snapshot_label: the as-of date first, the file unless presenting
    source_name: str
    created_at: pd.Timestamp  # when it was imported
    as_of: date  # the date its data describes


@dataclass(frozen=True)
class View:
    """What every page renders from: the chosen data, profile and filters, already scored."""

    store: PortfolioStore
    store_path: str
    portfolio: str
    snapshot: Snapshot
    snapshots: tuple[Snapshot, ...]  # newest import first
    by_as_of: tuple[Snapshot, ...]  # oldest first by the date each describes (History's order)
    profile: Profile
    profile_toml: str
    everything: ScoredPortfolio  # the whole snapshot (anonymised when presenting)
    scored: ScoredPortfolio  # after the filters
    filters: PortfolioFilter
    presenting: bool
    decisions: pd.DataFrame  # every decision on the portfolio's pilots (store.decisions), fresh
    everything_states: pd.DataFrame  # decision_states of `everything`, row for row
    states: pd.DataFrame  # decision_states of `scored` (the pilots in view), row for row

    def _presented(self, snapshot: Snapshot) -> ScoredPortfolio:
        return loaders.presented_snapshot(
            self.store_path,
            snapshot.snapshot_id,
            snapshot.content_hash,
            self.profile_toml,
            anonymised=self.presenting,
        )

    def _decision_states(self, snapshot: Snapshot, as_of: pd.Timestamp | None = None) -> pd.DataFrame:
        return loaders.snapshot_decision_states(
            self.store_path,
            snapshot.snapshot_id,
            snapshot.content_hash,
            self.profile_toml,
            self.decisions,
            as_of=as_of,
        )

    def _in_view(self, snapshot: Snapshot, other: ScoredPortfolio) -> object:
        """The rows of another snapshot the filters keep (the decision filter by their state now)."""
        states = self._decision_states(snapshot)["state"] if self.filters.decision else None
        return self.filters.mask(other.table, states)

    def score_snapshot(self, snapshot: Snapshot) -> ScoredPortfolio:
        """Another snapshot of this portfolio, scored with this profile and filtered alike."""
        other = self._presented(snapshot)
        return subset(other, self._in_view(snapshot, other))

    def snapshot_states(self, snapshot: Snapshot, *, as_of: pd.Timestamp | None = None) -> pd.DataFrame:
        """The decision states of another snapshot's pilots in view (filtered alike), with the
        decisions as they stood at ``as_of`` (None: now); row for row with `score_snapshot`."""
        keep = self._in_view(snapshot, self._presented(snapshot))
        return self._decision_states(snapshot, as_of)[keep].reset_index(drop=True)

    def questions(self) -> DecidingQuestions:
        """The deciding questions of the pilots in view, computed once per snapshot, profile and
        filters (cached), with the aliases of presentation mode applied to the result."""
        in_view = (
            self.filters.mask(self.everything.table, self.everything_states["state"])
            if self.filters.active
            else None
        )
        key = (self.store_path, self.snapshot.snapshot_id, self.snapshot.content_hash, self.profile_toml)
        found = loaders.deciding_snapshot(*key, in_view)
        if not self.presenting:
            return found
        return presented_questions(found, loaders.scored_snapshot(*key).table, self.everything.table)


def _snapshots(store: PortfolioStore, portfolio: str) -> tuple[tuple[Snapshot, ...], tuple[Snapshot, ...]]:
    """The portfolio's snapshots newest import first, and oldest first by as-of date. In
    presentation mode a label leaves out the file name (it may name a client or a person)."""
    frame = store.snapshots(portfolio)
    hide_files = presenting()
    snapshots = {
        int(row["snapshot_id"]): Snapshot(
            int(row["snapshot_id"]),
            str(row["content_hash"]),
            snapshot_label(row["snapshot_id"], row["as_of"], None if hide_files else str(row["source_name"])),
            str(row["source_name"]),
            pd.Timestamp(row["created_at"]),
            pd.Timestamp(row["as_of"]).date(),
        )
        for _, row in frame.iterrows()
    }
    by_as_of = tuple(snapshots[int(i)] for i in snapshots_by_as_of(frame)["snapshot_id"])
    return tuple(snapshots.values()), by_as_of


def profile_options(store: PortfolioStore) -> dict[str, tuple[str, int]]:
    """'default v2' → (name, version); the shipped default first, then by name and version."""
    stored = store.profiles()
    pairs = sorted(
        {(str(r["name"]), int(r["version"])) for _, r in stored.iterrows()},
        key=lambda p: (p != ("default", 1), p[0].casefold(), p[1]),
    )
    return {f"{name} v{version}": (name, version) for name, version in pairs} or {
        "default v1": ("default", 1)
    }


class _Unseen:
    """The sidebar's widgets, undrawn: each returns what the widget shows on this run — its value
    in session state (a shared link's, checked by `keep_valid_choice(s)` first), else its
    default. Right only before any widget was touched: a session's first run."""

    @staticmethod
    def selectbox(label, options, *, key, **_):
        return st.session_state[key] if key in st.session_state else list(options)[0]

    @staticmethod
    def multiselect(label, options, *, key, **_):
        return list(st.session_state.get(key) or [])

    @staticmethod
    def toggle(label, *, key, **_):
        return bool(st.session_state.get(key, False))

    @staticmethod
    def expander(*_, **__):
        return contextlib.nullcontext()

    @staticmethod
    def caption(*_, **__):
        return None


def _pick_snapshot(snapshots: tuple[Snapshot, ...], ui=st) -> Snapshot:
    ids = [s.snapshot_id for s in snapshots]
    wanted = st.session_state.get("snapshot_id")
    if wanted not in ids:
        st.session_state["snapshot_id"] = None
        wanted = ids[0]
    st.session_state["snapshot_pick"] = wanted
    by_id = {s.snapshot_id: s for s in snapshots}

    def chosen() -> None:
        pick = st.session_state.get("snapshot_pick")
        st.session_state["snapshot_id"] = None if pick == ids[0] else pick

    picked = ui.selectbox(
        "Snapshot",
        ids,
        key="snapshot_pick",
        persist_state="session",
        format_func=lambda i: by_id[i].label + (" (latest)" if i == ids[0] else ""),
        on_change=chosen,
        help="Each import is a snapshot, named by the date its data describes (its as-of date); "
        "the latest import is shown unless you pick another.",
    )
    return by_id[picked]


def render_sidebar(*, draw: bool = True) -> View:
    """Draw the shared sidebar and return the scored, filtered view (`draw=False`: the same view,
    nothing drawn; only on a session's first run, which then draws the sidebar after)."""
    store = loaders.get_store()
    path = loaders.store_key()
    ui = st if draw else _Unseen
    with st.sidebar if draw else contextlib.nullcontext():
        portfolios = store.portfolios()
        names = sorted(
            portfolios["portfolio"].astype(str), key=lambda n: (n != SAMPLE_PORTFOLIO, n.casefold())
        )
        if not names:
            st.sidebar.warning("The store holds no portfolio yet: import one on the Intake page.")
            st.stop()
        keep_valid_choice(PORTFOLIO_KEY, names)
        portfolio = ui.selectbox(
            "Portfolio", names, key=PORTFOLIO_KEY, persist_state="session", help="Portfolios in the store."
        )
        snapshots, by_as_of = _snapshots(store, portfolio)
        snapshot = _pick_snapshot(snapshots, ui)

        options = profile_options(store)
        keep_valid_choice(PROFILE_KEY, list(options))
        label = ui.selectbox(
            "Scoring profile",
            list(options),
            key=PROFILE_KEY,
            persist_state="session",
            help="Weights, demand thresholds and gates; edit them on the Scoring model page.",
        )
        name, version = options[label]
        toml_text = store.load_profile_text(name, version)
        profile = loaders.parse_profile(toml_text)

        present = ui.toggle(
            "Presentation mode",
            key=PRESENT_KEY,
            persist_state="session",
            help="For workshops: names and owners become aliases, type is larger, editing is hidden.",
        )
        everything = loaders.presented_snapshot(
            path, snapshot.snapshot_id, snapshot.content_hash, toml_text, anonymised=bool(present)
        )

        decisions = loaders.load_decisions(path, portfolio)
        everything_states = loaders.snapshot_decision_states(
            path, snapshot.snapshot_id, snapshot.content_hash, toml_text, decisions
        )

        choices = filter_choices(everything.table)
        chosen: dict[str, tuple[str, ...]] = {}
        with ui.expander("Filters", expanded=True, icon=":material/filter_alt:"):
            for field in FILTER_FIELDS:
                keep_valid_choices(FILTER_KEYS[field], choices[field])
                chosen[field] = tuple(
                    ui.multiselect(
                        field_label(field),
                        choices[field],
                        key=FILTER_KEYS[field],
                        persist_state="session",
                        format_func=lambda v, field=field: value_label(field, v),
                        placeholder="All",
                    )
                )
            keep_valid_choices(DECISION_FILTER_KEY, DECISION_FILTER_STATES)
            chosen["decision"] = tuple(
                ui.multiselect(
                    field_label("decision"),
                    DECISION_FILTER_STATES,
                    key=DECISION_FILTER_KEY,
                    persist_state="session",
                    format_func=decision_state_label,
                    placeholder="All",
                    help="Where each pilot stands with its decision: signed off, awaiting sign-off, "
                    "to review (what it was decided on has changed) or none yet.",
                )
            )
        filters = PortfolioFilter(**chosen)
        keep = filters.mask(everything.table, everything_states["state"])
        scored = subset(everything, keep)
        states = everything_states[keep].reset_index(drop=True)
        if filters.active:
            ui.caption(f"{count(len(scored))} of {count_phrase(len(everything), 'pilot')} match the filters.")
    return View(
        store=store,
        store_path=path,
        portfolio=portfolio,
        snapshot=snapshot,
        snapshots=snapshots,
        by_as_of=by_as_of,
        profile=profile,
        profile_toml=toml_text,
        everything=everything,
        scored=scored,
        filters=filters,
        presenting=presenting() or bool(present),
        decisions=decisions,
        everything_states=everything_states,
        states=states,
    )


def current_view() -> View:
    """The view app.py built for this run."""
    return st.session_state["_view"]
