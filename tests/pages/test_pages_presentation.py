"""Presentation mode is applied to the cached scored result: switching it relabels what is
shown and never scores the portfolio again."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.pages.conftest import APP, TIMEOUT, no_errors
from ui import loaders


def _names_shown(at: AppTest) -> list[str]:
    table = next(d.value for d in at.dataframe if "pilot_id" in d.value.columns)
    return table["name"].astype(str).tolist()


def test_switching_presentation_mode_does_not_score_again(store_path, monkeypatch):
    scored = []  # one entry per real scoring run behind the cached loader
    real_score = loaders.score

    def counted_score(*args, **kwargs):
        scored.append(1)
        return real_score(*args, **kwargs)

    monkeypatch.setattr(loaders, "score", counted_score)
    loaders.scored_snapshot.clear()

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    no_errors(at)
    assert len(scored) == 1
    real_names = _names_shown(at)
    assert not any(name.startswith("Pilot ") for name in real_names)

    at.sidebar.toggle(key="present").set_value(True)
    at.run()
    no_errors(at)
    assert len(scored) == 1, "presentation mode scored the portfolio again"
    presented = _names_shown(at)
    assert presented and all(name.startswith("Pilot ") for name in presented)
    assert not set(presented) & set(real_names)

    at.sidebar.toggle(key="present").set_value(False)
    at.run()
    no_errors(at)
    assert len(scored) == 1
    assert _names_shown(at) == real_names
