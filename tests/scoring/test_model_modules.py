"""The decision model's modules: one per part of the model, each small enough to read (the
400-line house rule), and every name still importable from where it always was."""

from __future__ import annotations

import importlib

import pytest

from tests.conftest import REPO

# The model's parts (README, "Readiness model") and the two faces that re-export them.
PARTS = ("inputs", "readiness", "gates", "demand", "fit", "recommendation", "promotion", "scored")
FACES = ("engine", "scoring")
# Names importers read from the faces (kairo_scoring.engine.X, from kairo_scoring.scoring
# import X), and the part that now defines each.
FACE_NAMES = {
    "engine": {
        "MET": "inputs",
        "FAILED": "inputs",
        "UNKNOWN": "inputs",
        "LEVELS": "inputs",
        "Inputs": "inputs",
        "read_inputs": "inputs",
        "filled_in": "inputs",
        "ReadinessScores": "readiness",
        "readiness_scores": "readiness",
        "FAILED_CREDIT_CAP": "gates",
        "gate_status": "gates",
        "gate_credit": "gates",
        "supply_bounds": "gates",
        "demand_rules": "demand",
        "demand_bounds": "demand",
        "demand_credit_index": "fit",
        "demand_credit": "fit",
        "NEEDS_DATA": "recommendation",
        "verdict_table": "recommendation",
        "decide_verdicts": "recommendation",
    },
    "scoring": {
        "FIT_COLUMNS": "fit",
        "READINESS_RANGE_COLUMNS": "scored",
        "DECISION_COLUMNS": "scored",
        "GATE_STATUS_TEXT": "gates",
        "RECOMMENDATIONS": "recommendation",
        "dimension_column": "scored",
        "GateCheck": "gates",
        "DemandCheck": "demand",
        "PathStep": "promotion",
        "ScoredPortfolio": "scored",
        "open_decisions": "recommendation",
        "decision_bounds": "recommendation",
        "open_boxes": "recommendation",
    },
}


@pytest.mark.parametrize("name", PARTS + FACES)
def test_every_module_of_the_model_is_under_400_lines(name: str) -> None:
    path = REPO / "kairo_scoring" / f"{name}.py"
    assert len(path.read_text().splitlines()) <= 400, f"{path.name}: split it along the model's parts"


@pytest.mark.parametrize(
    ("face", "name", "part"),
    [(face, name, part) for face, names in FACE_NAMES.items() for name, part in names.items()],
)
def test_a_moved_name_is_the_same_object_from_its_old_module(face: str, name: str, part: str) -> None:
    old = importlib.import_module(f"kairo_scoring.{face}")
    new = importlib.import_module(f"kairo_scoring.{part}")
    assert getattr(old, name) is getattr(new, name)


def test_the_engine_face_defines_no_rule_of_its_own() -> None:
    engine = importlib.import_module("kairo_scoring.engine")
    defined_here = [
        name
        for name in engine.__all__
        if getattr(getattr(engine, name), "__module__", "kairo_scoring.engine") == "kairo_scoring.engine"
        and callable(getattr(engine, name))
    ]
    assert defined_here == []
    assert set(engine.__all__) == set(FACE_NAMES["engine"])


def test_scoring_keeps_its_public_names() -> None:
    scoring = importlib.import_module("kairo_scoring.scoring")
    assert scoring.__all__ == ["DECISION_COLUMNS", "FIT_COLUMNS", "PathStep", "ScoredPortfolio", "score"]
    assert scoring.score.__module__ == "kairo_scoring.scoring"
