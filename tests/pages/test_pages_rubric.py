"""The Scoring model page shows the rubric of the chosen profile: every level of every field."""

from __future__ import annotations

import copy

from kairo_scoring import PortfolioStore, default_profile, field_label, profile_from_dict, value_label
from tests.pages.conftest import no_errors

SCORES = (
    "process_maturity",
    "io_stability",
    "exception_governance",
    "ownership",
    "controls",
    "shared_assets",
    "integration_readiness",
    "value_evidence",
)


def shown_rubric(app) -> dict[str, object]:
    tables = {}
    for frame in app.dataframe:
        columns = [str(c) for c in frame.value.columns]
        if columns == ["Field", "Question", "1", "2", "3", "4", "5"]:
            tables["levels"] = frame.value
        elif columns == ["Answer", "Meaning"]:
            tables.setdefault("choices", []).append(frame.value)
        elif columns == ["Field", "Question", "Unit"]:
            tables["numbers"] = frame.value
    return tables


def test_the_scoring_model_page_shows_the_default_rubric(app):
    app.switch_page("app_pages/scoring_model.py")
    app.run()
    no_errors(app)
    assert "Rubric" in [t.label for t in app.tabs]
    rubric = default_profile().rubric
    tables = shown_rubric(app)
    levels = tables["levels"]
    assert list(levels["Field"]) == [field_label(f) for f in SCORES]
    for row, f in zip(levels.itertuples(index=False), SCORES, strict=True):
        assert row[1] == rubric.question(f)
        assert list(row[2:]) == [text for _, text in rubric.choices_for(f)]
    assert levels.iloc[0, 4] == "documented and mostly followed"  # process maturity 3
    risk, mode = tables["choices"]
    assert list(risk["Answer"]) == ["Low", "Medium", "High", "Critical"]
    assert list(risk["Meaning"]) == [t for _, t in rubric.choices_for("risk_level")]
    assert list(mode["Answer"]) == [
        value_label("current_mode", v) for v, _ in rubric.choices_for("current_mode")
    ]
    assert list(tables["numbers"]["Unit"]) == [
        rubric.unit(f) for f in ("monthly_volume", "users", "monthly_value")
    ]
    assert any("read only here for now" in c.value for c in app.caption)


def test_the_page_shows_the_chosen_profiles_rubric_not_the_default(app, store_path):
    data = copy.deepcopy(default_profile().to_dict())
    data["name"] = "workshop"
    data["rubric"]["controls"]["levels"]["3"] = "approvals, permissions and a named reviewer"
    data["rubric"]["risk_level"]["choices"]["high"] = "an error reaches clients or payments"
    workshop = profile_from_dict(data)
    with PortfolioStore(store_path) as store:
        store.save_profile(workshop.name, workshop.version, workshop.to_toml(), workshop.content_hash)
    app.switch_page("app_pages/scoring_model.py")
    app.run()
    app.sidebar.selectbox(key="profile").set_value("workshop v1")
    app.run()
    no_errors(app)
    tables = shown_rubric(app)
    controls = tables["levels"].set_index("Field").loc[field_label("controls")]
    assert controls["3"] == "approvals, permissions and a named reviewer"
    assert "an error reaches clients or payments" in list(tables["choices"][0]["Meaning"])
