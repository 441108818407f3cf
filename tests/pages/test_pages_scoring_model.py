"""The Scoring model page (issue 11): a change previewed in presentation mode, never saved and
shown in aliases; a weight change shows how readiness moves; weights that do not sum to 1
are explained next to the weights editor."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from kairo_scoring import SAMPLE_PORTFOLIO, PortfolioStore
from tests.pages.conftest import metrics, no_errors
from tests.pages.test_pages_plain_words import _code_words, visible_text

PAGE = "app_pages/scoring_model.py"
NOT_SAVED = "Not saved in presentation mode: leave presentation mode in the sidebar to save this version."


def _open(app: AppTest, *, presenting: bool) -> None:
    app.sidebar.toggle(key="present").set_value(presenting)
    app.run()
    app.switch_page(PAGE)
    app.run()
    no_errors(app)


def _set(app: AppTest, suffix: str, value: float) -> None:
    key = next(n.key for n in app.number_input if n.key.endswith(suffix))
    app.number_input(key=key).set_value(value)


def _table_with(app: AppTest, column: str):
    return next(d.value for d in app.dataframe if column in d.value.columns)


def _movers(app: AppTest):
    return next(
        d.value
        for d in app.dataframe
        if "readiness_delta" in d.value.columns and "recommended_before" not in d.value.columns
    )


def _save_button(app: AppTest):
    return next(b for b in app.button if b.label.startswith("Save as "))


def _weights_note(app: AppTest) -> str:
    return next(
        c.value for c in app.caption if c.value.startswith(("The weights add up", "Every weight is 0"))
    )


def _real_names(store_path) -> set[str]:
    """The pilots' names and owners as stored: what presentation mode must never show."""
    with PortfolioStore(store_path) as store:
        pilots = store.load_pilots(store.latest_snapshot_id(SAMPLE_PORTFOLIO))
    return {str(v) for v in (*pilots["name"], *pilots["owner"]) if isinstance(v, str) and v.strip()}


def _shown(app: AppTest) -> list[str]:
    return [text for texts in visible_text(app).values() for text in texts]


def test_presentation_mode_previews_a_weight_change_and_saves_nothing(app, store_path):
    _open(app, presenting=True)
    _set(app, "w::governance", 0.9)
    app.run()
    no_errors(app)
    shown = metrics(app)
    assert shown["Pilots rescored"] == "80" and int(shown["Readiness moves"]) > 0
    # the distribution before and after, and the pilots whose readiness moves most
    chart = next(c for c in app.get("plotly_chart") if "readiness" in c.proto.spec.lower())
    assert '"barmode": "group"' in chart.proto.spec or '"barmode":"group"' in chart.proto.spec
    movers = _movers(app)
    assert 0 < len(movers) <= 10
    shifts = movers["readiness_delta"].abs().tolist()
    assert shifts == sorted(shifts, reverse=True)
    # nothing can be saved, and the page says why
    save = _save_button(app)
    assert save.disabled
    assert NOT_SAVED in [c.value for c in app.caption]
    assert app.text_input(key=next(t.key for t in app.text_input if t.key.endswith("name"))).disabled
    with PortfolioStore(store_path) as store:
        assert store.profiles()["version"].tolist() == [1]
    assert app.session_state["profile"] == "default v1"


def test_the_impact_in_presentation_mode_shows_aliases_never_names(app, store_path):
    real = _real_names(store_path)
    assert len(real) > 80  # names and owners

    def leaked() -> set[str]:
        return {name for name in real for text in _shown(app) if name in text}

    _open(app, presenting=True)
    _set(app, "w::governance", 0.9)  # readiness moves: the movers table
    _set(app, "d::api", 500.0)  # recommendations change: the changes table
    app.run()
    no_errors(app)
    changes = _table_with(app, "recommended_before")
    movers = _movers(app)
    assert len(changes) > 0 and len(movers) > 0
    for table in (changes, movers):
        assert table["name"].str.startswith("Pilot ").all(), table["name"].tolist()
    assert not leaked()
    # and nothing of the impact speaks code words
    assert not {w for text in _shown(app) for w in _code_words(text)}

    # The same edit out of presentation mode shows the real names: the search above can fail.
    app.sidebar.toggle(key="present").set_value(False)
    app.run()
    no_errors(app)
    assert leaked()
    assert not _save_button(app).disabled


def test_a_weight_change_outside_presentation_mode_shows_how_readiness_moves(app):
    _open(app, presenting=False)
    assert _weights_note(app).startswith("The weights add up to 1, so each is its dimension's share")
    _set(app, "w::governance", 0.9)
    app.run()
    no_errors(app)
    assert int(metrics(app)["Readiness moves"]) > 0
    assert any("readiness" in c.proto.spec.lower() for c in app.get("plotly_chart"))
    assert len(_movers(app)) == 10
    assert NOT_SAVED not in [c.value for c in app.caption]
    assert not _save_button(app).disabled
    # weights that do not sum to 1 are explained next to the weights editor
    note = _weights_note(app)
    assert note.startswith("The weights add up to 1\\.6, not 1\\.") and "divides each by their sum" in note


def test_weights_scaled_alike_move_no_readiness_and_the_page_says_so(app):
    _open(app, presenting=False)
    for dim, weight in {"workflow": 0.5, "governance": 0.6, "standards": 0.3, "integration": 0.3}.items():
        _set(app, f"w::{dim}", weight)
    _set(app, "w::value", 0.3)
    app.run()
    no_errors(app)
    assert "add up to 2, not 1" in _weights_note(app)
    assert metrics(app)["Readiness moves"] == "0"
    assert any(c.value.startswith("No pilot's readiness moves") for c in app.caption)
    assert not any("readiness" in c.proto.spec.lower() for c in app.get("plotly_chart"))


def test_all_weights_at_zero_are_refused_and_the_note_says_why(app):
    _open(app, presenting=False)
    for dim in ("workflow", "governance", "standards", "integration", "value"):
        _set(app, f"w::{dim}", 0.0)
    app.run()
    assert not app.exception
    assert _weights_note(app).startswith("Every weight is 0")
    assert any("at least one weight must be above 0" in e.value for e in app.error)
    assert not any(b.label.startswith("Save as ") for b in app.button)
