"""Intake is a pipeline of stages a newcomer can name, each taking one object and handing one
on: read → locate → map → (skip totals) → normalise → validate → report. *Normalise* is a
stage of its own: it parses values and judges no row; *validate* judges rows from what it
hands on, and never parses a cell itself."""

from __future__ import annotations

import pandas as pd
import pytest

from kairo_scoring.intake import IntakeLimits, pipeline, read_portfolio
from kairo_scoring.intake.issues import IssueLog
from kairo_scoring.intake.normalize import stage
from kairo_scoring.intake.normalize.stage import Normalised, normalise
from kairo_scoring.intake.validate import validate

REGISTER = (
    b"pilot_id,name,business_unit,process_maturity,users\n"
    b"P1,Invoice bot,Finance,4,1200\n"
    b"P2,,HR,maybe,30\n"
    b"P3,Triage helper,IT,5,\n"
)


def _prepared() -> pipeline._Prepared:
    return pipeline._prepare(REGISTER, "register.csv", None, None, None, IntakeLimits())


def test_normalise_hands_on_parsed_values_and_judges_no_row() -> None:
    prepared = _prepared()
    log = IssueLog(None)

    normalised = normalise(
        prepared.table, prepared.profile, prepared.plan, prepared.detection.derived_fields, log
    )

    assert isinstance(normalised, Normalised)
    assert normalised.table is prepared.table
    assert normalised.values["name"].tolist() == ["Invoice bot", pd.NA, "Triage helper"]
    assert normalised.values["process_maturity"].tolist()[::2] == [4.0, 5.0]
    assert pd.isna(normalised.values["process_maturity"].iloc[1])
    assert normalised.values["users"].tolist()[:2] == [1200.0, 30.0]
    # "maybe" is not a score: a value problem, reported; the nameless row is not judged yet.
    assert log.frame()["code"].tolist() == ["not_a_score"]
    assert normalised.answer_rejects.isna().all()


def test_validate_judges_rows_from_the_normalised_values_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    prepared = _prepared()
    log = IssueLog(None)
    normalised = normalise(
        prepared.table, prepared.profile, prepared.plan, prepared.detection.derived_fields, log
    )

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("validate parsed a value: normalising is the stage before it")

    for name in ("normalise_field", "parse_scores", "parse_enum", "parse_quantities", "parse_dates"):
        monkeypatch.setattr(stage, name, no_parsing)
    validated = validate(normalised, prepared.profile, prepared.plan, log)

    assert validated.pilots["pilot_id"].tolist() == ["P1", "P3"]
    assert validated.rejected["source_row"].tolist() == [3]
    assert sorted(log.frame()["code"]) == ["missing_name", "not_a_score"]
    # The stage handed on is not changed by the next one.
    assert normalised.values["pilot_id"].tolist() == ["P1", "P2", "P3"]


def test_the_stages_run_in_order_once_each(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    for name in ("read_workbook", "_locate", "_map", "_skip_totals", "normalise", "validate"):
        original = getattr(pipeline, name)

        def recorded(*args: object, _name: str = name, _original=original, **kwargs: object) -> object:
            calls.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(pipeline, name, recorded)

    result = read_portfolio(REGISTER, filename="register.csv")

    assert calls == ["read_workbook", "_locate", "_map", "_skip_totals", "normalise", "validate"]
    assert len(result.pilots) == 2 and len(result.rejected) == 1
